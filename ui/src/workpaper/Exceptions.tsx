import { useState } from "react";
import type { Exception } from "../bindings";
import { api } from "../api";
import { ErrorNote, Field, today, useAction, useFieldErrors } from "../components";
import type { PanelProps } from "../screens/Workpaper";
import { useUnsaved } from "../unsaved";
import { dateError, errorsOf, requiredError } from "../validate";

export function Exceptions({ wp, reload }: PanelProps) {
  const live = wp.sample;
  const deviating = [...new Set(wp.results.filter((r) => r.sample_id === live?.id && r.outcome === "deviation").map((r) => r.position))].sort((a, b) => a - b);
  const covered = new Set(wp.exceptions.flatMap((e) => e.items));
  const uncovered = deviating.filter((p) => !covered.has(p));
  const sampleSize = live?.items.length ?? 0;
  const [description, setDescription] = useState("");
  useUnsaved("an exception", !!description.trim());
  const action = useAction();
  const check = useFieldErrors(errorsOf({ description: requiredError(description, "Describe the exception as the report will state it: how many items, and what was not done.") }));

  async function add() {
    if (!check.submit()) return;
    const id = await action.run(() => api.addException(wp.control.id, description, uncovered));
    if (id !== undefined) {
      setDescription("");
      check.reset();
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
      {wp.voided_exceptions.length > 0 && (
        <details>
          <summary>On voided samples ({wp.voided_exceptions.length}): counted nowhere</summary>
          {wp.voided_exceptions.map((e) => (
            <p key={e.id} className="voided wrap">
              {e.description} <span className="muted">(sample {e.sample_number}, items {e.items.map((p) => p + 1).join(", ")})</span>
            </p>
          ))}
        </details>
      )}
      {uncovered.length > 0 && !wp.locked && (
        <div data-testid="new-exception">
          <p className="warn">
            {uncovered.length} of {sampleSize} items have deviations not yet written up as an exception (items {uncovered.map((p) => p + 1).join(", ")}).
          </p>
          <Field label="Exception, as it will read in the report" error={check.shown("description")}>
            <textarea
              data-testid="exception-description"
              rows={2}
              value={description}
              placeholder={`For ${uncovered.length} of ${sampleSize} items sampled, …`}
              onChange={check.change("description", setDescription)}
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
  const [declined, setDeclined] = useState(false);
  useUnsaved("management's response", !!(response.trim() || by.trim()));
  const [on, setOn] = useState(today());
  const action = useAction();
  const check = useFieldErrors(
    errorsOf({
      response: requiredError(
        response,
        declined ? "Record how management declined: who was asked, when, and what they said." : "Enter management's response as they gave it.",
      ),
      by: declined ? undefined : requiredError(by, "Enter who gave the response: name and title."),
      on: dateError(on, "the date it was given", { notAfter: today() }),
    }),
  );
  async function respond() {
    if (!check.submit()) return;
    const done = await action.run(() => (declined ? api.recordResponseDeclined(e.id, response, on) : api.respondToException(e.id, response, by, on)));
    if (done !== undefined) {
      setResponse("");
      setBy("");
      check.reset();
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
          {e.response_declined ? (
            <>
              <b>Management declined to respond</b> ({e.response_on}): {e.management_response}
            </>
          ) : (
            <>
              <b>Management's response</b> ({e.response_by}, {e.response_on}): {e.management_response}
            </>
          )}
        </p>
      ) : (
        !locked && (
          <>
            <label className="inline">
              <input type="checkbox" data-testid="response-declined" checked={declined} onChange={(ev) => setDeclined(ev.target.checked)} />
              Management declined to respond
            </label>
            <div className="row">
              <Field label={declined ? "How management declined" : "Management's response"} error={check.shown("response")}>
                <input data-testid="response-text" value={response} onChange={check.change("response", setResponse)} />
              </Field>
              {!declined && (
                <Field label="Given by" error={check.shown("by")}>
                  <input data-testid="response-by" value={by} onChange={check.change("by", setBy)} />
                </Field>
              )}
              <Field label="On" error={check.shown("on")}>
                <input data-testid="response-on" value={on} onChange={check.change("on", setOn)} placeholder="YYYY-MM-DD" />
              </Field>
              <button data-testid="save-response" onClick={respond} disabled={action.busy}>
                Record
              </button>
            </div>
          </>
        )
      )}
      <ErrorNote error={action.error} details={action.details} />
    </div>
  );
}
