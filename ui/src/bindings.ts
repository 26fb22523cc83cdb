// Generated from the Rust types by `cargo test -p tickmark-app` (UPDATE_BINDINGS=1 rewrites it). Do not edit.

export type Category = "security" | "availability" | "processing_integrity" | "confidentiality" | "privacy";

export type Examination = { "kind": "type1", as_of: string, } | { "kind": "type2", period_start: string, period_end: string, };

export type Role = "staff" | "senior" | "manager" | "partner";

export type TeamMember = { name: string, initials: string, role: Role, 
/**
 * The member's Ed25519 public key (hex), once they have registered one: from then on
 * they sign in with their key and every trail entry they write is signed.
 */
public_key?: string, };

export type NewEngagement = { client: string, system: string, examination: Examination, categories: Array<Category>, team: Array<TeamMember>, };

export type EngagementInfo = { id: string, client: string, system: string, examination: Examination, categories: Array<Category>, team: Array<TeamMember>, };

export type Criterion = { id: string, title: string, category: Category, };

export type ControlProgress = { id: number, reference: string, description: string, criteria: Array<string>, walkthroughs: number, 
/**
 * Populations in use (not removed).
 */
populations: number, 
/**
 * Items of the live sample; voided samples count nowhere.
 */
sample_items: number, 
/**
 * Results recorded against (items × attributes) of the live sample.
 */
results_recorded: number, results_expected: number, 
/**
 * Exceptions that count (not on a voided sample).
 */
exceptions: number, 
/**
 * Of those, exceptions with no management response (nor a recorded refusal) yet.
 */
exceptions_unanswered: number, conclusion: Conclusion | null, preparer: string | null, reviewer: string | null, 
/**
 * The work changed after the preparer's (reviewer's) sign-off.
 */
preparer_changed: boolean, reviewer_changed: boolean, open_review_notes: number, };

export type Overview = { path: string, user: string | null, 
/**
 * Whether the user signed in with a personal key (their entries are signed).
 */
signed: boolean, 
/**
 * Each member's key fingerprint, to compare in person; none for a member without a key.
 */
fingerprints: Array<MemberKey>, info: EngagementInfo, controls: Array<ControlProgress>, 
/**
 * The documentation completion date, once recorded: the file is read-only after it.
 */
completed_on: string | null, 
/**
 * The reason of the addendum the user has open: the changes they make now are recorded
 * under it. None when no addendum is open.
 */
addendum: string | null, 
/**
 * Why the user cannot add members to the team now, said where the form would be: the
 * partner signs with a key and adds them. None when they can.
 */
team_closed: string | null, 
/**
 * Whether the user registers members' keys (first keys, replacements of lost ones): the
 * partner, signed in with theirs.
 */
registers_keys: boolean, 
/**
 * The user's own key, made (or unlocked) in this session for the partner to register: what
 * they give her, shown whenever they come back to it while the file is open, until they
 * sign in with it.
 */
key_for_partner: KeyForPartner | null, open_requests: number, 
/**
 * Open requests whose due date has passed.
 */
overdue_requests: number, evidence_files: number, trail_entries: number, 
/**
 * What is left to do: one line per control with work open, then the requests.
 */
open_items: Array<OpenItem>, };

export type OpenItem = { control_id: number | null, reference: string | null, text: string, };

export type MemberKey = { initials: string, fingerprint: string | null, };

export type KeyForPartner = { public_key: string, fingerprint: string, registered: boolean, };

export type Frequency = "annual" | "quarterly" | "monthly" | "weekly" | "daily" | "multiple_times_per_day" | "as_needed";

export type Nature = "manual" | "automated" | "it_dependent_manual";

export type AttributeInput = { label: string, question: string, };

export type ControlInput = { reference: string, description: string, criteria: Array<string>, frequency: Frequency, nature: Nature, owner: string, attributes: Array<AttributeInput>, };

export type Attribute = { id: number, label: string, question: string, };

export type Control = { id: number, reference: string, description: string, criteria: Array<string>, frequency: Frequency, nature: Nature, owner: string, attributes: Array<Attribute>, 
/**
 * Initials of the team member who has taken the control's work, if anyone has.
 */
assigned_to: string | null, };

export type WalkthroughKind = "walkthrough" | "interview";

export type WalkthroughInput = { control_id: number, kind: WalkthroughKind, held_on: string, attendees: Array<string>, narrative: string, 
/**
 * Evidence files this walkthrough refers to.
 */
evidence: Array<number>, };

