import { useState } from "react";
import type { SampleMethod, SamplePlan, SampleRequest, SampleView, SizeRequest } from "../bindings";
import { api } from "../api";
import { BarChart, ErrorNote, Field, useAction, useFieldErrors } from "../components";
import { formatCount, formatMoney, parseCents, shareByMonth } from "../format";
import type { PanelProps } from "../screens/Workpaper";
import { useUnsaved } from "../unsaved";
import { countError, errorsOf, percentError, requiredError, seedError } from "../validate";

type SizeKind = SizeRequest["kind"];
type MethodKind = "simple_random" | "systematic" | "cell" | "stratified_month" | "stratified_quarter" | "stratified_column" | "mus_fixed" | "mus_cell";

const METHODS: [MethodKind, string][] = [
  ["simple_random", "Simple random"],
  ["systematic", "Systematic, random start"],
  ["cell", "Cell (one per interval)"],
  ["stratified_month", "Stratified by month"],
  ["stratified_quarter", "Stratified by quarter"],
  ["stratified_column", "Stratified by the stratum column"],
  ["mus_fixed", "Monetary-unit, fixed interval"],
  ["mus_cell", "Monetary-unit, cell"],
];

export function toMethod(kind: MethodKind): SampleMethod {
  switch (kind) {
    case "stratified_month":
      return { kind: "stratified", by: "month", counts: null };
    case "stratified_quarter":
      return { kind: "stratified", by: "quarter", counts: null };
    case "stratified_column":
      return { kind: "stratified", by: "column", counts: null };
    case "mus_fixed":
      return { kind: "monetary_unit", variant: "fixed" };
    case "mus_cell":
      return { kind: "monetary_unit", variant: "cell" };
    default:
      return { kind };
  }
}

export function SamplePanel({ wp, reload }: PanelProps) {
  const live = wp.sample;
  const shelved = [...wp.stranded_samples, ...wp.voided_samples];
  return (
    <section className="card">
      <h3>Sample</h3>
      {live ? <LiveSample wp={wp} sample={live} reload={reload} /> : <DrawSample wp={wp} reload={reload} />}
      {shelved.length > 0 && (
        <details data-testid="voided-samples">
          <summary>
            Samples not counted ({shelved.length}): voided, or left by a later draw
          </summary>
          {shelved.map((s) => (
            <div key={s.id} className="voided">
              {s.voided ? (
                <p data-testid="voided-sample">
                  <b>Sample {s.number} voided</b> by {s.voided.by} on {s.voided.at.slice(0, 10)}: {s.voided.reason}
                </p>
              ) : (
                <VoidSample wp={wp} sample={s} reload={reload} label={`Sample ${s.number} was left behind by a later draw: void it`} />
              )}
              <SampleSummary sample={s} />
            </div>
          ))}
        </details>
      )}
    </section>
  );
}

function LiveSample({ wp, sample, reload }: PanelProps & { sample: SampleView }) {
  return (
    <>
      <SampleSummary sample={sample} />
      {!wp.locked && <ExtendSample wp={wp} sample={sample} reload={reload} />}
      {!wp.locked && <VoidSample wp={wp} sample={sample} reload={reload} label="Void this sample…" />}
    </>
  );
}

/** More items, every item already drawn kept in its place (the extension is simple random). */
function ExtendSample({ sample, reload }: PanelProps & { sample: SampleView }) {
  const [n, setN] = useState("5");
  const [reason, setReason] = useState("");
  useUnsaved("a reason to extend a sample", !!reason.trim());
  const action = useAction();
  async function run() {
    if ((await action.run(() => api.extendSample(sample.id, Number(n), reason))) !== undefined) {
      setReason("");
      await reload();
    }
  }
  return (
    <details data-testid="extend-sample">
      <summary>Extend this sample…</summary>
      <div className="row">
        <Field label="Items to add">
          <input data-testid="extend-n" value={n} onChange={(e) => setN(e.target.value)} />
        </Field>
        <Field label="Why">
          <input data-testid="extend-reason" value={reason} onChange={(e) => setReason(e.target.value)} />
        </Field>
        <button data-testid="extend-confirm" onClick={run} disabled={!reason.trim() || !(Number(n) > 0) || action.busy}>
          Extend
        </button>
      </div>
      <ErrorNote error={action.error} details={action.details} />
    </details>
  );
}

