// How the overview puts numbers and dates into the auditor's words.
import type { ControlProgress, Examination } from "./bindings";

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

export function longDate(iso: string): string {
  const [y, m, d] = iso.split("-").map(Number);
  return `${MONTHS[m - 1]} ${d}, ${y}`;
}

export function describeExamination(e: Examination): string {
  return e.kind === "type1"
    ? `SOC 2 Type 1 as of ${longDate(e.as_of)}`
    : `SOC 2 Type 2, ${longDate(e.period_start)} to ${longDate(e.period_end)}`;
}

export type Stage = "not started" | "in progress" | "prepared" | "reviewed";

/** Where a control's workpaper stands, as a reviewer would sort it. */
export function stage(c: ControlProgress): Stage {
  if (c.reviewer) return "reviewed";
  if (c.preparer) return "prepared";
  if (c.walkthroughs + c.populations + c.samples + c.results_recorded > 0) return "in progress";
  return "not started";
}

export function testingPercent(c: ControlProgress): number {
  if (c.results_expected === 0) return 0;
  return Math.floor((100 * c.results_recorded) / c.results_expected);
}