export type Walkthrough = { id: number, control_id: number, kind: WalkthroughKind, held_on: string, attendees: Array<string>, narrative: string, 
/**
 * Evidence files this walkthrough refers to.
 */
evidence: Array<number>, };

export type ColumnMapping = { key: string, date: string | null, amount: string | null, stratum: string | null, };

export type CellAt = { row: number, column: string, };

export type Findings = { blank_keys: Array<number>, duplicate_keys: Array<string>, outside_period: Array<number>, 
/**
 * Rows whose date cell is empty, where a date column is mapped: they cannot be placed in
 * the period. Absent from findings recorded before it was checked.
 */
undated?: Array<number>, 
/**
 * Pairs of rows (the earlier first) whose keys differ only by letter case or invisible
 * characters: likely the same item twice.
 */
near_duplicate_keys?: Array<[number, number]>, 
/**
 * Rows whose key is a number of more than 15 significant digits: a spreadsheet keeps only
 * 15, so the key may have lost digits before it reached the listing.
 */
long_numeric_keys?: Array<number>, 
/**
 * Cells holding invisible or direction-changing characters (zero-width spaces, right-to-left
 * overrides): text that reads other than it is. The first 1,000.
 */
hidden_characters?: Array<CellAt>, 
/**
 * Workbook cells holding a formula whose value was never saved (the workbook was written by
 * a program that does not calculate): imported as empty, though the client's system may
 * show a value there.
 */
formulas_without_value?: Array<CellAt>, };

export type Removal = { at: string, by: string, reason: string, };

export type Population = { id: number, control_id: number, description: string, source_name: string, source_sha256: string, columns: Array<string>, mapping: ColumnMapping, row_count: number, date_min: string | null, date_max: string | null, findings: Findings, 
/**
 * The findings as sentences, for the window (the same the CLI and workpaper print).
 */
finding_lines: Array<string>, 
/**
 * SHA-256 over the imported rows: the population's fingerprint, from which seeds derive.
 */
fingerprint: string, imported_at: string, 
/**
 * Items dated within the period, where a date column is mapped.
 */
in_period: number | null, 
/**
 * Why items dated outside the period are in the listing, once the auditor has said.
 */
out_of_period_note: string | null, 
/**
 * Set once the population was removed: it stays on record but is no longer sampled.
 */
removed: Removal | null, 
/**
 * What its items are called in the report ("change tickets"); "items" when not set.
 */
item_type: string | null, };

export type PopulationItem = { index: number, 
/**
 * The row a spreadsheet shows for the item in the client's listing (the header is row 1).
 */
row: number, key: string, date: string | null, amount_cents: number | null, stratum: string | null, fields: Array<string>, };

export type ListingPreview = { file: string, header: Array<string>, rows: Array<Array<string>>, };

export type SampleMethod = { "kind": "simple_random" } | { "kind": "systematic" } | { "kind": "cell" } | { "kind": "stratified", by: StratifyBy, counts: { [key in string]: number } | null, } | { "kind": "monetary_unit", variant: "fixed" | "cell", };

export type StratifyBy = "column" | "month" | "quarter" | "half";

export type SizeRequest = { "kind": "frequency_table" } | { "kind": "attribute", plan: { confidence: number, tolerable_rate: number, expected_rate: number, population: number | null, model: "binomial" | "poisson" | "hypergeometric" }, } | { "kind": "fixed", n: number, reason: string, } | { "kind": "monetary", tolerable_cents: number, expected_cents: number, confidence: number, };

export type SampleRequest = { control_id: number, population_id: number, method: SampleMethod, size: SizeRequest, 
/**
 * An explicit seed in hex, recorded as chosen; by default the seed is derived.
 */
seed: string | null, 
/**
 * Why an explicit seed was chosen: required with one, since a reviewer will ask.
 */
seed_reason: string | null, };

export type SamplePlan = { 
/**
 * Items, or for a monetary-unit sample, hits (`hits` is then true).
 */
size: number, hits: boolean, population_size: number, reasoning: string, method: string, seed: string, seed_derived: boolean, };

export type Voiding = { at: string, by: string, reason: string, };

export type AuditedAmount = { position: number, audit_cents: number, note: string | null, };