/** Voiding keeps the sample and its results on record, counted nowhere, with the reason. */
function VoidSample({ wp, sample, reload, label }: PanelProps & { sample: SampleView; label: string }) {
  const [reason, setReason] = useState("");
  useUnsaved("a reason to void a sample", !!reason.trim());
  const action = useAction();
  async function run() {
    if ((await action.run(() => api.voidSample(sample.id, reason))) !== undefined) {
      setReason("");
      await reload();
    }
  }
  if (wp.locked) return null;
  return (
    <details data-testid="void-sample">
      <summary>{label}</summary>
      <p className="muted">
        A voided sample stays in the workpaper with its {sample.results_recorded} results, marked voided; it counts nowhere, and the control can be sampled
        again. A sample drawn again from the same population with a derived seed selects the same items.
      </p>
      <div className="row">
        <Field label="Why the sample is voided">
          <input data-testid="void-reason" value={reason} onChange={(e) => setReason(e.target.value)} />
        </Field>
        <button data-testid="void-confirm" onClick={run} disabled={!reason.trim() || action.busy}>
          Void sample {sample.number}
        </button>
      </div>
      <ErrorNote error={action.error} details={action.details} />
    </details>
  );
}

function DrawSample({ wp, reload }: PanelProps) {
  const populations = wp.populations.filter((p) => !p.removed);
  const [populationId, setPopulationId] = useState<number | null>(null);
  const population = populations.find((p) => p.id === populationId) ?? populations[populations.length - 1];
  const [sizeKind, setSizeKind] = useState<SizeKind>("frequency_table");
  const [method, setMethod] = useState<MethodKind>("simple_random");
  const [confidence, setConfidence] = useState("95");
  const [tolerable, setTolerable] = useState("5");
  const [expected, setExpected] = useState("0");
  const [n, setN] = useState("25");
  const [tolerableAmount, setTolerableAmount] = useState("");
  const [expectedAmount, setExpectedAmount] = useState("0");
  const [reason, setReason] = useState("");
  const [seed, setSeed] = useState("");
  const [seedReason, setSeedReason] = useState("");
  const [plan, setPlan] = useState<SamplePlan | null>(null);
  useUnsaved("the reason or seed for a sample", !!(reason.trim() || seed.trim() || seedReason.trim()));
  const action = useAction();
  const attribute = sizeKind === "attribute";
  const fixed = sizeKind === "fixed";
  const monetary = sizeKind === "monetary";
  const amountError = (text: string, what: string) => (parseCents(text) === undefined || parseCents(text)! < 0 ? `Enter ${what} as an amount, such as 50000.00.` : undefined);
  const check = useFieldErrors(
    errorsOf({
      seed: seedError(seed),
      seedReason: seed.trim() ? requiredError(seedReason, "Say why this seed is used instead of the derived one; a reviewer will ask.") : undefined,
      confidence: attribute || monetary ? percentError(confidence, "the confidence level") : undefined,
      tolerableAmount: monetary ? amountError(tolerableAmount, "the tolerable misstatement") : undefined,
      expectedAmount: monetary ? amountError(expectedAmount, "the expected misstatement") : undefined,
      tolerable: attribute ? percentError(tolerable, "the tolerable deviation rate") : undefined,
      expected: attribute ? percentError(expected, "the expected deviation rate", { zero: true, below: Number(tolerable) }) : undefined,
      n: fixed ? countError(n, population?.row_count ?? 0) : undefined,
      reason: fixed ? requiredError(reason, "Say why this many items are enough, for the reviewer.") : undefined,
    }),
  );

  if (!population) {
    return <p className="muted">Import the population first; the sample is drawn from it.</p>;
  }
  if (wp.locked) return <p className="muted">No live sample.</p>;

  function size(): SizeRequest {
    if (sizeKind === "attribute")
      return {
        kind: "attribute",
        plan: { confidence: Number(confidence) / 100, tolerable_rate: Number(tolerable) / 100, expected_rate: Number(expected) / 100, population: null, model: "binomial" },
      };
    if (sizeKind === "fixed") return { kind: "fixed", n: Number(n), reason };
    if (sizeKind === "monetary")
      return { kind: "monetary", tolerable_cents: parseCents(tolerableAmount) ?? 0, expected_cents: parseCents(expectedAmount) ?? 0, confidence: Number(confidence) / 100 };
    return { kind: "frequency_table" };
  }
  const request = (): SampleRequest => ({
    control_id: wp.control.id,
    population_id: population.id,
    method: toMethod(method),
    size: size(),
    seed: seed.trim() || null,
    seed_reason: seed.trim() ? seedReason : null,
  });
  // Any change to the request drops the plan shown: what is drawn is what was shown.
  const changed = <T,>(set: (v: T) => void) => (v: T) => {
    set(v);
    setPlan(null);
  };

  async function preview() {
    if (!check.submit()) return;
    const p = await action.run(() => api.planSample(request()));
    if (p) setPlan(p);
  }

  async function draw() {
    const id = await action.run(() => api.drawSample(request()));
    if (id !== undefined) {
      setReason("");
      setSeed("");
      setSeedReason("");
      setPlan(null);
      check.reset();
      await reload();
    }
  }

  return (
    <details open>
      <summary>Size and draw a sample from {population.source_name}</summary>
      {populations.length > 1 && (
        <Field label="Population">
          <select value={population.id} onChange={(e) => changed(setPopulationId)(Number(e.target.value))}>
            {populations.map((p) => (
              <option key={p.id} value={p.id}>
                {p.source_name} ({formatCount(p.row_count)} items)
              </option>
            ))}
          </select>
        </Field>
      )}
      <div className="row">
        <Field label="Sample size">
          <select data-testid="size-kind" value={sizeKind} onChange={(e) => changed(setSizeKind)(e.target.value as SizeKind)}>
            <option value="frequency_table">Firm's frequency table</option>
            <option value="attribute">Statistical (attribute sampling)</option>
            <option value="fixed">Set by the auditor</option>
            <option value="monetary">Monetary-unit: from tolerable and expected misstatement</option>
          </select>
        </Field>
        <Field label="Selection method">
          <select
            data-testid="method"
            value={method}
            onChange={(e) => {
              const kind = e.target.value as MethodKind;
              changed(setMethod)(kind);
              // A monetary-unit sample is sized in hits; other selections in items.
              if (kind.startsWith("mus_") && (sizeKind === "frequency_table" || sizeKind === "attribute")) setSizeKind("monetary");
              if (!kind.startsWith("mus_") && sizeKind === "monetary") setSizeKind("frequency_table");
            }}
          >
            {METHODS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Seed (leave empty to derive it)" error={check.shown("seed")}>
          <input data-testid="seed" value={seed} onChange={check.change("seed", changed(setSeed))} placeholder="derived from engagement, control and population" />
        </Field>
      </div>
      {seed.trim() && (
        <Field label="Why this seed" error={check.shown("seedReason")}>
          <input data-testid="seed-reason" value={seedReason} onChange={check.change("seedReason", changed(setSeedReason))} />
        </Field>
      )}
      {sizeKind === "attribute" && (
        <div className="row">
          <Field label="Confidence %" error={check.shown("confidence")}>
            <input data-testid="size-confidence" value={confidence} onChange={check.change("confidence", changed(setConfidence))} />
          </Field>
          <Field label="Tolerable deviation rate %" error={check.shown("tolerable")}>
            <input data-testid="size-tolerable" value={tolerable} onChange={check.change("tolerable", changed(setTolerable))} />
          </Field>
          <Field label="Expected deviation rate %" error={check.shown("expected")}>
            <input data-testid="size-expected" value={expected} onChange={check.change("expected", changed(setExpected))} />
          </Field>
        </div>
      )}
      {monetary && (
        <div className="row">
          <Field label="Tolerable misstatement" error={check.shown("tolerableAmount")}>
            <input data-testid="size-tolerable-amount" value={tolerableAmount} onChange={check.change("tolerableAmount", changed(setTolerableAmount))} />
          </Field>
          <Field label="Expected misstatement" error={check.shown("expectedAmount")}>
            <input data-testid="size-expected-amount" value={expectedAmount} onChange={check.change("expectedAmount", changed(setExpectedAmount))} />
          </Field>
          <Field label="Confidence %" error={check.shown("confidence")}>
            <input data-testid="size-confidence" value={confidence} onChange={check.change("confidence", changed(setConfidence))} />
          </Field>
        </div>
      )}
      {sizeKind === "fixed" && (
        <div className="row">
          <Field label="Items" error={check.shown("n")}>
            <input data-testid="size-n" value={n} onChange={check.change("n", changed(setN))} />
          </Field>
          <Field label="Why this many" error={check.shown("reason")}>
            <input data-testid="size-reason" value={reason} onChange={check.change("reason", changed(setReason))} />
          </Field>
        </div>
      )}
      {plan ? (
        <div className="plan" data-testid="sample-plan">
          <p>
            <b data-testid="plan-size">
              {plan.hits ? `${formatCount(plan.size)} hits from ${formatCount(plan.population_size)} items` : `${formatCount(plan.size)} of ${formatCount(plan.population_size)} items`}
            </b>{" "}
            by {plan.method}. {plan.reasoning}
          </p>
          <p className="mono">
            seed {plan.seed} ({plan.seed_derived ? "derived from the engagement, control and population" : "chosen explicitly"})
          </p>
          <div className="row">
            <button className="primary" data-testid="draw-sample" onClick={draw} disabled={action.busy}>
              Draw {plan.hits ? `these ${formatCount(plan.size)} hits` : `these ${formatCount(plan.size)} items`}
            </button>
            <button onClick={() => setPlan(null)}>Change</button>
          </div>
        </div>
      ) : (
        <button className="primary" data-testid="plan-sample" onClick={preview} disabled={action.busy}>
          Size the sample…
        </button>
      )}
      <ErrorNote error={action.error} details={action.details} testid="sample-error" />
    </details>
  );
}

function SampleSummary({ sample: s }: { sample: SampleView }) {
  const spread = shareByMonth(s.spread);
  return (
    <div className="entry" data-testid={s.voided ? "sample-voided" : "sample"}>
      <strong data-testid="sample-size">
        {s.items.length} of {formatCount(s.population_size)} items
      </strong>{" "}
      by {s.method}, drawn {s.drawn_at.slice(0, 10)}
      <p className="wrap">{s.reasoning}</p>
      {s.monetary && (
        <p data-testid="sample-monetary">
          {formatCount(s.monetary.hits)} hits selected {formatCount(s.monetary.items)} items ({formatCount(s.monetary.top_stratum)} in the top stratum) from a book value of{" "}
          {formatMoney(s.monetary.book_cents)}; interval {formatMoney(s.monetary.interval_cents)}
          {s.monetary.random_start !== null && `, random start ${s.monetary.random_start}`}
          {s.monetary.extended > 0 && `; ${s.monetary.extended} items added by extension, examined but not projected`}.
        </p>
      )}
      <div className="mono">
        seed <span data-testid="sample-seed">{s.seed}</span> ({s.seed_derived ? "derived from the engagement, control and population" : `chosen explicitly: ${s.seed_reason ?? ""}`})
        <br />
        population fingerprint {s.fingerprint}
      </div>
      {s.evaluation ? (
        <p data-testid="sample-evaluation">{s.evaluation}</p>
      ) : (
        s.results_recorded < s.results_expected && (
          <p className="muted" data-testid="sample-evaluation">
            {formatCount(s.results_recorded)} of {formatCount(s.results_expected)} results recorded; nothing is concluded from the sample until every result is in.
          </p>
        )
      )}
      {spread.length > 0 && (
        <BarChart testid="sample-spread" legend={["population, % by month", "sample, % by month"]} bars={spread} />
      )}
    </div>
  );
}
