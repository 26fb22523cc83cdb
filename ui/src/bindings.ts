// Generated from the Rust types by `cargo test -p tickmark-app` (UPDATE_BINDINGS=1 rewrites it). Do not edit.

export type Category = "security" | "availability" | "processing_integrity" | "confidentiality" | "privacy";

export type Examination = { "kind": "type1", as_of: string, } | { "kind": "type2", period_start: string, period_end: string, };

export type Role = "staff" | "senior" | "manager" | "partner";

export type TeamMember = { name: string, initials: string, role: Role, };

export type NewEngagement = { client: string, system: string, examination: Examination, categories: Array<Category>, team: Array<TeamMember>, };

export type EngagementInfo = { id: string, client: string, system: string, examination: Examination, categories: Array<Category>, team: Array<TeamMember>, };

export type ControlProgress = { id: number, reference: string, description: string, criteria: Array<string>, walkthroughs: number, populations: number, samples: number, 
/**
 * Results recorded against (sample items × attributes) of the control's samples.
 */
results_recorded: number, results_expected: number, exceptions: number, preparer: string | null, reviewer: string | null, open_review_notes: number, };

export type Overview = { path: string, user: string | null, info: EngagementInfo, controls: Array<ControlProgress>, open_requests: number, evidence_files: number, trail_entries: number, };

export type CommandError = { code: string, message: string, };

export type Startup = { path: string | null, overview: Overview | null, error: CommandError | null, };
