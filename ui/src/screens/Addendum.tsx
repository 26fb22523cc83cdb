import { useState } from "react";
import type { Overview } from "../bindings";
import { api } from "../api";
import { ErrorNote, useAction } from "../components";

/** Under the header of a completed file: it is read-only, and the one way to change it is an
 *  addendum, opened with its reason and ended when done. While one is open, every change the
 *  auditor makes is recorded in the trail under that reason, with who and when. */
export function AddendumBar({ overview, onOverview }: { overview: Overview; onOverview: (o: Overview) => void }) {
  const [opening, setOpening] = useState(false);
  const [reason, setReason] = useState("");
  const action = useAction();
  if (!overview.completed_on) return null;

  async function begin() {
    const o = await action.run(() => api.beginAddendum(reason));
    if (o) {
      setOpening(false);
      setReason("");
      onOverview(o);
    }
  }
  async function end() {
    const o = await action.run(() => api.endAddendum());
    if (o) onOverview(o);
  }

  return (
    <div className="locked" data-testid="addendum-bar">
      {overview.addendum ? (
        <div className="row">
          <span data-testid="addendum-open">
            Addendum open: "{overview.addendum}". Every change {overview.user} makes now is recorded in the trail under this reason.
          </span>
          <button data-testid="addendum-end" onClick={end} disabled={action.busy}>
            End addendum
          </button>
        </div>
      ) : opening ? (
        <div className="row">
          <input
            data-testid="addendum-reason"
            placeholder="Why the completed file is changed"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            onKeyDown={(e) => e.key === "Enter" && begin()}
          />
          <button className="primary" data-testid="addendum-begin" onClick={begin} disabled={action.busy || !reason.trim()}>
            Open addendum
          </button>
          <button onClick={() => setOpening(false)}>Cancel</button>
        </div>
      ) : (
        <div className="row">
          <span>Documentation completed on {overview.completed_on}: the file is read-only. A later change is made as an addendum, with its reason.</span>
          <button data-testid="addendum-start" onClick={() => setOpening(true)} disabled={!overview.user} title={overview.user ? undefined : "Sign in first"}>
            Make an addendum…
          </button>
        </div>
      )}
      <ErrorNote error={action.error} testid="addendum-error" />
    </div>
  );
}
