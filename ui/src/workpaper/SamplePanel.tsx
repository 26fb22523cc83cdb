import { useState } from "react";
import type { SampleMethod, SampleView, SizeRequest } from "../bindings";
import { api } from "../api";
import { BarChart, ErrorNote, Field, useAction, useFieldErrors } from "../components";
import { formatCount, shareByMonth } from "../format";
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
  const population = wp.populations[wp.populations.length - 1];
  const [sizeKind, setSizeKind] = useState<SizeKind>("frequency_table");
  const [method, setMethod] = useState<MethodKind>("simple_random");
  const [confidence, setConfidence] = useState("95");
  const [tolerable, setTolerable] = useState("5");
  const [expected, setExpected] = useState("0");
  const [n, setN] = useState("25");
  const [reason, setReason] = useState("");
  const [seed, setSeed] = useState("");
  useUnsaved("the reason or seed for a sample", !!(reason.trim() || seed.trim()));
  const action = useAction();
  const attribute = sizeKind === "attribute";
  const fixed = sizeKind === "fixed";
  const check = useFieldErrors(
    errorsOf({
      seed: seedError(seed),
      confidence: attribute ? percentError(confidence, "the confidence level") : undefined,
      tolerable: attribute ? percentError(tolerable, "the tolerable deviation rate") : undefined,
      expected: attribute ? percentError(expected, "the expected deviation rate", { zero: true, below: Number(tolerable) }) : undefined,
      n: fixed ? countError(n, population?.row_count ?? 0) : undefined,
      reason: fixed ? requiredError(reason, "Say why this many items are enough, for the reviewer.") : undefined,
    }),
  );

  if (!population) {
    return (
      <section className="card">
        <h3>Sample</h3>
        <p className="muted">Import the population first; the sample is drawn from it.</p>
      </section>
    );
  }

  function size(): SizeRequest {
    if (sizeKind === "attribute")
      return {
        kind: "attribute",
        plan: { confidence: Number(confidence) / 100, tolerable_rate: Number(tolerable) / 100, expected_rate: Number(expected) / 100, population: null, model: "binomial" },
      };
    if (sizeKind === "fixed") return { kind: "fixed", n: Number(n), reason };
    return { kind: "frequency_table" };
  }

  async function draw() {
    if (!check.submit()) return;
    const id = await action.run(() =>
      api.drawSample({ control_id: wp.control.id, population_id: population.id, method: toMethod(method), size: size(), seed: seed.trim() || null }),
    );
    if (id !== undefined) {
      setReason("");
      setSeed("");
      check.reset();
      await reload();
    }
  }

  return (
    <section className="card">
      <h3>Sample</h3>
      {wp.samples.map((s) => (
        <SampleSummary key={s.id} sample={s} />
      ))}
      {!wp.locked && (
        <details open={wp.samples.length === 0}>
          <summary>Size and draw a sample from {population.source_name}</summary>
          <div className="row">
            <Field label="Sample size">
              <select data-testid="size-kind" value={sizeKind} onChange={(e) => setSizeKind(e.target.value as SizeKind)}>
                <option value="frequency_table">Firm's frequency table</option>
                <option value="attribute">Statistical (attribute sampling)</option>
                <option value="fixed">Set by the auditor</option>
              </select>
            </Field>
            <Field label="Selection method">
              <select data-testid="method" value={method} onChange={(e) => setMethod(e.target.value as MethodKind)}>
                {METHODS.map(([value, label]) => (
                  <option key={value} value={value}>
                    {label}
                  </option>
                ))}
              </select>
            </Field>
            <Field label="Seed (leave empty to derive it)" error={check.shown("seed")}>
              <input data-testid="seed" value={seed} onChange={check.change("seed", setSeed)} placeholder="derived from engagement, control and population" />
            </Field>
          </div>
          {sizeKind === "attribute" && (
            <div className="row">
              <Field label="Confidence %" error={check.shown("confidence")}>
                <input data-testid="size-confidence" value={confidence} onChange={check.change("confidence", setConfidence)} />
              </Field>
              <Field label="Tolerable deviation rate %" error={check.shown("tolerable")}>
                <input data-testid="size-tolerable" value={tolerable} onChange={check.change("tolerable", setTolerable)} />
              </Field>
              <Field label="Expected deviation rate %" error={check.shown("expected")}>
                <input data-testid="size-expected" value={expected} onChange={check.change("expected", setExpected)} />
              </Field>
            </div>
          )}
          {sizeKind === "fixed" && (
            <div className="row">
              <Field label="Items" error={check.shown("n")}>
                <input data-testid="size-n" value={n} onChange={check.change("n", setN)} />
              </Field>
              <Field label="Why this many" error={check.shown("reason")}>
                <input data-testid="size-reason" value={reason} onChange={check.change("reason", setReason)} />
              </Field>
            </div>
          )}
          <button className="primary" data-testid="draw-sample" onClick={draw} disabled={action.busy}>
            Draw sample
          </button>
          <ErrorNote error={action.error} testid="sample-error" />
        </details>
      )}
    </section>
  );
}

function SampleSummary({ sample: s }: { sample: SampleView }) {
  const spread = shareByMonth(s.spread);
  return (
    <div className="entry" data-testid="sample">
      <strong data-testid="sample-size">
        {s.items.length} of {formatCount(s.population_size)} items
      </strong>{" "}
      by {s.method}, drawn {s.drawn_at.slice(0, 10)}
      <p className="wrap">{s.reasoning}</p>
      <div className="mono">
        seed <span data-testid="sample-seed">{s.seed}</span> ({s.seed_derived ? "derived from the engagement, control and population" : "chosen explicitly"})
        <br />
        population fingerprint {s.fingerprint}
      </div>
      {s.evaluation && <p data-testid="sample-evaluation">{s.evaluation}</p>}
      {spread.length > 0 && (
        <BarChart testid="sample-spread" legend={["population, % by month", "sample, % by month"]} bars={spread} />
      )}
    </div>
  );
}
