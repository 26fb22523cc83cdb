import { useEffect, useState } from "react";
import type { Examination, Overview } from "../bindings";
import { api } from "../api";
import { ErrorNote, Field, today, useAction } from "../components";
import { formatBytes } from "../format";
import { useUnsaved } from "../unsaved";

/** One thing to write out: where (typed or chosen in the dialog), and the button that writes it.
 *  Long writes report bytes through `onProgress` and can be cancelled. */
export function Output({ label, fileName, extension, write, disabled, testid }: {
  label: string;
  fileName: string;
  extension: string;
  write: (path: string, onProgress: (bytes: number) => void) => Promise<unknown>;
  disabled?: boolean;
  testid: string;
}) {
  const [path, setPath] = useState("");
  const [written, setWritten] = useState<string | null>(null);
  const [bytes, setBytes] = useState<number | null>(null);
  const action = useAction();
  async function browse() {
    const chosen = await api.chooseSavePath(label, fileName, extension);
    if (chosen) setPath(chosen);
  }
  async function run() {
    setWritten(null);
    setBytes(null);
    const done = await action.run(() => write(path, setBytes));
    setBytes(null);
    if (done !== undefined) setWritten(path);
  }
  return (
    <div className="entry">
      <div className="row">
        <Field label={label}>
          <input data-testid={`${testid}-path`} value={path} onChange={(e) => setPath(e.target.value)} placeholder={`/path/to/${fileName}`} disabled={disabled} />
        </Field>
        <button onClick={browse} disabled={disabled}>
          Browse…
        </button>
        <button className="primary" data-testid={`${testid}-write`} onClick={run} disabled={disabled || !path || action.busy}>
          {action.busy ? "Writing…" : "Write"}
        </button>
      </div>
      {action.busy && bytes !== null && (
        <p className="row" data-testid={`${testid}-progress`}>
          <span>{formatBytes(bytes)} written</span>
          <button onClick={() => api.cancelWork()}>Cancel</button>
        </p>
      )}
      {written && (
        <p className="ok" data-testid={`${testid}-written`}>
          Written to {written}
        </p>
      )}
      <ErrorNote error={action.error} testid={`${testid}-error`} />
    </div>
  );
}

export function Deliverables({ overview, onOverview }: { overview: Overview; onOverview: (o: Overview) => void }) {
  const [blockers, setBlockers] = useState<string[] | null>(null);
  const [on, setOn] = useState(today());
  const [confirming, setConfirming] = useState(false);
  const action = useAction();
  const slug = overview.info.client.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "").toLowerCase() || "engagement";

  useEffect(() => {
    void action.run(() => api.completionBlockers()).then((b) => b && setBlockers(b));
  }, [overview.trail_entries]);

  async function complete() {
    setConfirming(false);
    const o = await action.run(() => api.completeDocumentation(on));
    if (o) onOverview(o);
  }

  return (
    <div>
      <section className="card">
        <h3>Report and exports</h3>
        <p className="muted">Every page says DRAFT until the engagement partner's decision on the opinion stands and the documentation is complete.</p>
        <p className="muted">These are plaintext copies written only where you choose; the engagement file stays encrypted.</p>
        <Output label="Report (PDF)" fileName={`${slug}-soc2-draft.pdf`} extension="pdf" write={api.writeReport} testid="report" />
        <Output label="Report (Word)" fileName={`${slug}-soc2-draft.docx`} extension="docx" write={api.writeReport} testid="report-docx" />
        <Output label="Samples and test grids (XLSX)" fileName={`${slug}-samples.xlsx`} extension="xlsx" write={api.writeSamplesXlsx} testid="samples" />
      </section>
      <section className="card">
        <h3>Documentation completion</h3>
        {overview.completed_on ? (
          <p className="locked" data-testid="completed">
            Documentation completed on {overview.completed_on}. The file is read-only; a later change is made as an addendum (above), kept in the trail with its reason.
          </p>
        ) : blockers && blockers.length > 0 ? (
          <div data-testid="blockers">
            <p className="warn">
              Completion needs every control concluded and signed by its preparer and reviewer over the work as it stands, management's response (or its
              recorded refusal) to every exception, the opinion decided by the engagement partner, every request settled, and no open review note. Still
              open:
            </p>
            <ul>
              {blockers.map((b) => (
                <li key={b}>{b}</li>
              ))}
            </ul>
          </div>
        ) : (
          <div className="row">
            <Field label="Documentation completion date">
              <input data-testid="completion-date" value={on} onChange={(e) => setOn(e.target.value)} />
            </Field>
            <button className="primary" data-testid="complete" onClick={() => setConfirming(true)} disabled={action.busy || confirming}>
              Complete documentation…
            </button>
          </div>
        )}
        {confirming && !overview.completed_on && (
          <div className="confirm" data-testid="confirm-complete">
            <span>
              Completing records {on} as the documentation completion date. From then on the file is read-only: every later change is an addendum, kept in the
              trail with who made it, when and why. The archive package can then be written.
            </span>
            <button className="primary" data-testid="complete-confirm" onClick={complete}>
              Complete on {on}
            </button>
            <button onClick={() => setConfirming(false)}>Cancel</button>
          </div>
        )}
        <ErrorNote error={action.error} details={action.details} testid="completion-error" />
      </section>
      <section className="card">
        <h3>Archive package</h3>
        <p className="muted">A BagIt package (zip) with the report, workpapers, exports, evidence and the encrypted engagement file, verifiable without Tickmark.</p>
        <Output label="Archive package (ZIP)" fileName={`${slug}-archive.zip`} extension="zip" write={api.writeArchive} disabled={!overview.completed_on} testid="archive" />
      </section>
      <RollForward overview={overview} onOverview={onOverview} />
    </div>
  );
}