export type MonetaryView = { hits: number, 
/**
 * Distinct records the hits selected (a record hit twice is one item).
 */
items: number, 
/**
 * Items added by extension: simple random, so not projected by the bound.
 */
extended: number, book_cents: number, interval_cents: number, random_start: number | null, top_stratum: number, tolerable_cents: number | null, confidence: number | null, audited: Array<AuditedAmount>, projected_cents: number | null, basic_precision_cents: number | null, incremental_allowance_cents: number | null, upper_limit_cents: number | null, understatement_cents: number | null, };

export type Outcome = "pass" | "deviation" | "not_applicable";

export type Tickmark = { outcome: Outcome, mark: string, meaning: string, };

export type TestResult = { sample_id: number, 
/**
 * Position of the item in the sample's selection order (0-based).
 */
position: number, attribute_id: number, outcome: Outcome, tickmark: string | null, note: string | null, 
/**
 * Evidence files (by id, shown as EV-n) the result rests on.
 */
evidence: Array<number>, };

export type Conclusion = "no_exceptions" | "exceptions_noted" | "not_effective" | "did_not_operate";

export type ConclusionInput = { conclusion: Conclusion, basis: string, override_reason: string | null, };

export type Exception = { id: number, 
/**
 * How people name it, and its sample (`model::number`).
 */
number: string, sample_number: string | null, control_id: number, 
/**
 * The sample whose deviations it writes up; none for an exception found another way.
 */
sample_id: number | null, 
/**
 * True when that sample was voided: the exception then counts nowhere, like its sample.
 */
on_voided_sample: boolean, description: string, 
/**
 * Sample positions the exception covers.
 */
items: Array<number>, 
/**
 * Management's response as given or, when management declined to respond, the auditor's
 * record of that.
 */
management_response: string | null, response_by: string | null, response_on: string | null, response_declined: boolean, };

export type ResultsImported = { new: number, changed: number, unchanged: number, };

export type ProcedureNature = "inquiry" | "observation" | "inspection" | "reperformance" | "recalculation";

export type ProcedureInput = { nature: ProcedureNature, 
/**
 * As it will read in the report. A sample-based procedure's text follows "For a sample of
 * n of N items, " ("inspected each ticket for approval before deployment").
 */
text: string, 
/**
 * Performed on each item of the live sample: performed once every result is recorded.
 */
sample_based: boolean, };

export type Performed = { by: string, on: string, };

export type Procedure = { id: number, control_id: number, 
/**
 * None while planned. For a sample-based procedure, set by the workpaper once the live
 * sample's results are all recorded.
 */
performed: Performed | null, nature: ProcedureNature, 
/**
 * As it will read in the report. A sample-based procedure's text follows "For a sample of
 * n of N items, " ("inspected each ticket for approval before deployment").
 */
text: string, 
/**
 * Performed on each item of the live sample: performed once every result is recorded.
 */
sample_based: boolean, };

export type UserEntityControlInput = { 
/**
 * As the report will state it ("User entities are responsible for removing their
 * employees' access when they leave").
 */
text: string, criteria: Array<string>, };

export type UserEntityControl = { id: number, 
/**
 * Its number in the report: CUEC-1, CUEC-2, … in the order recorded.
 */
number: number, 
/**
 * As the report will state it ("User entities are responsible for removing their
 * employees' access when they leave").
 */
text: string, criteria: Array<string>, };

export type SubserviceMethod = "carved_out" | "inclusive";

export type SubserviceInput = { name: string, 
/**
 * What it provides ("hosting of the production environment").
 */
services: string, method: SubserviceMethod, 
/**
 * For a carved-out organisation, the complementary subservice organisation controls the
 * service organisation's controls assume, as the report will state them.
 */
controls: Array<string>, criteria: Array<string>, };

export type Subservice = { id: number, name: string, 
/**
 * What it provides ("hosting of the production environment").
 */
services: string, method: SubserviceMethod, 
/**
 * For a carved-out organisation, the complementary subservice organisation controls the
 * service organisation's controls assume, as the report will state them.
 */
controls: Array<string>, criteria: Array<string>, };

export type Complementary = { user_entity_controls: Array<UserEntityControl>, subservices: Array<Subservice>, };

export type SignoffRole = "preparer" | "reviewer";

export type Signoff = { id: number, role: SignoffRole, initials: string, signed_at: string, 
/**
 * The trail's head when signing: what exactly the signer vouched for.
 */
chain_head: string, 
/**
 * Set when the work changed after this signature: it no longer covers the workpaper as
 * it stands.
 */
changed_since: ChangedSince | null, };

