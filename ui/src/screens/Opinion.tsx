import { useEffect, useState } from "react";
import type {
  Control,
  CriterionEffect,
  CriterionStatus,
  DeviationKind,
  Evidence,
  ExceptionEvaluation,
  OpinionKind,
  OpinionState,
  Overview,
  ReportDocuments,
  Request,
} from "../bindings";
import { api } from "../api";
import { ErrorNote, Field, Options, useAction } from "../components";
import { useUnsaved } from "../unsaved";

const KINDS: [OpinionKind, string][] = [
  ["unqualified", "Unqualified"],
  ["qualified", "Qualified"],
  ["adverse", "Adverse"],
  ["disclaimer", "Disclaimer of opinion"],
];

const EFFECTS: [CriterionEffect, string][] = [
  ["no_effect", "not affected"],
  ["compensated", "met through compensating controls"],
  ["not_met", "not met"],
];

function proposalWord(p: boolean | null): string {
  return p === null ? "no proposal yet" : p ? "met" : "not met";
}

/**
 * From exceptions to the opinion: each exception evaluated, each criterion in scope concluded
 * from Tickmark's proposal, scope limitations, and the partner's decision. Every rule is the
 * engagement crate's; a refusal shows its list here as the CLI prints it.
 */
export function Opinion({ overview }: { overview: Overview }) {
  const [state, setState] = useState<OpinionState | null>(null);
  const [evaluations, setEvaluations] = useState<ExceptionEvaluation[]>([]);
  const [controls, setControls] = useState<Control[]>([]);
  const [requests, setRequests] = useState<Request[]>([]);
  const action = useAction();

  async function load() {
    const [s, e, c, r] = (await action.run(() => Promise.all([api.opinionState(), api.exceptionEvaluations(), api.controls(), api.requests()]))) ?? [];
    if (s) setState(s);
    if (e) setEvaluations(e);
    if (c) setControls(c);
    if (r) setRequests(r);
  }
  useEffect(() => {
    void load();
  }, [overview.trail_entries]);

  if (!state) return <ErrorNote error={action.error} />;
  return (
    <div>
      <ErrorNote error={action.error} details={action.details} />
      <Evaluations evaluations={evaluations} controls={controls} onChanged={(e) => {
          setEvaluations(e);
          void load();
        }} />
      <Criteria state={state} onChanged={setState} />
      <Limitations state={state} controls={controls} requests={requests} onChanged={setState} />
      <Decision state={state} overview={overview} onChanged={setState} />
      <Documents />
    </div>
  );
}

function Evaluations({ evaluations, controls, onChanged }: { evaluations: ExceptionEvaluation[]; controls: Control[]; onChanged: (e: ExceptionEvaluation[]) => void }) {
  return (
    <section className="card" data-testid="evaluations">
      <h3>Exceptions evaluated</h3>
      {evaluations.length === 0 && <p className="muted">No exceptions recorded.</p>}
      {evaluations.map((e) => (
        <EvaluationEntry key={e.exception.id} e={e} controls={controls} onChanged={onChanged} />
      ))}
    </section>
  );
}

