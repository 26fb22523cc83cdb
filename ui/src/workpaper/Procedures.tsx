import { useState } from "react";
import type { Procedure, ProcedureInput, ProcedureNature } from "../bindings";
import { api } from "../api";
import { ErrorNote, Field, today, useAction } from "../components";
import { longDate } from "../format";
import type { PanelProps } from "../screens/Workpaper";
import { useUnsaved } from "../unsaved";

const NATURES: [ProcedureNature, string][] = [
  ["inquiry", "Inquiry"],
  ["observation", "Observation"],
  ["inspection", "Inspection"],
  ["reperformance", "Re-performance"],
  ["recalculation", "Recalculation"],
];

/**
 * The control's tests as the report will state them. Only performed ones reach the report; a
 * suggestion becomes a planned procedure when added, and is reported once marked performed.
 */
export function Procedures({ wp, reload }: PanelProps) {
  const action = useAction();
  const [text, setText] = useState("");
  const [nature, setNature] = useState<ProcedureNature>("inspection");
  useUnsaved("a procedure", !!text.trim());
  async function add(input: ProcedureInput) {
    if ((await action.run(() => api.addProcedure(wp.control.id, input))) !== undefined) {
      setText("");
      await reload();
    }
  }
  return (
    <section className="card" data-testid="procedures">
      <h3>Procedures</h3>
      <p className="muted">Only procedures recorded as performed are stated in the report.</p>
      {wp.procedures.length === 0 && <p className="muted">No procedure is recorded.</p>}
      {wp.procedures.map((p) => (
        <ProcedureEntry key={p.id} procedure={p} locked={!!wp.locked} reload={reload} />
      ))}
      {!wp.locked && wp.suggested_procedures.length > 0 && (
        <details data-testid="suggested-procedures">
          <summary>Suggested procedures ({wp.suggested_procedures.length}): add one as planned, then edit it</summary>
          {wp.suggested_procedures.map((s, i) => (
            <div key={s.text} className="row">
              <span className="wrap">
                <b>{NATURES.find(([n]) => n === s.nature)?.[1]}</b> {s.sample_based ? `For each item of the sample, ${s.text}` : s.text}
              </span>
              <button data-testid={`add-suggested-${i}`} onClick={() => add(s)} disabled={action.busy}>
                Add as planned
              </button>
            </div>
          ))}
        </details>
      )}
      {!wp.locked && (
        <div className="row">
          <Field label="Nature">
            <select value={nature} onChange={(e) => setNature(e.target.value as ProcedureNature)}>
              {NATURES.map(([n, label]) => (
                <option key={n} value={n}>
                  {label}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Procedure, as the report will state it">
            <input data-testid="procedure-text" value={text} onChange={(e) => setText(e.target.value)} />
          </Field>
          <button data-testid="add-procedure" onClick={() => add({ nature, text, sample_based: false })} disabled={!text.trim() || action.busy}>
            Add
          </button>
        </div>
      )}
      <ErrorNote error={action.error} details={action.details} />
    </section>
  );
}

function ProcedureEntry({ procedure: p, locked, reload }: { procedure: Procedure; locked: boolean; reload: () => Promise<void> }) {
  const action = useAction();
  const [on, setOn] = useState(today());
  async function run(f: () => Promise<unknown>) {
    if ((await action.run(f)) !== undefined) await reload();
  }
  const status = p.performed
    ? `Performed by ${p.performed.by} on ${longDate(p.performed.on)}`
    : p.sample_based
      ? "Planned: performed once every result of the live sample is recorded"
      : "Planned";
  return (
    <div className={p.performed ? "entry" : "entry pending"} data-testid="procedure">
      <p className="wrap">
        <b>{NATURES.find(([n]) => n === p.nature)?.[1]}</b> {p.sample_based ? `For each item of the live sample, ${p.text}` : p.text}
      </p>
      <div className="row">
        <span className={p.performed ? "ok" : "muted"} data-testid="procedure-status">
          {status}
        </span>
        {!locked && !p.performed && !p.sample_based && (
          <>
            <input className="date" value={on} onChange={(e) => setOn(e.target.value)} aria-label="Performed on" />
            <button data-testid="mark-performed" onClick={() => run(() => api.markPerformed(p.id, on))} disabled={action.busy}>
              Performed
            </button>
            <button onClick={() => run(() => api.removeProcedure(p.id))} disabled={action.busy}>
              Remove
            </button>
          </>
        )}
      </div>
      <ErrorNote error={action.error} details={action.details} />
    </div>
  );
}
