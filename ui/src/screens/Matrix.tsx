import { useEffect, useState } from "react";
import type { Category, Control, Criterion, Overview } from "../bindings";
import { api } from "../api";
import { ErrorNote, Field, SignedBy, useAction } from "../components";
import { blankControl, formFromControl, nextLabel, toControlInput, validateControl, type ControlForm } from "../controlForm";
import { categoryTitle, FREQUENCY_OPTIONS, frequencyTitle } from "../format";
import { useLeave, useUnsaved } from "../unsaved";
import { ComplementaryControls } from "./Complementary";

interface Props {
  overview: Overview;
  onOpenControl: (id: number) => void;
}

export function Matrix({ overview, onOpenControl }: Props) {
  const [controls, setControls] = useState<Control[]>([]);
  const [library, setLibrary] = useState<Criterion[]>([]);
  const [filter, setFilter] = useState("");
  const [category, setCategory] = useState<Category | "">("");
  const [editing, setEditing] = useState<Control | "new" | null>(null);
  const action = useAction();

  async function load() {
    const [c, l] = (await action.run(() => Promise.all([api.controls(), api.criteria()]))) ?? [[], []];
    setControls(c);
    setLibrary(l);
  }
  useEffect(() => {
    void load();
  }, []);

  const categoryOf = new Map(library.map((c) => [c.id, c.category]));
  const progress = new Map(overview.controls.map((c) => [c.id, c]));
  const shown = controls.filter(
    (c) =>
      (!filter || c.criteria.some((id) => id.startsWith(filter.trim().toUpperCase())) || c.reference.includes(filter.trim().toUpperCase())) &&
      (!category || c.criteria.some((id) => categoryOf.get(id) === category)),
  );

  return (
    <div>
      <div className="toolbar">
        <Field label="Filter by criterion or reference">
          <input data-testid="matrix-filter" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="CC6" />
        </Field>
        <Field label="Category">
          <select value={category} onChange={(e) => setCategory(e.target.value as Category | "")}>
            <option value="">All in scope</option>
            {overview.info.categories.map((c) => (
              <option key={c} value={c}>
                {categoryTitle(c)}
              </option>
            ))}
          </select>
        </Field>
        <button data-testid="add-control" className="primary" onClick={() => setEditing("new")}>
          Add control
        </button>
      </div>
      <ErrorNote error={action.error} />
      {editing && (
        <ControlEditor
          library={library}
          categories={overview.info.categories}
          control={editing === "new" ? null : editing}
          taken={controls.filter((c) => editing === "new" || c.id !== editing.id).map((c) => c.reference)}
          onDone={async () => {
            setEditing(null);
            await load();
          }}
        />
      )}
      <table className="grid" data-testid="matrix">
        <thead>
          <tr>
            <th>Ref</th>
            <th>Control activity</th>
            <th>Criteria</th>
            <th>Frequency</th>
            <th>Nature</th>
            <th>Owner</th>
            <th>Taken by</th>
            <th>Attributes</th>
            <th>Prepared</th>
            <th>Reviewed</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {shown.map((c) => (
            <tr key={c.id}>
              <td className="ref">
                <button className="link" onClick={() => onOpenControl(c.id)} data-testid={`open-${c.reference}`}>
                  {c.reference}
                </button>
              </td>
              <td className="wrap">{c.description}</td>
              <td>{c.criteria.join(", ")}</td>
              <td>{frequencyTitle(c.frequency)}</td>
              <td>{c.nature.replace(/_/g, " ")}</td>
              <td>{c.owner}</td>
              <td data-testid={`taken-${c.reference}`}>{c.assigned_to ?? ""}</td>
              <td>{c.attributes.length}</td>
              <td>
                <SignedBy initials={progress.get(c.id)?.preparer ?? null} changed={!!progress.get(c.id)?.preparer_changed} />
              </td>
              <td>
                <SignedBy initials={progress.get(c.id)?.reviewer ?? null} changed={!!progress.get(c.id)?.reviewer_changed} />
              </td>
              <td>
                <button onClick={() => setEditing(c)}>Edit</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {shown.length === 0 && <p className="muted">No controls match.</p>}
      <ComplementaryControls />
    </div>
  );
}

interface EditorProps {
  library: Criterion[];
  categories: Category[];
  control: Control | null;
  taken: string[];
  onDone: () => void;
}

function ControlEditor({ library, categories, control, taken, onDone }: EditorProps) {
  const initial = control ? formFromControl(control) : blankControl;
  const [form, setForm] = useState<ControlForm>(initial);
  const [touched, setTouched] = useState(false);
  const leave = useLeave();
  const action = useAction();
  const inScope = library.filter((c) => categories.includes(c.category));
  const errors = validateControl(form, inScope, taken);
  const dirty = JSON.stringify(form) !== JSON.stringify(initial);
  useUnsaved(control ? `changes to ${control.reference}` : "a new control", dirty);
  const set = (patch: Partial<ControlForm>) => {
    setForm((f) => ({ ...f, ...patch }));
    setTouched(true);
  };
  const shown = (k: keyof typeof errors) => (touched ? errors[k] : undefined);

  async function save() {
    setTouched(true);
    if (Object.keys(errors).length) return;
    const input = toControlInput(form);
    const ok = await action.run(() => (control ? api.updateControl(control.id, input) : api.addControl(input)));
    if (ok !== undefined) onDone();
  }

  // Cancelling asks, as leaving the screen does, before the changes are discarded.
  const cancel = () => leave(onDone);

  return (
    <div className="card editor" data-testid="control-editor">
      <h2>{control ? `Edit ${control.reference}` : "New control"}</h2>
      <div className="row">
        <Field label="Reference" error={shown("reference")}>
          <input data-testid="control-reference" value={form.reference} onChange={(e) => set({ reference: e.target.value })} placeholder="CC8.1-01" />
        </Field>
        <Field label="Criteria" error={shown("criteria")}>
          <input data-testid="control-criteria" value={form.criteria} onChange={(e) => set({ criteria: e.target.value })} placeholder="CC8.1, CC7.1" list="criteria-list" />
        </Field>
        <datalist id="criteria-list">
          {inScope.map((c) => (
            <option key={c.id} value={c.id}>
              {c.title}
            </option>
          ))}
        </datalist>
      </div>
      <Field label="Control activity" error={shown("description")}>
        <textarea data-testid="control-description" rows={2} value={form.description} onChange={(e) => set({ description: e.target.value })} />
      </Field>
      <div className="row">
        <Field label="Frequency">
          <select data-testid="control-frequency" value={form.frequency} onChange={(e) => set({ frequency: e.target.value as ControlForm["frequency"] })}>
            {FREQUENCY_OPTIONS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Nature">
          <select value={form.nature} onChange={(e) => set({ nature: e.target.value as ControlForm["nature"] })}>
            <option value="manual">Manual</option>
            <option value="automated">Automated</option>
            <option value="it_dependent_manual">IT-dependent manual</option>
          </select>
        </Field>
        <Field label="Owner">
          <input data-testid="control-owner" value={form.owner} onChange={(e) => set({ owner: e.target.value })} />
        </Field>
      </div>
      <fieldset>
        <legend>Test attributes: the questions asked of every sample item</legend>
        {form.attributes.map((a, i) => (
          <div className="row" key={i}>
            <input className="label-input" data-testid={`attribute-label-${i}`} value={a.label} onChange={(e) => set({ attributes: form.attributes.map((x, j) => (j === i ? { ...x, label: e.target.value } : x)) })} />
            <input data-testid={`attribute-question-${i}`} value={a.question} placeholder="Approved before deployment?" onChange={(e) => set({ attributes: form.attributes.map((x, j) => (j === i ? { ...x, question: e.target.value } : x)) })} />
            <button type="button" onClick={() => set({ attributes: form.attributes.filter((_, j) => j !== i) })} aria-label={`Remove attribute ${a.label}`}>
              Remove
            </button>
          </div>
        ))}
        {shown("attributes") && <span className="field-error">{shown("attributes")}</span>}
        <button type="button" data-testid="add-attribute" onClick={() => set({ attributes: [...form.attributes, { label: nextLabel(form.attributes.map((a) => a.label)), question: "" }] })}>
          Add attribute
        </button>
      </fieldset>
      <ErrorNote error={action.error} />
      <div className="row-actions">
        <button className="primary" data-testid="save-control" onClick={save} disabled={action.busy}>
          Save control
        </button>
        <button onClick={cancel}>Cancel</button>
      </div>
    </div>
  );
}