export type ChangedSince = { changes: Array<string>, };

export type ReviewNote = { id: number, 
/**
 * How people name it (`model::number`).
 */
number: string, control_id: number, raised_by: string, raised_at: string, text: string, response: string | null, responded_by: string | null, responded_at: string | null, cleared_by: string | null, cleared_at: string | null, };

export type SampleItem = { position: number, index: number, 
/**
 * The item's row in the client's listing, as a spreadsheet shows it.
 */
row: number, key: string, date: string | null, 
/**
 * The item's amount in cents, where an amount column is mapped: the book amount a
 * monetary-unit sample's audited amounts are compared with.
 */
amount_cents: number | null, fields: Array<string>, };

export type MonthCount = { month: string, population: number, sample: number, };

export type SampleView = { id: number, 
/**
 * How people name it (`model::number`).
 */
number: string, population_id: number, method: string, seed: string, seed_derived: boolean, 
/**
 * Why an explicit seed was chosen.
 */
seed_reason: string | null, population_size: number, fingerprint: string, reasoning: string, drawn_at: string, columns: Array<string>, items: Array<SampleItem>, spread: Array<MonthCount>, 
/**
 * Items with at least one deviation.
 */
deviations: number, 
/**
 * Cells of the grid (items × attributes) with a result, and in all.
 */
results_recorded: number, results_expected: number, 
/**
 * The statistical evaluation in words, where the size was planned statistically, once
 * every result is recorded: before that it would speak of work not done.
 */
evaluation: string | null, 
/**
 * Whether that evaluation supports the planned reliance.
 */
supports_reliance: boolean | null, voided: Voiding | null, 
/**
 * For a monetary-unit sample: hits, interval, audited amounts and the Stringer bound.
 */
monetary: MonetaryView | null, };

export type CarriedKind = "walkthrough" | "exception";

export type CarriedNote = { id: number, kind: CarriedKind, text: string, };

export type Workpaper = { control: Control, walkthroughs: Array<Walkthrough>, 
/**
 * Every population imported for the control, removed ones included (marked).
 */
populations: Array<Population>, 
/**
 * The live sample: the one that counts.
 */
sample: SampleView | null, 
/**
 * Samples voided with a reason: shown, counted nowhere.
 */
voided_samples: Array<SampleView>, 
/**
 * Samples left neither live nor voided by a later draw in a file made before voiding
 * existed; each must be voided.
 */
stranded_samples: Array<SampleView>, 
/**
 * Results of every sample shown here; each names its sample.
 */
results: Array<TestResult>, 
/**
 * Exceptions that count: not written on a voided sample.
 */
exceptions: Array<Exception>, voided_exceptions: Array<Exception>, conclusion: ConclusionInput | null, preparer: Signoff | null, reviewer: Signoff | null, review_notes: Array<ReviewNote>, 
/**
 * Why the workpaper cannot be changed now, if it cannot.
 */
locked: string | null, 
/**
 * The tickmarks the grid uses, for its legend.
 */
legend: Array<Tickmark>, 
/**
 * What the preparer's sign-off still needs; empty when it can be signed.
 */
preparer_missing: Array<string>, 
/**
 * Conflicts from merging team members' copies that touch this work and nobody has settled.
 */
sync_conflicts: Array<string>, 
/**
 * The grid cells among them, which the grid marks.
 */
conflict_cells: Array<ConflictCell>, 
/**
 * What the reviewer's sign-off still needs, for the person working now.
 */
reviewer_missing: Array<string>, 
/**
 * The population columns shown beside the attributes in the test grid.
 */
grid_columns: Array<string>, 
/**
 * Evidence behind the control: attached to it, or referred to by its results.
 */
evidence: Array<Evidence>, 
/**
 * The test procedures, performed or planned; only performed ones reach the report.
 */
procedures: Array<Procedure>, 
/**
 * Procedures a firm would typically plan here that the control does not have yet.
 */
suggested_procedures: Array<ProcedureInput>, 
/**
 * What last year's file said about the control (walkthroughs, exceptions), carried
 * forward as notes: not work done this year.
 */
carried: Array<CarriedNote>, };

export type RequestStatus = "open" | "received" | "closed" | "not_needed" | "not_provided";

export type RequestInput = { number: string, title: string, control_id: number | null, requested_on: string, due_on: string | null, status: RequestStatus, };

