// The start screen's form logic, kept apart from React so it can be unit-tested.
import type { Category, NewEngagement, Role } from "./bindings";
import { initialsError, isDate } from "./validate";

export const MIN_PASSPHRASE = 8;

export interface NewEngagementForm {
  client: string;
  system: string;
  kind: "type1" | "type2";
  asOf: string;
  periodStart: string;
  periodEnd: string;
  categories: Category[];
  name: string;
  initials: string;
  role: Role;
  path: string;
  passphrase: string;
  confirm: string;
}

export const emptyForm: NewEngagementForm = {
  client: "",
  system: "",
  kind: "type2",
  asOf: "",
  periodStart: "",
  periodEnd: "",
  categories: ["security"],
  name: "",
  initials: "",
  role: "senior",
  path: "",
  passphrase: "",
  confirm: "",
};

export type FormErrors = Partial<Record<keyof NewEngagementForm, string>>;

/** Checks the form as the auditor types, in their words; an empty result means it can be sent. */
export function validate(form: NewEngagementForm): FormErrors {
  const errors: FormErrors = {};
  if (!form.client.trim()) errors.client = "Enter the client's name.";
  if (!form.system.trim()) errors.system = "Enter the name of the system under examination.";
  if (form.kind === "type1") {
    if (!isDate(form.asOf)) errors.asOf = "Enter the as-of date.";
  } else {
    if (!isDate(form.periodStart)) errors.periodStart = "Enter the first day of the period.";
    if (!isDate(form.periodEnd)) errors.periodEnd = "Enter the last day of the period.";
    else if (isDate(form.periodStart) && form.periodEnd < form.periodStart)
      errors.periodEnd = "The period must end on or after its start.";
  }
  if (!form.name.trim()) errors.name = "Enter your name as it will appear on sign-offs.";
  const initials = initialsError(form.initials, []);
  if (initials) errors.initials = initials;
  if (!form.path.trim()) errors.path = "Choose where to save the engagement file.";
  if ([...form.passphrase].length < MIN_PASSPHRASE)
    errors.passphrase = `Use at least ${MIN_PASSPHRASE} characters; the passphrase is the only protection of the client's data.`;
  else if (form.confirm !== form.passphrase) errors.confirm = "The two passphrases differ.";
  return errors;
}

/** The request the shell receives; Security is always in scope. */
export function toNewEngagement(form: NewEngagementForm): NewEngagement {
  const categories: Category[] = form.categories.includes("security") ? form.categories : ["security", ...form.categories];
  return {
    client: form.client.trim(),
    system: form.system.trim(),
    examination:
      form.kind === "type1"
        ? { kind: "type1", as_of: form.asOf }
        : { kind: "type2", period_start: form.periodStart, period_end: form.periodEnd },
    categories,
    team: [{ name: form.name.trim(), initials: form.initials.trim().toUpperCase(), role: form.role }],
  };
}
