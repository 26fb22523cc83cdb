// The only way the UI reaches the shell: one typed function per Tauri command.
import { Channel, invoke } from "@tauri-apps/api/core";
import type {
  ClientFiles,
  ColumnMapping,
  CommandError,
  Complementary,
  ConclusionInput,
  Control,
  ControlInput,
  Criterion,
  Dropping,
  EvaluationInput,
  Examination,
  Evidence,
  ExceptionEvaluation,
  ListingPreview,
  OpinionKind,
  OpinionState,
  ReportDocumentKind,
  ReportDocuments,
  ProcedureInput,
  NewEngagement,
  Overview,
  Population,
  PopulationItem,
  RecentFile,
  Request,
  RequestChange,
  RequestInput,
  RequestStatus,
  SubserviceInput,
  UserEntityControlInput,
  ResultsImported,
  SamplePlan,
  SampleRequest,
  SignoffRole,
  Startup,
  TeamMember,
  TestResult,
  TrailEntry,
  SyncConflict,
  SyncReport,
  Verification,
  ViewedEvidence,
  WalkthroughInput,
  Workpaper,
} from "./bindings";

/** A channel that hands each progress report (rows or bytes so far) to `onProgress`. */
function progressChannel(onProgress: (done: number) => void): Channel<number> {
  const channel = new Channel<number>();
  channel.onmessage = onProgress;
  return channel;
}