export type Request = { id: number, 
/**
 * Why the request is no longer needed, when it is marked so.
 */
status_reason: string | null, 
/**
 * What the client wrote back on the request list.
 */
client_comment: string | null, 
/**
 * The names of the files the client says it sent, as the list gives them.
 */
client_files: string | null, number: string, title: string, control_id: number | null, requested_on: string, due_on: string | null, status: RequestStatus, };

export type RequestChange = { number: string, field: string, from: string, to: string, };

export type ClientFiles = { 
/**
 * "PBC-3: approvals.pdf as EV-4", one per file attached.
 */
attached: Array<string>, 
/**
 * Files a request names that are not in the folder.
 */
missing: Array<string>, 
/**
 * Files in the folder no request names: listed, not attached.
 */
not_named: Array<string>, };

export type Evidence = { id: number, 
/**
 * The index number workpapers cite it by: EV-1, EV-2, …
 */
number: number, request_id: number | null, control_id: number | null, name: string, size: number, sha256: string, received_on: string, };

export type DeviationKind = "design" | "operating";

export type CriterionEffect = "no_effect" | "compensated" | "not_met";

export type EffectOn = { criterion: string, effect: CriterionEffect, };

export type EvaluationInput = { kind: DeviationKind, 
/**
 * The cause, as learned from management and the evidence.
 */
cause: string, 
/**
 * Other controls of the matrix that compensate for the deviation.
 */
compensating: Array<number>, 
/**
 * One effect for each criterion the control addresses.
 */
effects: Array<EffectOn>, 
/**
 * Why the effects are what they are: the auditor's reasoning, as the workpaper prints it.
 */
rationale: string, };

export type Compensating = { control_id: number, reference: string, conclusion: Conclusion | null, 
/**
 * Its own exceptions (on no voided sample).
 */
exceptions: number, 
/**
 * As the evaluation prints it: "CC7.2-01 (no exceptions noted)", with its own exceptions.
 */
summary: string, };

export type Evaluation = { evaluated_by: string, evaluated_at: string, kind: DeviationKind, 
/**
 * The cause, as learned from management and the evidence.
 */
cause: string, 
/**
 * Other controls of the matrix that compensate for the deviation.
 */
compensating: Array<number>, 
/**
 * One effect for each criterion the control addresses.
 */
effects: Array<EffectOn>, 
/**
 * Why the effects are what they are: the auditor's reasoning, as the workpaper prints it.
 */
rationale: string, };

export type ExceptionEvaluation = { exception: Exception, control_reference: string, 
/**
 * The criteria the control addresses: each needs an effect.
 */
criteria: Array<string>, 
/**
 * The extent in words: deviations of the sample and, for a statistical sample, the upper
 * deviation limit against the tolerable rate.
 */
extent: string, evaluation: Evaluation | null, compensating: Array<Compensating>, };

export type CriterionDecision = { met: boolean, reason: string | null, 
/**
 * What Tickmark proposed when it was decided: "met", "not met", or none.
 */
proposed: boolean | null, decided_by: string, decided_at: string, };

export type CriterionStatus = { id: string, title: string, 
/**
 * The controls that address it, by reference.
 */
controls: Array<string>, 
/**
 * Scope limitations on those controls ("PBC-4, CC8.1-01"): no conclusion is possible.
 */
limited_by: Array<string>, 
/**
 * Met, not met, or none while the work does not support a proposal.
 */
proposal: boolean | null, 
/**
 * Why: the basis of the proposal, or what is missing before one can be made.
 */
reasons: Array<string>, decided: CriterionDecision | null, 
/**
 * No control addresses it: flagged, and it can only be concluded not met.
 */
unmapped: boolean, 
/**
 * Decided when the proposal was different from what it is now: what the decision rests
 * on has changed, and it must be decided again.
 */
stale: boolean, };

export type ScopeLimitation = { id: number, request_number: string, request_title: string, 
/**
 * What the client said, as recorded when the request was closed as not provided.
 */
request_reason: string | null, control_id: number, control_reference: string, criteria: Array<string>, 
/**
 * The test it prevented, as the report's basis paragraph will state it.
 */
description: string, };

export type OpinionKind = "unqualified" | "qualified" | "adverse" | "disclaimer";

