// How the overview puts numbers and dates into the auditor's words.
import type { Category, ControlProgress, Examination, Frequency, MonthCount, Outcome } from "./bindings";

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

export const STAGES = ["not started", "in progress", "prepared", "reviewed"] as const;
export type Stage = (typeof STAGES)[number];

/** Where a control's workpaper stands, as a reviewer would sort it. */
export function stage(c: ControlProgress): Stage {
  if (c.reviewer) return "reviewed";
  if (c.preparer) return "prepared";
  if (c.walkthroughs + c.populations + c.sample_items + c.results_recorded > 0 || c.conclusion) return "in progress";
  return "not started";
}

export function testingPercent(c: ControlProgress): number {
  if (c.results_expected === 0) return 0;
  return Math.floor((100 * c.results_recorded) / c.results_expected);
}

const CATEGORY_TITLES: Record<Category, string> = {
  security: "Security",
  availability: "Availability",
  processing_integrity: "Processing Integrity",
  confidentiality: "Confidentiality",
  privacy: "Privacy",
};

export function categoryTitle(c: Category): string {
  return CATEGORY_TITLES[c];
}

const FREQUENCIES: Record<Frequency, string> = {
  annual: "Annual",
  quarterly: "Quarterly",
  monthly: "Monthly",
  weekly: "Weekly",
  daily: "Daily",
  multiple_times_per_day: "Many times a day",
  as_needed: "As needed (event-driven)",
};

export const FREQUENCY_OPTIONS = Object.entries(FREQUENCIES) as [Frequency, string][];

export function frequencyTitle(f: Frequency): string {
  return FREQUENCIES[f];
}

/** The keys that set each outcome on the test grid; the marks and their meanings come from the engagement. */
export const OUTCOME_KEYS: Record<Outcome, string> = { pass: "p", deviation: "d", not_applicable: "n" };

export function outcomeForKey(key: string): Outcome | undefined {
  return (Object.keys(OUTCOME_KEYS) as Outcome[]).find((o) => OUTCOME_KEYS[o] === key.toLowerCase());
}

/** The grid cell the arrow keys move to, kept inside the grid. */
export function moveCell(cell: { row: number; col: number }, key: string, rows: number, cols: number) {
  const clamp = (v: number, max: number) => Math.max(0, Math.min(max - 1, v));
  switch (key) {
    case "ArrowUp":
      return { row: clamp(cell.row - 1, rows), col: cell.col };
    case "ArrowDown":
      return { row: clamp(cell.row + 1, rows), col: cell.col };
    case "ArrowLeft":
      return { row: cell.row, col: clamp(cell.col - 1, cols) };
    case "ArrowRight":
      return { row: cell.row, col: clamp(cell.col + 1, cols) };
    default:
      return cell;
  }
}

/** Which window of a long table to render: the rows in view and a few either side. */
export function visibleWindow(scrollTop: number, viewHeight: number, rowHeight: number, total: number, overscan = 10) {
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(total, Math.ceil((scrollTop + viewHeight) / rowHeight) + overscan);
  return { first, last };
}

/**
 * The pages of `size` rows that a virtual table fetches for its rows [first, last): those in
 * view and, half a page either way, the next ones, so that scrolling on finds its rows at hand.
 */
export function pagesAround(first: number, last: number, total: number, size: number): number[] {
  const from = Math.max(0, first - size / 2);
  const to = Math.min(total, last + size / 2);
  const pages = [];
  for (let page = Math.floor(from / size); page <= Math.floor(Math.max(from, to - 1) / size); page++) pages.push(page);
  return pages;
}

/** The pages to forget when more than `keep` are held: those farthest from `page`, the one in view. */
export function pagesToForget(held: Iterable<number>, page: number, keep: number): number[] {
  const byDistance = [...held].sort((a, b) => Math.abs(b - page) - Math.abs(a - page));
  return byDistance.slice(0, Math.max(0, byDistance.length - keep));
}

/** Each month's share of the population and of the sample, in percent, to compare spreads. */
export function shareByMonth(spread: MonthCount[]): { label: string; values: number[] }[] {
  const total = (f: (m: MonthCount) => number) => spread.reduce((n, m) => n + f(m), 0) || 1;
  const population = total((m) => m.population);
  const sample = total((m) => m.sample);
  return spread.map((m) => ({
    label: m.month,
    values: [Math.round((1000 * m.population) / population) / 10, Math.round((1000 * m.sample) / sample) / 10],
  }));
}

const COUNT = new Intl.NumberFormat("en-US");

/** Counts as the English-language screens and reports write them: 1,465. */
export function formatCount(n: number): string {
  return COUNT.format(n);
}

/** Sizes as a person reads them: 512 bytes, 1.5 MB, 2.25 GB (decimal units, as file managers show). */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} bytes`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = n / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2)} ${units[unit]}`;
}

/** Cents as the workpaper writes amounts: 1,234,567.89. */
export function formatMoney(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.round(Math.abs(cents));
  return `${sign}${COUNT.format(Math.floor(abs / 100))}.${String(abs % 100).padStart(2, "0")}`;
}

/** An amount typed as 1234.50 (or -12, or 0.5) in whole cents; undefined when it is not one. */
export function parseCents(text: string): number | undefined {
  const m = /^\s*(-?)(\d+)(?:\.(\d{1,2}))?\s*$/.exec(text);
  if (!m) return undefined;
  const cents = Number(m[2]) * 100 + Number((m[3] ?? "").padEnd(2, "0"));
  return m[1] ? -cents : cents;
}
