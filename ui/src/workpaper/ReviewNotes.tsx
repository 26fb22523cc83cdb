import { useState } from "react";
import type { ReviewNote } from "../bindings";
import { api } from "../api";
import { ErrorNote, Field, useAction } from "../components";
import type { PanelProps } from "../screens/Workpaper";
import { useUnsaved } from "../unsaved";

export function ReviewNotes({ wp, reload }: PanelProps) {
  const [text, setText] = useState("");
  useUnsaved("a review note", !!text.trim());
  const action = useAction();
  async function raise() {
    if ((await action.run(() => api.raiseReviewNote(wp.control.id, text))) !== undefined) {
      setText("");
      await reload();
    }
  }
  return (
    <section className="card" data-testid="review-notes">
      <h3>Review notes</h3>
      {wp.review_notes.map((n) => (
        <NoteEntry key={n.id} note={n} reload={reload} />
      ))}
      <div className="row">
        <Field label="Raise a review note">
          <input data-testid="review-note-text" value={text} onChange={(e) => setText(e.target.value)} />
        </Field>
        <button data-testid="raise-review-note" onClick={raise} disabled={!text.trim() || action.busy}>
          Raise
        </button>
      </div>
      <ErrorNote error={action.error} />
    </section>
  );
}

function NoteEntry({ note: n, reload }: { note: ReviewNote; reload: () => Promise<void> }) {
  const [response, setResponse] = useState("");
  useUnsaved("a response to a review note", !!response.trim());
  const action = useAction();
  async function run(f: () => Promise<unknown>) {
    if ((await action.run(f)) !== undefined) {
      setResponse("");
      await reload();
    }
  }
  return (
    <div className={n.cleared_at ? "entry cleared" : "entry"} data-testid="review-note">
      <p className="wrap">
        <b>{n.raised_by}</b> {n.raised_at.slice(0, 10)}: {n.text}
      </p>
      {n.response && (
        <p className="wrap">
          <b>{n.responded_by}</b> {n.responded_at?.slice(0, 10)}: {n.response}
        </p>
      )}
      {n.cleared_at ? (
        <p className="muted">
          Cleared by {n.cleared_by} on {n.cleared_at.slice(0, 10)}
        </p>
      ) : (
        <div className="row">
          <input value={response} placeholder="Response" onChange={(e) => setResponse(e.target.value)} />
          <button onClick={() => run(() => api.respondToReviewNote(n.id, response))} disabled={!response.trim()}>
            Respond
          </button>
          <button onClick={() => run(() => api.clearReviewNote(n.id))}>Clear</button>
        </div>
      )}
      <ErrorNote error={action.error} />
    </div>
  );
}
