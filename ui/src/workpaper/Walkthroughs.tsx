import { useState } from "react";
import type { WalkthroughKind } from "../bindings";
import { api } from "../api";
import { ErrorNote, Field, today, useAction, useFieldErrors } from "../components";
import type { PanelProps } from "../screens/Workpaper";
import { useUnsaved } from "../unsaved";
import { dateError, errorsOf, requiredError } from "../validate";

export function Walkthroughs({ wp, reload }: PanelProps) {
  const [kind, setKind] = useState<WalkthroughKind>("walkthrough");
  const [date, setDate] = useState(today());
  const [attendees, setAttendees] = useState("");
  const [narrative, setNarrative] = useState("");
  useUnsaved("a walkthrough or interview", !!(attendees.trim() || narrative.trim()));
  const action = useAction();
  const names = attendees.split(",").map((a) => a.trim()).filter(Boolean);
  const check = useFieldErrors(
    errorsOf({
      date: dateError(date, "the date it was held", { notAfter: today() }),
      attendees: names.length ? undefined : "Name who took part, separated by commas.",
      narrative: requiredError(narrative, "Describe what was walked through or said, and what you saw."),
    }),
  );

  async function add() {
    if (!check.submit()) return;
    const id = await action.run(() =>
      api.addWalkthrough({
        control_id: wp.control.id,
        kind,
        held_on: date,
        attendees: names,
        narrative,
        evidence: [],
      }),
    );
    if (id !== undefined) {
      setAttendees("");
      setNarrative("");
      check.reset();
      await reload();
    }
  }

  return (
    <section className="card" data-testid="walkthroughs">
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
            <Field label="Date" error={check.shown("date")}>
              <input
                data-testid="walkthrough-date"
                value={date}
                onChange={check.change("date", setDate)}
                placeholder="YYYY-MM-DD"
              />
            </Field>
            <Field label="Attendees (comma-separated)" error={check.shown("attendees")}>
              <input
                data-testid="walkthrough-attendees"
                value={attendees}
                onChange={check.change("attendees", setAttendees)}
              />
            </Field>
          </div>
          <Field label="Narrative" error={check.shown("narrative")}>
            <textarea
              data-testid="walkthrough-narrative"
              rows={3}
              value={narrative}
              onChange={check.change("narrative", setNarrative)}
            />
          </Field>
          <button data-testid="add-walkthrough" onClick={add} disabled={action.busy}>
            Add
          </button>
          <ErrorNote error={action.error} />
        </details>
      )}
    </section>
  );
}
