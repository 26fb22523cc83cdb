import { useEffect, useRef, useState } from "react";
import type { Conclusion, Overview, Signoff, SignoffRole, Workpaper } from "../bindings";
import { api } from "../api";
import { ErrorNote, Field, SignedBy, useAction, useFieldErrors } from "../components";
import { describeExamination, frequencyTitle } from "../format";
import { Walkthroughs } from "../workpaper/Walkthroughs";
import { Procedures } from "../workpaper/Procedures";
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
  const signed = (s: Signoff | null, testid: string) =>
    s ? (
      <>
        <SignedBy initials={s.initials} changed={!!s.changed_since} testid={`${testid}-changed`} /> {s.signed_at.slice(0, 10)}
      </>
    ) : (
      "—"
    );
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
            Criteria {control.criteria.join(", ")} · {frequencyTitle(control.frequency)} · {control.nature.replace(/_/g, " ")} · owner {control.owner || "—"} ·{" "}
            <span data-testid="assigned-to">{control.assigned_to ? `Assigned to ${control.assigned_to}` : "Nobody has taken this control"}</span>{" "}
            <button className="link" data-testid="take-control" onClick={() => void action.run(() => api.takeControl(control.id)).then(reload)} disabled={action.busy}>
              take it
            </button>
            {control.assigned_to && (
              <>
                {" "}
                <button className="link" data-testid="release-control" onClick={() => void action.run(() => api.releaseControl(control.id)).then(reload)} disabled={action.busy}>
                  release
                </button>
              </>
            )}
          </div>
        </div>
        <div>
        <table className="signoffs">
          <tbody>
            <tr>
              <th>Preparer</th>
              <td data-testid="preparer">{signed(wp.preparer, "preparer")}</td>
            </tr>
            <tr>
              <th>Reviewer</th>
              <td data-testid="reviewer">{signed(wp.reviewer, "reviewer")}</td>
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
      {wp.carried.length > 0 && (
        <section className="card" data-testid="carried">
          <h3>From last year</h3>
          <p className="muted">Carried forward from last year's file as notes: none of it is work done this year.</p>
          <ul>
            {wp.carried.map((n) => (
              <li key={n.id} className="wrap">
                {n.text}
              </li>
            ))}
          </ul>
        </section>
      )}
      <Walkthroughs wp={wp} reload={reload} />
      <Procedures wp={wp} reload={reload} />
      <PopulationPanel wp={wp} reload={reload} />
      <SamplePanel wp={wp} reload={reload} />
      {wp.sample && <TestGrid key={wp.sample.id} wp={wp} sample={wp.sample} reload={reload} />}
      <Exceptions wp={wp} reload={reload} />
      {wp.evidence.length > 0 && (
        <section className="card">
          <h3>Evidence behind the control</h3>
          <table className="grid" data-testid="workpaper-evidence">
            <tbody>
              {wp.evidence.map((e) => (
                <tr key={e.id}>
                  <td className="ref">EV-{e.number}</td>
                  <td>{e.name}</td>
                  <td>{e.received_on}</td>
                  <td className="mono">{e.sha256.slice(0, 16)}…</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
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
  ["did_not_operate", "Did not operate during the period"],
];

/** No conclusion is proposed: the auditor chooses one, with its basis, once the work supports it. */
function ConclusionPanel({ wp, reload }: PanelProps) {
  const recorded = wp.conclusion;
  const [conclusion, setConclusion] = useState<Conclusion | "">(recorded?.conclusion ?? "");
  const [basis, setBasis] = useState(recorded?.basis ?? "");
  const [override, setOverride] = useState(recorded?.override_reason ?? "");
  const overrideNeeded = wp.sample?.supports_reliance === false && (conclusion === "no_exceptions" || conclusion === "exceptions_noted");
  useUnsaved(
    "the conclusion",
    basis.trim() !== (recorded?.basis ?? "").trim() || conclusion !== (recorded?.conclusion ?? "") || override.trim() !== (recorded?.override_reason ?? "").trim(),
  );
  const action = useAction();
  const check = useFieldErrors(
    errorsOf({
      conclusion: conclusion ? undefined : "Choose the conclusion the work supports.",
      basis: conclusion && conclusion !== "no_exceptions" ? requiredError(basis, "Give the basis for the conclusion: what was found and why it leads here.") : undefined,
      override: overrideNeeded ? requiredError(override, "The sample does not support the planned reliance: say why the control is concluded effective all the same.") : undefined,
    }),
  );
  async function save() {
    if (!check.submit() || !conclusion) return;
    const input = { conclusion, basis, override_reason: overrideNeeded ? override : null };
    if ((await action.run(() => api.setConclusion(wp.control.id, input))) !== undefined) await reload();
  }
  return (
    <section className="card">
      <h3>Conclusion</h3>
      <div className="row">
        <Field label="Conclusion" error={check.shown("conclusion")}>
          <select data-testid="conclusion" value={conclusion} onChange={(e) => setConclusion(e.target.value as Conclusion)} disabled={!!wp.locked}>
            <option value="">Choose…</option>
            {CONCLUSIONS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Basis for the conclusion" error={check.shown("basis")}>
          <input data-testid="conclusion-note" value={basis} onChange={check.change("basis", setBasis)} disabled={!!wp.locked} />
        </Field>
        <button data-testid="save-conclusion" onClick={save} disabled={!!wp.locked || action.busy}>
          Record conclusion
        </button>
      </div>
      {overrideNeeded && (
        <Field label="Override: why the control is effective although the sample does not support the planned reliance" error={check.shown("override")}>
          <input data-testid="conclusion-override" value={override} onChange={check.change("override", setOverride)} disabled={!!wp.locked} />
        </Field>
      )}
      {recorded ? (
        <p className="muted" data-testid="conclusion-recorded">
          Recorded: {CONCLUSIONS.find(([c]) => c === recorded.conclusion)?.[1]}
          {recorded.override_reason && ` — overridden: ${recorded.override_reason}`}
        </p>
      ) : (
        <p className="muted" data-testid="conclusion-recorded">
          No conclusion recorded.
        </p>
      )}
      <ErrorNote error={action.error} details={action.details} testid="conclusion-error" />
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
  const current = (s: Signoff | null) => !!s && !s.changed_since;
  return (
    <section className="card">
      <h3>Sign-offs</h3>
      {[wp.preparer, wp.reviewer].map(
        (s) =>
          s?.changed_since && (
            <div key={s.id} className="warn" data-testid={`changed-since-${s.role}`}>
              Changed since {s.initials} signed as {s.role} on {s.signed_at.slice(0, 10)} (signing again covers the work as it stands):
              <ul className="refusal">
                {s.changed_since.changes.length === 0 ? <li>the work differs from what was signed</li> : s.changed_since.changes.map((c) => <li key={c}>{c}</li>)}
              </ul>
            </div>
          ),
      )}
      {!current(wp.preparer) && wp.preparer_missing.length > 0 && (
        <div className="muted" data-testid="preparer-missing">
          Before the preparer signs:
          <ul className="refusal">
            {wp.preparer_missing.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        </div>
      )}
      <div className="row">
        <button data-testid="sign-preparer" onClick={() => sign("preparer")} disabled={current(wp.preparer) || action.busy}>
          {wp.preparer?.changed_since ? "Sign again as preparer" : "Sign as preparer"}
        </button>
        <button data-testid="sign-reviewer" onClick={() => sign("reviewer")} disabled={!wp.preparer || current(wp.reviewer) || action.busy}>
          {wp.reviewer?.changed_since ? "Sign again as reviewer" : "Sign as reviewer"}
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
      <ErrorNote error={action.error} details={action.details} testid="signoff-error" />
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
