import { useEffect, useRef, useState } from "react";
import type { Conclusion, Overview, SignoffRole, Workpaper } from "../bindings";
import { api } from "../api";
import { ErrorNote, Field, useAction, useFieldErrors } from "../components";
import { describeExamination, frequencyTitle } from "../format";
import { Walkthroughs } from "../workpaper/Walkthroughs";
import { PopulationPanel } from "../workpaper/PopulationPanel";
import { SamplePanel } from "../workpaper/SamplePanel";
import { TestGrid } from "../workpaper/TestGrid";
import { Exceptions } from "../workpaper/Exceptions";
import { ReviewNotes } from "../workpaper/ReviewNotes";
import { useUnsaved } from "../unsaved";
import { errorsOf, requiredError } from "../validate";

interface Props {
  controlId: number;
  overview: Overview;
  onBack: () => void;
}

/** One control's workpaper, indexed by its reference, top to bottom in the order work is done. */
export function WorkpaperScreen({ controlId, overview, onBack }: Props) {
  const [wp, setWp] = useState<Workpaper | null>(null);
  const action = useAction();

  // Reloads can overlap (a save, then a sign-off straight after): only the newest answer is
  // shown, or an older one would put back a state from before the later change.
  const latest = useRef(0);
  async function reload() {
    const request = ++latest.current;
    const loaded = await action.run(() => api.workpaper(controlId));
    if (loaded && request === latest.current) setWp(loaded);
  }
  useEffect(() => {
    void reload();
  }, [controlId]);

  if (!wp) return <ErrorNote error={action.error} />;
  const { control } = wp;
  const newestSample = wp.samples[wp.samples.length - 1] ?? null;
  const signed = (s: Workpaper["preparer"]) => (s ? `${s.initials} ${s.signed_at.slice(0, 10)}` : "—");
  return (
    <div className="workpaper" data-testid="workpaper">
      <div className="wp-header card">
        <div>
          <button className="link" onClick={onBack}>
            ← Back
          </button>
          <h2 data-testid="workpaper-index">{control.reference}</h2>
          <div className="muted">
            {overview.info.client} · {describeExamination(overview.info.examination)}
          </div>
          <p className="wrap">{control.description}</p>
          <div className="muted">
            Criteria {control.criteria.join(", ")} · {frequencyTitle(control.frequency)} · {control.nature.replace(/_/g, " ")} · owner {control.owner || "—"}
          </div>
        </div>
        <div>
        <table className="signoffs">
          <tbody>
            <tr>
              <th>Preparer</th>
              <td data-testid="preparer">{signed(wp.preparer)}</td>
            </tr>
            <tr>
              <th>Reviewer</th>
              <td data-testid="reviewer">{signed(wp.reviewer)}</td>
            </tr>
          </tbody>
        </table>
        <WorkpaperPdf controlId={control.id} reference={control.reference} />
        </div>
      </div>
      {wp.locked && (
        <p className="locked" data-testid="locked">
          🔒 {wp.locked}
        </p>
      )}
      <ErrorNote error={action.error} />
      <Walkthroughs wp={wp} reload={reload} />
      <PopulationPanel wp={wp} reload={reload} />
      <SamplePanel wp={wp} reload={reload} />
      {newestSample && <TestGrid wp={wp} sample={newestSample} reload={reload} />}
      <Exceptions wp={wp} reload={reload} />
      <ConclusionPanel wp={wp} reload={reload} />
      <SignoffPanel wp={wp} reload={reload} />
      <ReviewNotes wp={wp} reload={reload} />
    </div>
  );
}

export interface PanelProps {
  wp: Workpaper;
  reload: () => Promise<void>;
}

const CONCLUSIONS: [Conclusion, string][] = [
  ["no_exceptions", "No exceptions noted"],
  ["exceptions_noted", "Exceptions noted; control operated as tested"],
  ["not_effective", "Not operating effectively"],
];

