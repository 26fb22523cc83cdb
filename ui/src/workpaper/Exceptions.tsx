import { useState } from "react";
import type { Exception } from "../bindings";
import { api } from "../api";
import { ErrorNote, Field, today, useAction } from "../components";
import type { PanelProps } from "../screens/Workpaper";
import { useUnsaved } from "../unsaved";

export function Exceptions({ wp, reload }: PanelProps) {
  const deviating = [...new Set(wp.results.filter((r) => r.outcome === "deviation").map((r) => r.position))].sort((a, b) => a - b);
  const covered = new Set(wp.exceptions.flatMap((e) => e.items));
  const uncovered = deviating.filter((p) => !covered.has(p));
  const sampleSize = wp.samples[wp.samples.length - 1]?.items.length ?? 0;
  const [description, setDescription] = useState("");
  useUnsaved("an exception", !!description.trim());
  const action = useAction();

  async function add() {
    const id = await action.run(() => api.addException(wp.control.id, description, uncovered));
    if (id !== undefined) {
      setDescription("");
      await reload();
    }
  }

  return (
    <section className="card">
      <h3>Exceptions and management's responses</h3>
      {wp.exceptions.length === 0 && deviating.length === 0 && <p className="muted">No deviations recorded.</p>}
      {wp.exceptions.map((e) => (
        <ExceptionEntry key={e.id} exception={e} locked={!!wp.locked} reload={reload} />
      ))}
      {uncovered.length > 0 && !wp.locked && (
        <div data-testid="new-exception">
          <p className="warn">
            {uncovered.length} of {sampleSize} items have deviations not yet written up as an exception (items {uncovered.map((p) => p + 1).join(", ")}).
          </p>
          <Field label="Exception, as it will read in the report">
            <textarea
              data-testid="exception-description"
              rows={2}
              value={description}
              placeholder={`For ${uncovered.length} of ${sampleSize} items sampled, …`}
              onChange={(e) => setDescription(e.target.value)}
            />
          </Field>
          <button data-testid="add-exception" onClick={add} disabled={action.busy}>
            Record exception
          </button>
        </div>
      )}
      <ErrorNote error={action.error} />
    </section>
  );
}

function ExceptionEntry({ exception: e, locked, reload }: { exception: Exception; locked: boolean; reload: () => Promise<void> }) {
  const [response, setResponse] = useState("");
  const [by, setBy] = useState("");
  useUnsaved("management's response", !!(response.trim() || by.trim()));
  const [on, setOn] = useState(today());
  const action = useAction();
  async function respond() {
    if ((await action.run(() => api.respondToException(e.id, response, by, on))) !== undefined) {
      setResponse("");
      setBy("");
      await reload();
    }
  }
  return (
    <div className="entry" data-testid="exception">
      <p className="wrap">
        <b>Exception:</b> {e.description} <span className="muted">(items {e.items.map((p) => p + 1).join(", ")})</span>
      </p>
      {e.management_response ? (
        <p className="wrap" data-testid="management-response">
          <b>Management's response</b> ({e.response_by}, {e.response_on}): {e.management_response}
        </p>
      ) : (
        !locked && (
          <div className="row">
            <Field label="Management's response">
              <input data-testid="response-text" value={response} onChange={(x) => setResponse(x.target.value)} />
            </Field>
            <Field label="Given by">
              <input data-testid="response-by" value={by} onChange={(x) => setBy(x.target.value)} />
            </Field>
            <Field label="On">
              <input value={on} onChange={(x) => setOn(x.target.value)} />
            </Field>
            <button data-testid="save-response" onClick={respond} disabled={action.busy}>
              Record response
            </button>
          </div>
        )
      )}
      <ErrorNote error={action.error} />
    </div>
  );
}