function EvaluationEntry({ e, controls, onChanged }: { e: ExceptionEvaluation; controls: Control[]; onChanged: (e: ExceptionEvaluation[]) => void }) {
  const held = e.evaluation;
  const [editing, setEditing] = useState(!held);
  const [kind, setKind] = useState<DeviationKind>(held?.kind ?? "operating");
  const [cause, setCause] = useState(held?.cause ?? "");
  const [rationale, setRationale] = useState(held?.rationale ?? "");
  const [compensating, setCompensating] = useState<number[]>(held?.compensating ?? []);
  const [effects, setEffects] = useState<Record<string, CriterionEffect>>(Object.fromEntries(held?.effects.map((x) => [x.criterion, x.effect]) ?? []));
  useUnsaved(`the evaluation of exception ${e.exception.number}`, editing && !!(cause.trim() || rationale.trim()) && (cause !== (held?.cause ?? "") || rationale !== (held?.rationale ?? "")));
  const action = useAction();
  const id = e.exception.id;

  async function save() {
    const input = { kind, cause, compensating, rationale, effects: e.criteria.filter((c) => effects[c]).map((c) => ({ criterion: c, effect: effects[c] })) };
    const done = await action.run(() => api.evaluateException(id, input));
    if (done) {
      setEditing(false);
      onChanged(done);
    }
  }

  return (
    <div className="entry" data-testid={`evaluation-${id}`}>
      <p className="wrap">
        <b>
          {e.control_reference}, exception {e.exception.number}:
        </b>{" "}
        {e.exception.description}
      </p>
      <p className="muted wrap">Extent: {e.extent}</p>
      {held && !editing && (
        <div data-testid={`evaluation-held-${id}`}>
          <p className="wrap">
            {held.kind === "design" ? "Design deviation" : "Operating deviation"}. Cause: {held.cause}
          </p>
          <p className="wrap">Compensating controls: {e.compensating.length === 0 ? "none" : e.compensating.map((c) => c.summary).join("; ")}</p>
          <p className="wrap">Effect: {held.effects.map((x) => `${x.criterion}: ${EFFECTS.find(([k]) => k === x.effect)?.[1]}`).join("; ")}</p>
          <p className="wrap">
            {held.rationale} <span className="muted">({held.evaluated_by})</span>
          </p>
          <button onClick={() => setEditing(true)}>Evaluate again</button>
        </div>
      )}
      {editing && (
        <div>
          <div className="row">
            <Field label="Deviation">
              <select data-testid={`evaluation-kind-${id}`} value={kind} onChange={(ev) => setKind(ev.target.value as DeviationKind)}>
                <option value="operating">operating (designed well, not operated as designed)</option>
                <option value="design">design (would fail even operated as designed)</option>
              </select>
            </Field>
            <Field label="Cause, as learned">
              <input data-testid={`evaluation-cause-${id}`} value={cause} onChange={(ev) => setCause(ev.target.value)} />
            </Field>
          </div>
          <Field label="Compensating controls">
            <div className="row-actions">
              {controls
                .filter((c) => c.id !== e.exception.control_id)
                .map((c) => (
                  <label key={c.id} className="inline">
                    <input
                      type="checkbox"
                      data-testid={`evaluation-compensating-${id}-${c.reference}`}
                      checked={compensating.includes(c.id)}
                      onChange={(ev) => setCompensating(ev.target.checked ? [...compensating, c.id] : compensating.filter((x) => x !== c.id))}
                    />
                    {c.reference}
                  </label>
                ))}
            </div>
          </Field>
          {e.criteria.map((criterion) => (
            <Field key={criterion} label={`Effect on ${criterion}`}>
              <select
                data-testid={`evaluation-effect-${id}-${criterion}`}
                value={effects[criterion] ?? ""}
                onChange={(ev) => setEffects({ ...effects, [criterion]: ev.target.value as CriterionEffect })}
              >
                <option value="" disabled>
                  choose…
                </option>
                <Options pairs={EFFECTS} />
              </select>
            </Field>
          ))}
          <Field label="Why the effects are what they are">
            <textarea data-testid={`evaluation-rationale-${id}`} rows={2} value={rationale} onChange={(ev) => setRationale(ev.target.value)} />
          </Field>
          <button className="primary" data-testid={`evaluation-save-${id}`} onClick={save} disabled={action.busy}>
            Record evaluation
          </button>
        </div>
      )}
      <ErrorNote error={action.error} details={action.details} testid={`evaluation-error-${id}`} />
    </div>
  );
}