export type OpinionProposal = { kind: OpinionKind | null, criteria_not_met: Array<string>, criteria_limited: Array<string>, reasoning: string, 
/**
 * What must be done before the opinion can be decided; empty when it can be.
 */
missing: Array<string>, };

export type OpinionDecision = { id: number, kind: OpinionKind, proposed: OpinionKind, 
/**
 * The criteria the opinion names: not met (qualified, adverse) or not concluded on
 * because of a scope limitation (disclaimer).
 */
criteria: Array<string>, reason: string | null, initials: string, decided_at: string, chain_head: string, 
/**
 * True when what the decision rests on has changed since: it no longer stands.
 */
changed_since: boolean, };

export type OpinionState = { criteria: Array<CriterionStatus>, limitations: Array<ScopeLimitation>, proposal: OpinionProposal, decision: OpinionDecision | null, };

export type ReportDocumentKind = "assertion" | "description";

export type ReportDocuments = { assertion: Evidence | null, description: Evidence | null, };

export type RecentFile = { path: string, 
/**
 * When it was last opened, UTC (RFC 3339).
 */
opened_at: string, 
/**
 * Whether the file is still there; worked out when the list is read, not stored.
 */
exists: boolean, };

export type TrailEntry = { seq: number, at: string, actor: string, action: string, entity: string, entity_id: number, before: string | null, after: string | null, prev_hash: string, hash: string, 
/**
 * The author's Ed25519 signature of `hash` (hex), when the author has a personal key.
 */
signature: string | null, 
/**
 * The Lamport clock of the shared change the entry belongs to (0 when never shared): the
 * trail reads in (clock, seq) order. Not hashed.
 */
clock: number, };

export type Verification = { entries: number, head: string, 
/**
 * In the order found: the chain first, then rows, evidence and populations.
 */
problems: Array<string>, 
/**
 * Sign-offs whose workpaper no longer hashes to what was signed: changes made through
 * Tickmark after signing, shown everywhere as "changed since signed". Not tampering, but
 * no signature covers the work as it stands.
 */
changed_since_signed: Array<string>, };

export type SyncReport = { 
/**
 * The folder could not be reached: nothing was exchanged, work goes on offline.
 */
unreachable: string | null, 
/**
 * This copy's changes written to the folder, each with what it did, e.g. "change 3 by TW:
 * raise review note 1-2 (CC6.1)".
 */
sent: Array<string>, 
/**
 * What came in, as the trail entries other copies' changes brought.
 */
received: Array<string>, 
/**
 * Change files refused, each by its name in the folder and why; nothing of them applied.
 */
refused: Array<string>, 
/**
 * Changes not taken yet: made on top of a change this copy cannot take yet, or attaching
 * an evidence file not yet whole in the folder.
 */
waiting: Array<string>, 
/**
 * Everything merging has kept aside that nobody has settled yet (not only from this sync).
 */
conflicts: Array<string>, 
/**
 * Why the user is no longer signed in with their key: what came in registered another key
 * for them, or kept their registration of it aside (`EngagementFile::reseat`).
 */
signed_out: string | null, 
/**
 * The sentence that sums the sync up, in the same words in the window and the terminal.
 */
headline: string, };

export type SyncConflict = { 
/**
 * Its place in the list, the same on every copy: what `settle` takes. A conflict that
 * arrives later but sorts earlier moves the ones after it down.
 */
number: number, 
/**
 * What it is, whatever its place: the change it came from and the row. The window keeps a
 * note being typed against it, so the note stays with its conflict across a sync.
 */
key: string, text: string, 
/**
 * The workpaper it belongs to, when it does.
 */
control_id: number | null, 
/**
 * Who settled it, when and how ("TW, 2026-12-01: kept DW's outcome"), once someone has,
 * over what it holds now: a settlement made while it held something else (a change that
 * sorts before its own arrived since) settles it no more, and its text says so.
 */
settled: string | null, };

export type ConflictCell = { sample_id: number, position: number, attribute_id: number, 
/**
 * The conflict's number in the list.
 */
number: number, };

export type CommandError = { code: string, message: string, 
/**
 * What a refusal lists as missing, one line each, for the window to show as a list.
 */
details: Array<string>, };

export type Startup = { path: string | null, overview: Overview | null, error: CommandError | null, };

export type ViewedEvidence = { id: number, path: string, problem: string | null, };

export type Dropping = { kind: DropKind, paths: Array<string>, };

export type DropKind = "over" | "drop" | "leave";
