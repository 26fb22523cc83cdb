// Checks on what the auditor types, in their words, shown as they type: each returns the
// message for a field, or undefined when the field is fine.

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** "the due date" at the start of a sentence. */
function capitalised(what: string): string {
  return what[0].toUpperCase() + what.slice(1);
}

export function isDate(s: string): boolean {
  if (!ISO_DATE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
}

/** `what` names the date in a sentence: "the date of the walkthrough". */
export function dateError(text: string, what: string, opts: { optional?: boolean; notAfter?: string } = {}): string | undefined {
  const s = text.trim();
  if (!s) return opts.optional ? undefined : `Enter ${what} (YYYY-MM-DD).`;
  if (!ISO_DATE.test(s)) return `Write ${what} as YYYY-MM-DD, for example 2026-03-31.`;
  if (!isDate(s)) return `${s} is not a date on the calendar.`;
  if (opts.notAfter && s > opts.notAfter) return `${capitalised(what)} cannot be later than today (${opts.notAfter}).`;
  return undefined;
}

export function requiredError(text: string, message: string): string | undefined {
  return text.trim() ? undefined : message;
}

/** A percentage strictly between `above` and 100 (or from 0, when `zero` is allowed). */
export function percentError(text: string, what: string, opts: { zero?: boolean; below?: number } = {}): string | undefined {
  const s = text.trim();
  const n = Number(s);
  if (!s || !Number.isFinite(n)) return `Enter ${what} as a number of percent, for example 5.`;
  if (n < 0 || (n === 0 && !opts.zero) || n >= 100) return `${capitalised(what)} is ${opts.zero ? "from 0" : "above 0"} and below 100 percent.`;
  if (opts.below !== undefined && n >= opts.below) return `${capitalised(what)} must be below ${opts.below} percent.`;
  return undefined;
}

/** A whole number of items from 1 to `most`. */
export function countError(text: string, most: number): string | undefined {
  const s = text.trim();
  if (!/^\d+$/.test(s) || Number(s) < 1) return "Enter the number of items, a whole number of at least 1.";
  if (Number(s) > most) return `The population holds ${most.toLocaleString("en-US")} items; a sample cannot hold more.`;
  return undefined;
}

/** A seed chosen by the auditor: optional, else 64 hexadecimal digits as the sampling library records them. */
export function seedError(text: string): string | undefined {
  const s = text.trim();
  if (!s || /^[0-9a-fA-F]{64}$/.test(s)) return undefined;
  return `A seed is 64 hexadecimal digits (0-9, a-f); this has ${s.length} characters. Leave it empty to derive one from the engagement, control and population.`;
}

export function initialsError(text: string, taken: string[]): string | undefined {
  const s = text.trim().toUpperCase();
  if (!/^\p{L}{1,4}$/u.test(s)) return "Initials are 1 to 4 letters.";
  if (taken.includes(s)) return `${s} already belongs to someone on the team; sign-offs must tell people apart.`;
  return undefined;
}

/** The errors that are set, so that `Object.keys` of the result says whether the form can be sent. */
export function errorsOf<K extends string>(checks: Record<K, string | undefined>): Partial<Record<K, string>> {
  return Object.fromEntries(Object.entries(checks).filter(([, v]) => v !== undefined)) as Partial<Record<K, string>>;
}