export const api = {
  chooseNewFile: () => invoke<string | null>("choose_new_file"),
  chooseExistingFile: () => invoke<string | null>("choose_existing_file"),
  chooseListing: () => invoke<string | null>("choose_listing"),
  chooseEvidence: () => invoke<string[]>("choose_evidence"),
  chooseSavePath: (title: string, fileName: string, extension: string) =>
    invoke<string | null>("choose_save_path", { title, fileName, extension }),
  startup: () => invoke<Startup>("startup"),
  createEngagement: (path: string, passphrase: string, engagement: NewEngagement) =>
    invoke<Overview>("create_engagement", { path, passphrase, engagement }),
  openEngagement: (path: string, passphrase: string) => invoke<Overview>("open_engagement", { path, passphrase }),
  joinEngagement: (folder: string, path: string, passphrase: string) => invoke<Overview>("join_engagement", { folder, path, passphrase }),
  closeEngagement: () => invoke<null>("close_engagement"),
  overview: () => invoke<Overview>("overview"),
  setUser: (initials: string) => invoke<Overview>("set_user", { initials }),
  signIn: (initials: string, passphrase: string, keyPath: string | null) => invoke<Overview>("sign_in", { initials, passphrase, keyPath }),
  makeKey: (passphrase: string) => invoke<Overview>("make_key", { passphrase }),
  registerKey: (initials: string, publicKey: string) => invoke<Overview>("register_key", { initials, publicKey }),
  keyFingerprint: (publicKey: string) => invoke<string>("key_fingerprint", { publicKey }),
  addTeamMember: (member: TeamMember) => invoke<Overview>("add_team_member", { member }),
  recentFiles: () => invoke<RecentFile[]>("recent_files"),
  forgetRecentFile: (path: string) => invoke<RecentFile[]>("forget_recent_file", { path }),
  /** Files dragged over or dropped on the window are reported to `onDrop`. */
  watchDroppedFiles: (onDrop: (d: Dropping) => void) => {
    const channel = new Channel<Dropping>();
    channel.onmessage = onDrop;
    return invoke<null>("watch_dropped_files", { channel });
  },
  /** Whether any form holds unsaved text: if so, closing the window is held back and asked about. */
  setUnsaved: (unsaved: boolean) => invoke<null>("set_unsaved", { unsaved }),
  /** A close of the window that was held back because text is unsaved is reported to `onClose`. */
  watchCloseRequests: (onClose: () => void) => {
    const channel = new Channel<null>();
    channel.onmessage = onClose;
    return invoke<null>("watch_close_requests", { channel });
  },
  /** Closes the window, unsaved text and all: only after the auditor agreed to discard it. */
  closeWindow: () => invoke<null>("close_window"),
  criteria: () => invoke<Criterion[]>("criteria"),
  controls: () => invoke<Control[]>("controls"),
  addControl: (input: ControlInput) => invoke<number>("add_control", { input }),
  updateControl: (id: number, input: ControlInput) => invoke<null>("update_control", { id, input }),
  workpaper: (controlId: number) => invoke<Workpaper>("workpaper", { controlId }),
  addWalkthrough: (input: WalkthroughInput) => invoke<number>("add_walkthrough", { input }),
  previewPopulation: (path: string) => invoke<ListingPreview>("preview_population", { path }),
  importPopulation: (controlId: number, path: string, mapping: ColumnMapping, description: string, onProgress: (rows: number) => void) =>
    invoke<Population>("import_population", { controlId, path, mapping, description, progress: progressChannel(onProgress) }),
  /** Stops the import, attach or archive running now; what it wrote is undone. */
  cancelWork: () => invoke<null>("cancel_work"),
  populationItems: (populationId: number, offset: number, limit: number) =>
    invoke<PopulationItem[]>("population_items", { populationId, offset, limit }),
  removePopulation: (populationId: number, reason: string) => invoke<null>("remove_population", { populationId, reason }),
  explainOutOfPeriod: (populationId: number, explanation: string) => invoke<null>("explain_out_of_period", { populationId, explanation }),
  /** The size, its reasoning and the seed a draw would use, shown before the draw is committed. */
  planSample: (request: SampleRequest) => invoke<SamplePlan>("plan_sample", { request }),
  drawSample: (request: SampleRequest) => invoke<number>("draw_sample", { request }),
  voidSample: (sampleId: number, reason: string) => invoke<null>("void_sample", { sampleId, reason }),
  extendSample: (sampleId: number, additional: number, reason: string) => invoke<null>("extend_sample", { sampleId, additional, reason }),
  recordAuditedAmount: (sampleId: number, position: number, auditCents: number, note: string | null) =>
    invoke<null>("record_audited_amount", { sampleId, position, auditCents, note }),
  setGridColumns: (controlId: number, columns: string[]) => invoke<null>("set_grid_columns", { controlId, columns }),
  importResults: (controlId: number, path: string) => invoke<ResultsImported>("import_results", { controlId, path }),
  recordResult: (result: TestResult) => invoke<null>("record_result", { result }),
  addException: (controlId: number, description: string, items: number[]) =>
    invoke<number>("add_exception", { controlId, description, items }),
  respondToException: (id: number, response: string, by: string, on: string) =>
    invoke<null>("respond_to_exception", { id, response, by, on }),
  recordResponseDeclined: (id: number, note: string, on: string) => invoke<null>("record_response_declined", { id, note, on }),
  setConclusion: (controlId: number, input: ConclusionInput) => invoke<null>("set_conclusion", { controlId, input }),
  sign: (controlId: number, role: SignoffRole) => invoke<null>("sign", { controlId, role }),
  withdrawSignoff: (controlId: number, role: SignoffRole, reason: string) =>
    invoke<null>("withdraw_signoff", { controlId, role, reason }),
  raiseReviewNote: (controlId: number, text: string) => invoke<number>("raise_review_note", { controlId, text }),
  takeControl: (controlId: number) => invoke<null>("take_control", { controlId }),
  releaseControl: (controlId: number) => invoke<null>("release_control", { controlId }),
  respondToReviewNote: (id: number, response: string) => invoke<null>("respond_to_review_note", { id, response }),
  clearReviewNote: (id: number) => invoke<null>("clear_review_note", { id }),
  addProcedure: (controlId: number, input: ProcedureInput) => invoke<number>("add_procedure", { controlId, input }),
  editProcedure: (id: number, input: ProcedureInput) => invoke<null>("edit_procedure", { id, input }),
  markPerformed: (id: number, on: string) => invoke<null>("mark_performed", { id, on }),
  removeProcedure: (id: number) => invoke<null>("remove_procedure", { id }),
  setItemType: (populationId: number, itemType: string) => invoke<null>("set_item_type", { populationId, itemType }),
  complementary: () => invoke<Complementary>("complementary"),
  addUserEntityControl: (input: UserEntityControlInput) => invoke<number>("add_user_entity_control", { input }),
  removeUserEntityControl: (id: number) => invoke<null>("remove_user_entity_control", { id }),
  addSubservice: (input: SubserviceInput) => invoke<number>("add_subservice", { input }),
  removeSubservice: (id: number) => invoke<null>("remove_subservice", { id }),
  requests: () => invoke<Request[]>("requests"),
  addRequest: (input: RequestInput) => invoke<number>("add_request", { input }),
  setRequestStatus: (id: number, status: RequestStatus, reason: string | null) => invoke<null>("set_request_status", { id, status, reason }),
  evidence: () => invoke<Evidence[]>("evidence"),
  writeRequestList: (path: string) => invoke<null>("write_request_list", { path }),
  requestListChanges: (path: string) => invoke<RequestChange[]>("request_list_changes", { path }),
  applyRequestList: (path: string) => invoke<RequestChange[]>("apply_request_list", { path }),
  attachClientFiles: (folder: string, receivedOn: string) => invoke<ClientFiles>("attach_client_files", { folder, receivedOn }),
  attachEvidence: (path: string, requestId: number | null, controlId: number | null, receivedOn: string, onProgress: (bytes: number) => void) =>
    invoke<number>("attach_evidence", { path, requestId, controlId, receivedOn, progress: progressChannel(onProgress) }),
  viewEvidence: (id: number) => invoke<ViewedEvidence>("view_evidence", { id }),
  closeEvidenceView: (id: number) => invoke<null>("close_evidence_view", { id }),
  opinionState: () => invoke<OpinionState>("opinion_state"),
  exceptionEvaluations: () => invoke<ExceptionEvaluation[]>("exception_evaluations"),
  evaluateException: (exceptionId: number, input: EvaluationInput) => invoke<ExceptionEvaluation[]>("evaluate_exception", { exceptionId, input }),
  concludeCriteria: (criteria: string[], met: boolean, reason: string | null) => invoke<OpinionState>("conclude_criteria", { criteria, met, reason }),
  addScopeLimitation: (requestNumber: string, controlId: number, description: string) =>
    invoke<OpinionState>("add_scope_limitation", { requestNumber, controlId, description }),
  removeScopeLimitation: (id: number) => invoke<OpinionState>("remove_scope_limitation", { id }),
  decideOpinion: (kind: OpinionKind, reason: string | null) => invoke<OpinionState>("decide_opinion", { kind, reason }),
  reportDocuments: () => invoke<ReportDocuments>("report_documents"),
  setReportDocument: (kind: ReportDocumentKind, evidenceId: number) => invoke<ReportDocuments>("set_report_document", { kind, evidenceId }),
  writeReport: (path: string) => invoke<null>("write_report", { path }),
  writeWorkpaper: (controlId: number, path: string) => invoke<null>("write_workpaper", { controlId, path }),
  writeSamplesXlsx: (path: string) => invoke<null>("write_samples_xlsx", { path }),
  completionBlockers: () => invoke<string[]>("completion_blockers"),
  completeDocumentation: (on: string) => invoke<Overview>("complete_documentation", { on }),
  beginAddendum: (reason: string) => invoke<Overview>("begin_addendum", { reason }),
  endAddendum: () => invoke<Overview>("end_addendum"),
  writeArchive: (path: string, onProgress: (bytes: number) => void) =>
    invoke<null>("write_archive", { path, progress: progressChannel(onProgress) }),
  rollForward: (path: string, examination: Examination, passphrase: string, fromIncomplete: boolean) =>
    invoke<Overview>("roll_forward", { path, examination, passphrase, fromIncomplete }),
  trail: () => invoke<TrailEntry[]>("trail"),
  verify: () => invoke<Verification>("verify"),
  sharedFolder: () => invoke<string | null>("shared_folder"),
  shareEngagement: (folder: string) => invoke<null>("share_engagement", { folder }),
  syncNow: () => invoke<SyncReport>("sync_now"),
  syncWith: (folder: string) => invoke<SyncReport>("sync_with", { folder }),
  syncConflicts: () => invoke<SyncConflict[]>("sync_conflicts"),
  settleConflict: (number: number, note: string) => invoke<null>("settle_conflict", { number, note }),
};

export function isCommandError(e: unknown): e is CommandError {
  return typeof e === "object" && e !== null && "code" in e && "message" in e;
}

/** What to tell the auditor about a failed command. */
export function errorMessage(e: unknown): string {
  if (isCommandError(e)) return e.message;
  return `Unexpected error: ${String(e)}`;
}

/** What a refusal lists as still to be done, one line each. */
export function errorDetails(e: unknown): string[] {
  return isCommandError(e) ? e.details : [];
}
