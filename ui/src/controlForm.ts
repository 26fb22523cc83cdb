// The control form's logic: parsing what the auditor typed and checking it as they type.
import type { Control, ControlInput, Criterion } from "./bindings";

export interface ControlForm {
  reference: string;
  description: string;
  criteria: string;
  frequency: ControlInput["frequency"];
  nature: ControlInput["nature"];
  owner: string;
  attributes: { label: string; question: string }[];
}

export const blankControl: ControlForm = {
  reference: "",
  description: "",
  criteria: "",
  frequency: "as_needed",
  nature: "manual",
  owner: "",
  attributes: [{ label: "A", question: "" }],
};

export function formFromControl(c: Control): ControlForm {
  return {
    reference: c.reference,
    description: c.description,
    criteria: c.criteria.join(", "),
    frequency: c.frequency,
    nature: c.nature,
    owner: c.owner,
    attributes: c.attributes.map((a) => ({ label: a.label, question: a.question })),
  };
}

export function parseCriteria(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((s) => s.trim().toUpperCase())
    .filter(Boolean);
}

export type ControlErrors = Partial<Record<"reference" | "description" | "criteria" | "attributes", string>>;

export function validateControl(form: ControlForm, library: Criterion[], takenReferences: string[]): ControlErrors {
  const errors: ControlErrors = {};
  const reference = form.reference.trim();
  if (!reference) errors.reference = "Give the control a reference such as CC6.2-01.";
  else if (takenReferences.includes(reference)) errors.reference = `${reference} is already in the control matrix.`;
  if (!form.description.trim()) errors.description = "Describe the control activity.";
  const criteria = parseCriteria(form.criteria);
  const known = new Set(library.map((c) => c.id));
  const unknown = criteria.filter((c) => !known.has(c));
  if (criteria.length === 0) errors.criteria = "Map the control to at least one criterion.";
  else if (unknown.length) errors.criteria = `${unknown.join(", ")} ${unknown.length === 1 ? "is not a criterion" : "are not criteria"}.`;
  const labels = form.attributes.map((a) => a.label.trim());
  if (form.attributes.some((a) => !a.label.trim() || !a.question.trim())) errors.attributes = "Every test attribute needs a label and a question.";
  else if (new Set(labels).size !== labels.length) errors.attributes = "Attribute labels must differ.";
  return errors;
}

export function toControlInput(form: ControlForm): ControlInput {
  return {
    reference: form.reference.trim(),
    description: form.description.trim(),
    criteria: parseCriteria(form.criteria),
    frequency: form.frequency,
    nature: form.nature,
    owner: form.owner.trim(),
    attributes: form.attributes.map((a) => ({ label: a.label.trim(), question: a.question.trim() })),
  };
}

/** The next unused attribute label: A, B, … Z, then AA. */
export function nextLabel(labels: string[]): string {
  for (let i = 0; ; i++) {
    const label = i < 26 ? String.fromCharCode(65 + i) : `A${String.fromCharCode(65 + (i % 26))}`;
    if (!labels.includes(label)) return label;
  }
}