function ConclusionPanel({ wp, reload }: PanelProps) {
  const deviations = wp.results.some((r) => r.outcome === "deviation");
  const [conclusion, setConclusion] = useState<Conclusion>(wp.conclusion ?? (deviations ? "exceptions_noted" : "no_exceptions"));
  const [note, setNote] = useState(wp.conclusion_note);
  useUnsaved("the conclusion", note.trim() !== wp.conclusion_note.trim() || (!!wp.conclusion && conclusion !== wp.conclusion));
  const action = useAction();
  const check = useFieldErrors(
    errorsOf({ note: conclusion === "no_exceptions" ? undefined : requiredError(note, "Explain the conclusion: the deviations found and why they lead to it.") }),
  );
  async function save() {
    if (!check.submit()) return;
    if ((await action.run(() => api.setConclusion(wp.control.id, conclusion, note))) !== undefined) await reload();
  }
  return (
    <section className="card">
      <h3>Conclusion</h3>
      <div className="row">
        <Field label="Conclusion">
          <select data-testid="conclusion" value={conclusion} onChange={(e) => setConclusion(e.target.value as Conclusion)} disabled={!!wp.locked}>
            {CONCLUSIONS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Basis for the conclusion" error={check.shown("note")}>
          <input data-testid="conclusion-note" value={note} onChange={check.change("note", setNote)} disabled={!!wp.locked} />
        </Field>
        <button data-testid="save-conclusion" onClick={save} disabled={!!wp.locked || action.busy}>
          Record conclusion
        </button>
      </div>
      {wp.conclusion && <p className="muted">Recorded: {CONCLUSIONS.find(([c]) => c === wp.conclusion)?.[1]}</p>}
      <ErrorNote error={action.error} testid="conclusion-error" />
    </section>
  );
}

function SignoffPanel({ wp, reload }: PanelProps) {
  const [reason, setReason] = useState("");
  useUnsaved("a reason to withdraw a sign-off", !!reason.trim());
  const action = useAction();
  async function sign(role: SignoffRole) {
    if ((await action.run(() => api.sign(wp.control.id, role))) !== undefined) await reload();
  }
  async function withdraw(role: SignoffRole) {
    if ((await action.run(() => api.withdrawSignoff(wp.control.id, role, reason))) !== undefined) {
      setReason("");
      await reload();
    }
  }
  return (
    <section className="card">
      <h3>Sign-offs</h3>
      <div className="row">
        <button data-testid="sign-preparer" onClick={() => sign("preparer")} disabled={!!wp.preparer || action.busy}>
          Sign as preparer
        </button>
        <button data-testid="sign-reviewer" onClick={() => sign("reviewer")} disabled={!wp.preparer || !!wp.reviewer || action.busy}>
          Sign as reviewer
        </button>
      </div>
      {(wp.preparer || wp.reviewer) && (
        <div className="row">
          <Field label="Reason to withdraw a sign-off">
            <input data-testid="withdraw-reason" value={reason} onChange={(e) => setReason(e.target.value)} />
          </Field>
          {wp.reviewer && (
            <button data-testid="withdraw-reviewer" onClick={() => withdraw("reviewer")} disabled={!reason.trim()}>
              Withdraw review
            </button>
          )}
          {wp.preparer && (
            <button onClick={() => withdraw("preparer")} disabled={!reason.trim()}>
              Withdraw preparation
            </button>
          )}
        </div>
      )}
      <ErrorNote error={action.error} testid="signoff-error" />
    </section>
  );
}

function WorkpaperPdf({ controlId, reference }: { controlId: number; reference: string }) {
  const action = useAction();
  const [written, setWritten] = useState<string | null>(null);
  async function save() {
    const path = await api.chooseSavePath(`Workpaper ${reference}`, `${reference}.pdf`, "pdf");
    if (path && (await action.run(() => api.writeWorkpaper(controlId, path))) !== undefined) setWritten(path);
  }
  return (
    <div>
      <button onClick={save} disabled={action.busy}>
        Workpaper PDF…
      </button>
      {written && <p className="ok">Written to {written}</p>}
      <ErrorNote error={action.error} />
    </div>
  );
}