function Criteria({ state, onChanged }: { state: OpinionState; onChanged: (s: OpinionState) => void }) {
  const [reasons, setReasons] = useState<Record<string, string>>({});
  const [unmappedReason, setUnmappedReason] = useState("");
  useUnsaved("a reason for a criterion's conclusion", Object.values(reasons).some((r) => r.trim()) || !!unmappedReason.trim());
  const action = useAction();
  const undecided = (c: CriterionStatus) => !c.decided || c.stale;
  const proposedMet = state.criteria.filter((c) => undecided(c) && c.proposal === true).map((c) => c.id);
  const unmapped = state.criteria.filter((c) => undecided(c) && c.unmapped).map((c) => c.id);

  async function conclude(criteria: string[], met: boolean, reason: string | null) {
    const s = await action.run(() => api.concludeCriteria(criteria, met, reason?.trim() ? reason : null));
    if (s) {
      setReasons((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !criteria.includes(k))));
      if (criteria.some((c) => unmapped.includes(c))) setUnmappedReason("");
      onChanged(s);
    }
  }

  return (
    <section className="card" data-testid="criteria">
      <h3>Criteria in scope</h3>
      <ErrorNote error={action.error} details={action.details} testid="criteria-error" />
      {proposedMet.length > 0 && (
        <div className="row">
          <span>
            Tickmark proposes {proposedMet.length} undecided {proposedMet.length === 1 ? "criterion" : "criteria"} met; each proposal's basis is shown below.
          </span>
          <button data-testid="conclude-proposed-met" onClick={() => conclude(proposedMet, true, null)} disabled={action.busy}>
            Conclude these {proposedMet.length} met
          </button>
        </div>
      )}
      {unmapped.length > 0 && (
        <div className="row" data-testid="unmapped">
          <p className="warn">
            No control is mapped to {unmapped.join(", ")}. Map a control in the matrix, or conclude {unmapped.length === 1 ? "it" : "them"} not met.
          </p>
          <Field label="Why not met">
            <input data-testid="unmapped-reason" value={unmappedReason} onChange={(e) => setUnmappedReason(e.target.value)} />
          </Field>
          <button data-testid="conclude-unmapped" onClick={() => conclude(unmapped, false, unmappedReason)} disabled={action.busy || !unmappedReason.trim()}>
            Conclude {unmapped.length} not met
          </button>
        </div>
      )}
      <table className="grid">
        <thead>
          <tr>
            <th>Criterion</th>
            <th>Controls</th>
            <th>Tickmark proposes</th>
            <th>Concluded</th>
            <th>Conclude</th>
          </tr>
        </thead>
        <tbody>
          {state.criteria.map((c) => (
            <tr key={c.id} data-testid={`criterion-${c.id}`}>
              <td className="ref">
                {c.id} <span className="muted">{c.title}</span>
              </td>
              <td className={c.unmapped ? "warn" : ""}>{c.unmapped ? "No control mapped" : c.controls.join(", ")}</td>
              <td className="wrap">
                <b>{proposalWord(c.proposal)}</b>
                <ul>
                  {c.reasons.map((r) => (
                    <li key={r}>{r}</li>
                  ))}
                </ul>
              </td>
              <td className="wrap" data-testid={`criterion-decided-${c.id}`}>
                {c.decided ? (
                  <>
                    {c.decided.met ? "met" : "not met"} ({c.decided.decided_by}){c.decided.reason && `: ${c.decided.reason}`}
                    {c.stale && <div className="warn">The proposal has changed since: conclude again.</div>}
                  </>
                ) : (
                  <span className="muted">not concluded</span>
                )}
              </td>
              <td>
                {c.limited_by.length > 0 ? (
                  <span className="muted">Scope limited: no conclusion possible</span>
                ) : (
                  <div>
                    <input
                      data-testid={`criterion-reason-${c.id}`}
                      placeholder="Reason (needed for not met)"
                      value={reasons[c.id] ?? ""}
                      onChange={(e) => setReasons({ ...reasons, [c.id]: e.target.value })}
                    />
                    <div className="row-actions">
                      <button data-testid={`conclude-met-${c.id}`} onClick={() => conclude([c.id], true, reasons[c.id] ?? null)} disabled={action.busy || c.unmapped}>
                        Met
                      </button>
                      <button data-testid={`conclude-not-met-${c.id}`} onClick={() => conclude([c.id], false, reasons[c.id] ?? null)} disabled={action.busy}>
                        Not met
                      </button>
                    </div>
                  </div>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Limitations({ state, controls, requests, onChanged }: { state: OpinionState; controls: Control[]; requests: Request[]; onChanged: (s: OpinionState) => void }) {
  const notProvided = requests.filter((r) => r.status === "not_provided");
  const [request, setRequest] = useState("");
  const [controlId, setControlId] = useState<number | null>(null);
  const [description, setDescription] = useState("");
  useUnsaved("a scope limitation", !!description.trim());
  const action = useAction();

  async function add() {
    const chosen = request || notProvided[0]?.number;
    const control = controlId ?? notProvided.find((r) => r.number === chosen)?.control_id ?? null;
    if (!chosen || control === null) {
      action.setError("Choose the request not provided and the control it kept from being tested.");
      return;
    }
    const s = await action.run(() => api.addScopeLimitation(chosen, control, description));
    if (s) {
      setDescription("");
      onChanged(s);
    }
  }

  async function remove(id: number) {
    const s = await action.run(() => api.removeScopeLimitation(id));
    if (s) onChanged(s);
  }

  return (
    <section className="card" data-testid="limitations">
      <h3>Scope limitations</h3>
      {state.limitations.length === 0 && <p className="muted">None recorded.</p>}
      {state.limitations.length > 0 && (
      <ul>
        {state.limitations.map((l) => (
          <li key={l.id}>
            {l.request_number} ({l.request_title}) was not provided, so {l.control_reference} could not be tested ({l.criteria.join(", ")}): {l.description}{" "}
            <button onClick={() => remove(l.id)}>Remove</button>
          </li>
        ))}
      </ul>
      )}
      {notProvided.length === 0 ? (
        <p className="muted">A scope limitation starts from a request closed as not provided (Requests & evidence).</p>
      ) : (
        <div className="row">
          <Field label="Request not provided">
            <select data-testid="limitation-request" value={request || notProvided[0].number} onChange={(e) => setRequest(e.target.value)}>
              {notProvided.map((r) => (
                <option key={r.id} value={r.number}>
                  {r.number} · {r.title}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Control it kept from being tested">
            <select data-testid="limitation-control" value={controlId ?? ""} onChange={(e) => setControlId(e.target.value ? Number(e.target.value) : null)}>
              <option value="">the request's control</option>
              {controls.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.reference}
                </option>
              ))}
            </select>
          </Field>
          <Field label="The test it prevented">
            <input data-testid="limitation-description" value={description} onChange={(e) => setDescription(e.target.value)} />
          </Field>
          <button data-testid="add-limitation" onClick={add} disabled={action.busy}>
            Record
          </button>
        </div>
      )}
      <ErrorNote error={action.error} details={action.details} />
    </section>
  );
}

function Decision({ state, overview, onChanged }: { state: OpinionState; overview: Overview; onChanged: (s: OpinionState) => void }) {
  const p = state.proposal;
  const [kind, setKind] = useState<OpinionKind | "">("");
  const [reason, setReason] = useState("");
  useUnsaved("a reason for the opinion", !!reason.trim());
  const action = useAction();
  const chosen = kind || p.kind || "unqualified";
  const partner = overview.info.team.find((m) => m.role === "partner");
  const d = state.decision;

  async function decide() {
    const s = await action.run(() => api.decideOpinion(chosen, reason.trim() ? reason : null));
    if (s) {
      setReason("");
      setKind("");
      onChanged(s);
    }
  }

  return (
    <section className="card" data-testid="opinion">
      <h3>Opinion</h3>
      <p data-testid="opinion-proposal">
        Tickmark proposes: <b>{p.kind ? KINDS.find(([k]) => k === p.kind)?.[1] : "none yet"}</b>. {p.reasoning}
      </p>
      {p.missing.length > 0 && (
        <ul data-testid="opinion-missing">
          {p.missing.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      )}
      {d && (
        <p className={d.changed_since ? "warn" : "ok"} data-testid="opinion-decision">
          Decided: {KINDS.find(([k]) => k === d.kind)?.[1]} by {d.initials} at {d.decided_at.slice(0, 16).replace("T", " ")}
          {d.criteria.length > 0 && `, naming ${d.criteria.join(", ")}`}
          {d.reason && ` (${d.reason})`}
          {d.changed_since && ". What it rests on has changed since: it no longer stands and must be decided again."}
        </p>
      )}
      <div className="row">
        <Field label={`Decision of the engagement partner${partner ? ` (${partner.initials} · ${partner.name})` : ""}`}>
          <select data-testid="opinion-kind" value={chosen} onChange={(e) => setKind(e.target.value as OpinionKind)}>
            <Options pairs={KINDS} />
          </select>
        </Field>
        <Field label="Reason (needed when it differs from the proposal)">
          <input data-testid="opinion-reason" value={reason} onChange={(e) => setReason(e.target.value)} />
        </Field>
        <button className="primary" data-testid="decide-opinion" onClick={decide} disabled={action.busy}>
          Decide and sign
        </button>
      </div>
      <ErrorNote error={action.error} details={action.details} testid="opinion-error" />
    </section>
  );
}

function Documents() {
  const [documents, setDocuments] = useState<ReportDocuments | null>(null);
  const [evidence, setEvidence] = useState<Evidence[]>([]);
  const action = useAction();
  useEffect(() => {
    void action.run(() => Promise.all([api.reportDocuments(), api.evidence()])).then((r) => {
      if (r) {
        setDocuments(r[0]);
        setEvidence(r[1]);
      }
    });
  }, []);
  const choices = evidence.map((e) => [e.id, `EV-${e.number} · ${e.name}`] as const);
  async function designate(kind: "assertion" | "description", id: string) {
    if (!id) return;
    const d = await action.run(() => api.setReportDocument(kind, Number(id)));
    if (d) setDocuments(d);
  }
  return (
    <section className="card" data-testid="report-documents">
      <h3>The client's documents in the report</h3>
      <div className="row">
        <Field label="Section II: management's assertion (plain text)">
          <select data-testid="assertion-evidence" value={documents?.assertion?.id ?? ""} onChange={(e) => designate("assertion", e.target.value)}>
            <option value="">not attached: the report prints a placeholder</option>
            <Options pairs={choices} />
          </select>
        </Field>
        <Field label="Section III: the description of the system">
          <select data-testid="description-evidence" value={documents?.description?.id ?? ""} onChange={(e) => designate("description", e.target.value)}>
            <option value="">not attached</option>
            <Options pairs={choices} />
          </select>
        </Field>
      </div>
      <ErrorNote error={action.error} details={action.details} testid="documents-error" />
    </section>
  );
}
