import { useState } from "react";
import type { WalkthroughKind } from "../bindings";
import { api } from "../api";
import { ErrorNote, Field, today, useAction } from "../components";
import type { PanelProps } from "../screens/Workpaper";
import { useUnsaved } from "../unsaved";

export function Walkthroughs({ wp, reload }: PanelProps) {
  const [kind, setKind] = useState<WalkthroughKind>("walkthrough");
  const [date, setDate] = useState(today());
  const [attendees, setAttendees] = useState("");
  const [narrative, setNarrative] = useState("");
  useUnsaved("a walkthrough or interview", !!(attendees.trim() || narrative.trim()));
  const action = useAction();

  async function add() {
    const id = await action.run(() =>
      api.addWalkthrough({
        control_id: wp.control.id,
        kind,
        held_on: date,
        attendees: attendees.split(",").map((a) => a.trim()).filter(Boolean),
        narrative,
        evidence: [],
      }),
    );
    if (id !== undefined) {
      setAttendees("");
      setNarrative("");
      await reload();
    }
  }

  return (
    <section className="card">
      <h3>Walkthroughs and interviews</h3>
      {wp.walkthroughs.map((w) => (
        <div key={w.id} className="entry">
          <strong>
            {w.kind === "walkthrough" ? "Walkthrough" : "Interview"} on {w.held_on}
          </strong>{" "}
          <span className="muted">with {w.attendees.join(", ")}</span>
          <p className="wrap">{w.narrative}</p>
        </div>
      ))}
      {!wp.locked && (
        <details>
          <summary>Record a walkthrough or interview</summary>
          <div className="row">
            <Field label="Kind">
              <select value={kind} onChange={(e) => setKind(e.target.value as WalkthroughKind)}>
                <option value="walkthrough">Walkthrough</option>
                <option value="interview">Interview</option>
              </select>
            </Field>
            <Field label="Date">
              <input value={date} onChange={(e) => setDate(e.target.value)} placeholder="YYYY-MM-DD" />
            </Field>
            <Field label="Attendees (comma-separated)">
              <input value={attendees} onChange={(e) => setAttendees(e.target.value)} />
            </Field>
          </div>
          <Field label="Narrative">
            <textarea rows={3} value={narrative} onChange={(e) => setNarrative(e.target.value)} />
          </Field>
          <button onClick={add} disabled={action.busy}>
            Add
          </button>
          <ErrorNote error={action.error} />
        </details>
      )}
    </section>
  );
}
