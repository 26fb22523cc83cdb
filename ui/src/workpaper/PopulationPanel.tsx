import { useEffect, useLayoutEffect, useRef, useState } from "react";
import { flushSync } from "react-dom";
import type { ListingPreview, Population, PopulationItem } from "../bindings";
import { api } from "../api";
import { ErrorNote, Field, useAction } from "../components";
import { formatCount, pagesAround, pagesToForget, visibleWindow } from "../format";
import type { PanelProps } from "../screens/Workpaper";
import { useUnsaved } from "../unsaved";

/** Guesses which column is which from its name; the auditor confirms or changes it. */
export function guessColumn(header: string[], words: string[]): string {
  return header.find((h) => words.some((w) => h.toLowerCase().includes(w))) ?? "";
}

export function PopulationPanel({ wp, reload }: PanelProps) {
  const [path, setPath] = useState("");
  const [preview, setPreview] = useState<ListingPreview | null>(null);
  const [key, setKey] = useState("");
  const [date, setDate] = useState("");
  const [amount, setAmount] = useState("");
  const [stratum, setStratum] = useState("");
  const [description, setDescription] = useState("");
  const [rows, setRows] = useState<number | null>(null);
  useUnsaved("a population import", !!(path.trim() || description.trim()));
  const action = useAction();

  async function browse() {
    const chosen = await api.chooseListing();
    if (chosen) setPath(chosen);
  }

  async function loadPreview() {
    const p = await action.run(() => api.previewPopulation(path));
    if (p) {
      setPreview(p);
      setKey(guessColumn(p.header, ["id", "key", "number", "ticket"]) || p.header[0]);
      setDate(guessColumn(p.header, ["date", "_on", "deployed", "granted"]));
      setAmount(guessColumn(p.header, ["amount", "value", "total"]));
      setStratum("");
    }
  }

  async function runImport() {
    setRows(0);
    const mapping = { key, date: date || null, amount: amount || null, stratum: stratum || null };
    const done = await action.run(() => api.importPopulation(wp.control.id, path, mapping, description, setRows));
    setRows(null);
    if (done) {
      setPreview(null);
      setPath("");
      setDescription("");
      await reload();
    }
  }

  const columnSelect = (label: string, value: string, set: (v: string) => void, testid: string, optional = true) => (
    <Field label={label}>
      <select data-testid={testid} value={value} onChange={(e) => set(e.target.value)}>
        {optional && <option value="">(none)</option>}
        {preview?.header.map((h) => (
          <option key={h} value={h}>
            {h}
          </option>
        ))}
      </select>
    </Field>
  );

  return (
    <section className="card">
      <h3>Population</h3>
      {wp.populations.map((p) => (
        <PopulationSummary key={p.id} population={p} wp={wp} reload={reload} />
      ))}
      {!wp.locked && (
        <details open={!wp.populations.some((p) => !p.removed)}>
          <summary>Import the client's listing (CSV or XLSX)</summary>
          <div className="row">
            <Field label="Listing">
              <input data-testid="population-path" value={path} onChange={(e) => setPath(e.target.value)} placeholder="/path/to/listing.csv" />
            </Field>
            <button type="button" onClick={browse}>
              Browse…
            </button>
            <button type="button" data-testid="population-preview" onClick={loadPreview} disabled={!path}>
              Preview
            </button>
          </div>
          {preview && (
            <>
              <div className="scroll preview">
                <table className="grid" data-testid="population-preview-table">
                  <thead>
                    <tr>
                      {preview.header.map((h) => (
                        <th key={h}>{h}</th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {preview.rows.map((r, i) => (
                      <tr key={i}>
                        {r.map((cell, j) => (
                          <td key={j}>{cell}</td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <div className="row">
                {columnSelect("Item key", key, setKey, "map-key", false)}
                {columnSelect("Date", date, setDate, "map-date")}
                {columnSelect("Amount", amount, setAmount, "map-amount")}
                {columnSelect("Stratum", stratum, setStratum, "map-stratum")}
              </div>
              <Field label="Source: system, query, who ran it and when">
                <input data-testid="population-description" value={description} onChange={(e) => setDescription(e.target.value)} />
              </Field>
              <div className="row">
                <button className="primary" data-testid="population-import" onClick={runImport} disabled={action.busy || !key}>
                  Import
                </button>
                {rows !== null && (
                  <>
                    <span data-testid="import-progress">{formatCount(rows)} rows read</span>
                    <button onClick={() => api.cancelWork()}>Cancel import</button>
                  </>
                )}
              </div>
            </>
          )}
          <ErrorNote error={action.error} testid="population-error" />
        </details>
      )}
    </section>
  );
}

function PopulationSummary({ population: p, wp, reload }: PanelProps & { population: Population }) {
  const f = p.findings;
  const clean = p.finding_lines.length === 0;
  const sampled = !!wp.sample && wp.sample.population_id === p.id;
  return (
    <div className={p.removed ? "entry voided" : "entry"} data-testid={p.removed ? "population-removed" : "population"}>
      <strong>{p.source_name}</strong> · <span data-testid={p.removed ? undefined : "population-rows"}>{formatCount(p.row_count)}</span> items
      {p.date_min && ` dated ${p.date_min} to ${p.date_max}`}
      {p.removed && (
        <b>
          {" "}
          — removed by {p.removed.by} on {p.removed.at.slice(0, 10)}: {p.removed.reason}
        </b>
      )}
      <div className="muted">{p.description}</div>
      <div>
        Items are called <b data-testid="item-type">{p.item_type ?? "items"}</b> in the report
        {!p.removed && !wp.locked && (
          <PopulationAction
            testid="item-type-edit"
            summary="Name the items…"
            label="What the items are, as the report will say (plural): change tickets, invoices"
            button="Save"
            run={(text) => api.setItemType(p.id, text)}
            reload={reload}
          />
        )}
      </div>
      <div className="mono">
        source SHA-256 {p.source_sha256}
        <br />
        fingerprint {p.fingerprint}
      </div>
      <div data-testid="population-findings" className={clean ? "ok" : "warn"}>
        {clean
          ? "Completeness checks: no blank or duplicate keys; every dated item falls within the period."
          : p.finding_lines.join("; ")}
      </div>
      {p.in_period === 0 && !p.removed && (
        <p className="warn">No item is dated within the period: this population cannot be sampled. If the control did not operate, conclude so below.</p>
      )}
      {p.out_of_period_note && <p className="muted">Outside the period, explained: {p.out_of_period_note}</p>}
      {!p.removed && !wp.locked && f.outside_period.length > 0 && !p.out_of_period_note && (p.in_period ?? 1) > 0 && (
        <PopulationAction
          testid="explain-period"
          summary="Explain the items dated outside the period (needed before sampling)"
          label="Why these items are in the listing"
          button="Record the explanation"
          run={(text) => api.explainOutOfPeriod(p.id, text)}
          reload={reload}
        />
      )}
      {!p.removed && !wp.locked && !sampled && (
        <PopulationAction
          testid="remove-population"
          summary="Remove this population…"
          label="Why it is removed (it stays on record, marked removed)"
          button="Remove"
          run={(text) => api.removePopulation(p.id, text)}
          reload={reload}
        />
      )}
      <details>
        <summary>Browse the items</summary>
        <ItemTable population={p} />
      </details>
    </div>
  );
}

/** A change to a population that needs the auditor's words: an explanation, a reason. */
function PopulationAction({ testid, summary, label, button, run, reload }: {
  testid: string;
  summary: string;
  label: string;
  button: string;
  run: (text: string) => Promise<unknown>;
  reload: () => Promise<void>;
}) {
  const [text, setText] = useState("");
  useUnsaved(summary.toLowerCase(), !!text.trim());
  const action = useAction();
  async function go() {
    if ((await action.run(() => run(text))) !== undefined) {
      setText("");
      await reload();
    }
  }
  return (
    <details data-testid={testid}>
      <summary>{summary}</summary>
      <div className="row">
        <Field label={label}>
          <input data-testid={`${testid}-text`} value={text} onChange={(e) => setText(e.target.value)} />
        </Field>
        <button data-testid={`${testid}-save`} onClick={go} disabled={!text.trim() || action.busy}>
          {button}
        </button>
      </div>
      <ErrorNote error={action.error} details={action.details} />
    </details>
  );
}

const ROW_HEIGHT = 24;
const VIEW_HEIGHT = 320;
const PAGE = 200;
/** Pages held at most: 10,000 rows, whatever the population's size. */
const PAGES_HELD = 50;

/** A window onto the population: only the rows in view are fetched and drawn. */
function ItemTable({ population }: { population: Population }) {
  const [scrollTop, setScrollTop] = useState(0);
  const pages = useRef(new Map<number, PopulationItem[]>());
  const [, redraw] = useState(0);
  const { first, last } = visibleWindow(scrollTop, VIEW_HEIGHT, ROW_HEIGHT, population.row_count);
  const spacer = useRef<HTMLDivElement>(null);
  const body = useRef<HTMLDivElement>(null);

  useEffect(() => {
    spacer.current?.style.setProperty("height", `${population.row_count * ROW_HEIGHT}px`);
  }, [population.row_count]);
  // Before the frame is drawn, so the rows and their offset always move together.
  useLayoutEffect(() => {
    body.current?.style.setProperty("transform", `translateY(${first * ROW_HEIGHT}px)`);
  }, [first]);
  useEffect(() => {
    for (const page of pagesAround(first, last, population.row_count, PAGE)) {
      if (!pages.current.has(page)) {
        pages.current.set(page, []);
        void api.populationItems(population.id, page * PAGE, PAGE).then((items) => {
          pages.current.set(page, items);
          redraw((n) => n + 1);
        });
      }
    }
    for (const page of pagesToForget(pages.current.keys(), Math.floor(first / PAGE), PAGES_HELD)) pages.current.delete(page);
  }, [first, last, population.id, population.row_count]);

  const rows: (PopulationItem | undefined)[] = [];
  for (let i = first; i < last; i++) rows.push(pages.current.get(Math.floor(i / PAGE))?.[i % PAGE]);
  return (
    // Drawn inside the scroll event, which comes just before the frame: a render scheduled for
    // later would show the old rows for a frame, or blank space on a fast scroll.
    <div className="virtual" onScroll={(e) => flushSync(() => setScrollTop(e.currentTarget.scrollTop))} data-testid="population-items">
      <table className="grid virtual-head">
        <thead>
          <tr className="virtual-row">
            <th title="The row in the client's listing, as a spreadsheet shows it">Row</th>
            {population.columns.map((c) => (
              <th key={c}>{c}</th>
            ))}
          </tr>
        </thead>
      </table>
      <div ref={spacer} className="virtual-spacer" />
      <div ref={body} className="virtual-body">
        <table className="grid">
          <tbody>
            {rows.map((item, i) => (
              <tr key={first + i} className="virtual-row">
                <td className="num">{item ? item.row : first + i + 2}</td>
                {item ? item.fields.map((cell, j) => <td key={j}>{cell}</td>) : <td className="muted">…</td>}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