/** Next year's engagement from this one: the matrix, procedures, requests and team carried, none
 *  of this year's work; the window then opens it. */
function RollForward({ overview, onOverview }: { overview: Overview; onOverview: (o: Overview) => void }) {
  const [form, setForm] = useState({ path: "", start: "", end: "", passphrase: "", confirm: "", fromIncomplete: false });
  const set = (k: keyof typeof form, v: string | boolean) => setForm({ ...form, [k]: v });
  useUnsaved("next year's engagement", !!(form.path || form.passphrase));
  const action = useAction();
  async function roll() {
    if (form.passphrase !== form.confirm) {
      action.setError("The two passphrases differ.");
      return;
    }
    const examination: Examination =
      overview.info.examination.kind === "type1" ? { kind: "type1", as_of: form.start } : { kind: "type2", period_start: form.start, period_end: form.end };
    const o = await action.run(() => api.rollForward(form.path, examination, form.passphrase, form.fromIncomplete));
    if (o) onOverview(o);
  }
  return (
    <section className="card" data-testid="roll-forward">
      <h3>Next year</h3>
      <p className="muted">
        A new engagement file carrying the controls, criteria, attributes, procedures (planned again), the request list (open again, dates moved by the
        period's shift), the team and the complementary controls. Walkthroughs and exceptions come across as notes; none of this year's evidence, samples,
        results, conclusions or sign-offs does.
      </p>
      <div className="row">
        <Field label="New file">
          <input data-testid="roll-path" value={form.path} onChange={(e) => set("path", e.target.value)} placeholder="/path/to/next-year.tickmark" />
        </Field>
        <Field label={overview.info.examination.kind === "type1" ? "Next year's date (Type 1)" : "Period start"}>
          <input data-testid="roll-start" value={form.start} onChange={(e) => set("start", e.target.value)} placeholder="YYYY-MM-DD" />
        </Field>
        {overview.info.examination.kind === "type2" && (
          <Field label="Period end">
            <input data-testid="roll-end" value={form.end} onChange={(e) => set("end", e.target.value)} placeholder="YYYY-MM-DD" />
          </Field>
        )}
      </div>
      <div className="row">
        <Field label="Its passphrase">
          <input type="password" data-testid="roll-passphrase" value={form.passphrase} onChange={(e) => set("passphrase", e.target.value)} />
        </Field>
        <Field label="Again">
          <input type="password" data-testid="roll-confirm" value={form.confirm} onChange={(e) => set("confirm", e.target.value)} />
        </Field>
        {!overview.completed_on && (
          <label className="inline">
            <input type="checkbox" data-testid="roll-incomplete" checked={form.fromIncomplete} onChange={(e) => set("fromIncomplete", e.target.checked)} />
            This year's documentation is not completed; roll forward anyway
          </label>
        )}
        <button className="primary" data-testid="roll-forward-confirm" onClick={roll} disabled={action.busy || !form.path || !form.passphrase}>
          Roll forward
        </button>
      </div>
      <ErrorNote error={action.error} details={action.details} testid="roll-error" />
    </section>
  );
}
