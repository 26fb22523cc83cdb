import { useEffect, useLayoutEffect, useMemo, useReducer, useRef, useState, type KeyboardEvent } from "react";
import type { AuditedAmount, Outcome, SampleView, TestResult } from "../bindings";
import { api, errorMessage } from "../api";
import { ErrorNote, Field, useAction } from "../components";
import { formatCount, formatMoney, moveCell, OUTCOME_KEYS, outcomeForKey, parseCents } from "../format";
import { nextCell, ResultQueue } from "../resultQueue";
import type { PanelProps } from "../screens/Workpaper";
import { useUnsaved } from "../unsaved";

/** "EV-2, EV-5" as evidence ids, or the first reference that is not evidence of this engagement. */
export function parseEvidence(text: string, numbers: Map<string, number>): { ids: number[] } | { unknown: string } {
  const ids = [];
  for (const ref of text.split(/[,;\s]+/).filter(Boolean)) {
    const id = numbers.get(ref.toUpperCase());
    if (id === undefined) return { unknown: ref };
    ids.push(id);
  }
  return { ids };
}

interface Noting {
  outcome: Outcome;
  text: string;
  evidence: string;
  /** Move on to the next cell once recorded (a result typed as it is tested). */
  next: boolean;
  row: number;
  col: number;
}

/**
 * The live sample's items down, attributes across, with the population columns the auditor
 * chose beside them. Arrows move; P records a pass; D and N ask for the note a deviation or a
 * "not applicable" needs; Enter writes or edits the note (and the evidence cited) of a recorded
 * cell. Results are queued as typed and stored in order, so no keystroke is lost however fast;
 * the focused cell is always scrolled into view.
 */
export function TestGrid({ wp, sample, reload }: PanelProps & { sample: SampleView }) {
  const attributes = wp.control.attributes;
  const rows = sample.items.length;
  const [, redraw] = useReducer((n: number) => n + 1, 0);
  // The cursor lives in a ref as well as in state: keys pressed faster than React draws must
  // each see where the previous one left it.
  const cursor = useRef({ row: 0, col: 0 });
  const [cell, setCellState] = useState(cursor.current);
  const setCell = (c: { row: number; col: number }) => {
    cursor.current = c;
    setCellState(c);
  };
  const [noting, setNoting] = useState<Noting | null>(null);
  useUnsaved("a note on a test result", !!noting?.text.trim());
  const grid = useRef<HTMLTableElement>(null);
  const focused = useRef<HTMLTableCellElement>(null);
  const evidenceNumbers = useMemo(() => new Map(wp.evidence.map((e) => [`EV-${e.number}`, e.id])), [wp.evidence]);
  const reloadRef = useRef(reload);
  reloadRef.current = reload;
  const queue = useMemo(
    () =>
      new ResultQueue(
        (r) => api.recordResult(r),
        errorMessage,
        redraw,
        (storedUpTo) => void reloadRef.current().then(() => queue.settle(storedUpTo)),
      ),
    [],
  );
  useUnsaved("test results not yet stored", queue.pending() > 0);

  const stored = new Map<string, TestResult>();
  for (const r of wp.results) if (r.sample_id === sample.id) stored.set(`${r.position}:${r.attribute_id}`, r);
  const shown = (position: number, attributeId: number): TestResult | undefined =>
    queue.get(position, attributeId)?.result ?? stored.get(`${position}:${attributeId}`);
  const recorded = sample.items.reduce((n, item) => n + attributes.filter((a) => shown(item.position, a.id)).length, 0);
  const conflicted = new Map(wp.conflict_cells.filter((c) => c.sample_id === sample.id).map((c) => [`${c.position}:${c.attribute_id}`, c.number]));
  const markFor = (outcome: Outcome) => wp.legend.find((t) => t.outcome === outcome)?.mark ?? "";
  const columns = wp.grid_columns.map((name) => ({ name, index: sample.columns.indexOf(name) })).filter((c) => c.index >= 0);

  useEffect(() => {
    if (noting === null) grid.current?.focus({ preventScroll: true });
  }, [noting]);
  // Before the frame is drawn: the focused cell, and the header row above it, stay in view.
  useLayoutEffect(() => {
    focused.current?.scrollIntoView({ block: "nearest", inline: "nearest" });
  }, [cell]);

  function store(row: number, col: number, outcome: Outcome, note: string | null, evidence: number[]) {
    const attribute = attributes[col];
    queue.push({ sample_id: sample.id, position: sample.items[row].position, attribute_id: attribute.id, outcome, tickmark: null, note, evidence });
  }

  function onKey(e: KeyboardEvent) {
    if (noting !== null) return;
    const here = cursor.current;
    if (e.key.startsWith("Arrow")) {
      e.preventDefault();
      setCell(moveCell(here, e.key, rows, attributes.length));
      return;
    }
    if (wp.locked) return;
    const existing = shown(sample.items[here.row].position, attributes[here.col].id);
    const cited = (r: TestResult | undefined) => (r?.evidence ?? []).map((id) => wp.evidence.find((x) => x.id === id)).filter(Boolean).map((x) => `EV-${x!.number}`).join(", ");
    if (e.key === "Enter" && existing) {
      e.preventDefault();
      setNoting({ outcome: existing.outcome, text: existing.note ?? "", evidence: cited(existing), next: false, ...here });
      return;
    }
    const outcome = outcomeForKey(e.key);
    if (!outcome) return;
    e.preventDefault();
    if (outcome === "pass") {
      store(here.row, here.col, outcome, existing?.note ?? null, existing?.evidence ?? []);
      setCell(nextCell(here, rows, attributes.length));
    } else {
      setNoting({ outcome, text: existing?.note ?? "", evidence: cited(existing), next: true, ...here });
    }
  }

  const [evidenceError, setEvidenceError] = useState<string | null>(null);
  function saveNote(n: Noting) {
    const parsed = parseEvidence(n.evidence, evidenceNumbers);
    if ("unknown" in parsed) {
      setEvidenceError(`${parsed.unknown} is not an evidence number of this engagement (EV-1, EV-2, …).`);
      return;
    }
    setEvidenceError(null);
    setNoting(null);
    store(n.row, n.col, n.outcome, n.text.trim() || null, parsed.ids);
    if (n.next) setCell(nextCell({ row: n.row, col: n.col }, rows, attributes.length));
  }

  const failed = queue.failed();
  return (
    <section className="card">
      <h3>
        Test grid{" "}
        <span className="muted" data-testid="grid-progress">
          {recorded} of {rows * attributes.length} results recorded
        </span>{" "}
        {queue.pending() > 0 && (
          <span className="pending" data-testid="grid-pending">
            {queue.pending()} being stored…
          </span>
        )}
      </h3>
      <div className="legend-box">
        {wp.legend.map((t) => (
          <span key={t.outcome}>
            <kbd>{OUTCOME_KEYS[t.outcome].toUpperCase()}</kbd> <b>{t.mark}</b> {t.meaning}
          </span>
        ))}
        <span>
          <kbd>←↑↓→</kbd> move
        </span>
        <span>
          <kbd>Enter</kbd> note and evidence on the cell
        </span>
      </div>
      <GridColumns wp={wp} sample={sample} reload={reload} />
      <div className="scroll grid-scroll" data-testid="grid-scroll">
        <table className="grid test-grid" tabIndex={0} ref={grid} onKeyDown={onKey} data-testid="test-grid" aria-label="Test grid">
          <thead>
            <tr>
              <th>#</th>
              <th title="The item's row in the client's listing">Row</th>
              <th>Item</th>
              <th>Date</th>
              {sample.monetary && (
                <>
                  <th>Book</th>
                  <th title="What the item was found to amount to; Enter records it">Audited</th>
                </>
              )}
              {columns.map((c) => (
                <th key={c.name}>{c.name}</th>
              ))}
              {attributes.map((a) => (
                <th key={a.id} title={a.question}>
                  {a.label}: {a.question}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {sample.items.map((item, row) => (
              <tr key={item.position}>
                <td className="num">{item.position + 1}</td>
                <td className="num">{item.row}</td>
                <td className="ref">{item.key}</td>
                <td>{item.date ?? ""}</td>
                {sample.monetary && (
                  <>
                    <td className="num">{item.amount_cents === null ? "" : formatMoney(item.amount_cents)}</td>
                    <AuditedCell
                      sampleId={sample.id}
                      position={item.position}
                      book={item.amount_cents ?? 0}
                      audited={sample.monetary.audited.find((a) => a.position === item.position) ?? null}
                      locked={!!wp.locked}
                      reload={reload}
                    />
                  </>
                )}
                {columns.map((c) => (
                  <td key={c.name} className="field" title={item.fields[c.index]}>
                    {item.fields[c.index]}
                  </td>
                ))}
                {attributes.map((a, col) => {
                  const r = shown(item.position, a.id);
                  const entry = queue.get(item.position, a.id);
                  const isFocused = cell.row === row && cell.col === col;
                  const conflict = conflicted.get(`${item.position}:${a.id}`);
                  const classes = [conflict !== undefined ? "conflict" : "","mark", r?.outcome ?? "", r?.note ? "noted" : "", isFocused ? "focused" : "", entry?.status === "failed" ? "failed" : "", entry && entry.status !== "saved" && entry.status !== "failed" ? "pending" : ""];
                  return (
                    <td
                      key={a.id}
                      ref={isFocused ? focused : undefined}
                      data-testid={`cell-${item.position}-${col}`}
                      className={classes.filter(Boolean).join(" ")}
                      title={[
                        conflict !== undefined ? `Sync conflict ${conflict}: another copy recorded something else here; choose, then settle it in Team sync` : "",
                        entry?.error,
                        r?.note,
                        r?.evidence.length ? `cites ${r.evidence.length} evidence file(s)` : "",
                      ]
                        .filter(Boolean)
                        .join(" — ")}
                      onClick={() => setCell({ row, col })}
                    >
                      {r ? r.tickmark || markFor(r.outcome) : ""}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {noting !== null && (
        <div className="row">
          <Field label={noting.outcome === "deviation" ? "What was found" : noting.outcome === "not_applicable" ? "Why it does not apply" : "Note"}>
            <input
              autoFocus
              data-testid={noting.outcome === "pass" ? "cell-note" : noting.outcome === "deviation" ? "deviation-note" : "na-note"}
              placeholder={`Item ${noting.row + 1}, attribute ${attributes[noting.col]?.label} (Enter to save, Esc to cancel)`}
              value={noting.text}
              onChange={(e) => setNoting({ ...noting, text: e.target.value })}
              onKeyDown={(e) => {
                if (e.key === "Enter" && (noting.outcome === "pass" || noting.text.trim())) saveNote(noting);
                else if (e.key === "Escape") setNoting(null);
              }}
            />
          </Field>
          <Field label="Evidence (EV-n)" error={evidenceError ?? undefined}>
            <input
              data-testid="cell-evidence"
              value={noting.evidence}
              placeholder="EV-3, EV-7"
              onChange={(e) => setNoting({ ...noting, evidence: e.target.value })}
              onKeyDown={(e) => {
                if (e.key === "Enter" && (noting.outcome === "pass" || noting.text.trim())) saveNote(noting);
                else if (e.key === "Escape") setNoting(null);
              }}
            />
          </Field>
        </div>
      )}
      {failed.length > 0 && (
        <div className="error" role="alert" data-testid="grid-failed">
          {failed.length} result(s) could not be stored:
          <ul className="refusal">
            {failed.map((f) => (
              <li key={`${f.result.position}:${f.result.attribute_id}`}>
                item {f.result.position + 1}, attribute {attributes.find((a) => a.id === f.result.attribute_id)?.label}: {f.error}
              </li>
            ))}
          </ul>
          <button onClick={() => queue.retry()}>Try again</button>
        </div>
      )}
      <ImportResults wp={wp} reload={reload} />
    </section>
  );
}

/** Which of the population's columns show beside the attributes. */
function GridColumns({ wp, sample, reload }: PanelProps & { sample: SampleView }) {
  const action = useAction();
  async function toggle(name: string) {
    const chosen = wp.grid_columns.includes(name) ? wp.grid_columns.filter((c) => c !== name) : [...wp.grid_columns, name];
    if ((await action.run(() => api.setGridColumns(wp.control.id, chosen))) !== undefined) await reload();
  }
  return (
    <details data-testid="grid-columns">
      <summary>Columns of the listing shown beside the attributes ({wp.grid_columns.length} chosen)</summary>
      <div className="legend-box">
        {sample.columns.map((name) => (
          <label key={name} className="inline">
            <input type="checkbox" data-testid={`grid-column-${name}`} checked={wp.grid_columns.includes(name)} onChange={() => toggle(name)} disabled={action.busy} />
            {name}
          </label>
        ))}
      </div>
      <ErrorNote error={action.error} />
    </details>
  );
}

/** Results tested in Excel (the control's exported sheet, filled in) or listed in a CSV. */
function ImportResults({ wp, reload }: PanelProps) {
  const [path, setPath] = useState("");
  const [done, setDone] = useState<string | null>(null);
  useUnsaved("a results file to bring in", !!path.trim());
  const action = useAction();
  async function browse() {
    const chosen = await api.chooseListing();
    if (chosen) setPath(chosen);
  }
  async function bring() {
    setDone(null);
    const imported = await action.run(() => api.importResults(wp.control.id, path));
    if (imported) {
      setPath("");
      setDone(`${formatCount(imported.new)} new, ${formatCount(imported.changed)} changed, ${formatCount(imported.unchanged)} unchanged.`);
      await reload();
    }
  }
  if (wp.locked) return null;
  return (
    <details>
      <summary>Bring in results from a spreadsheet</summary>
      <p className="muted">The control's sheet of the samples export, filled in; or a list with the columns key, attribute, outcome and note.</p>
      <div className="row">
        <Field label="Spreadsheet (XLSX or CSV)">
          <input data-testid="results-path" value={path} onChange={(e) => setPath(e.target.value)} />
        </Field>
        <button onClick={browse}>Browse…</button>
        <button data-testid="results-import" onClick={bring} disabled={!path.trim() || action.busy}>
          Bring in
        </button>
      </div>
      {done && (
        <p className="ok" data-testid="results-imported">
          {done}
        </p>
      )}
      <ErrorNote error={action.error} details={action.details} testid="results-error" />
    </details>
  );
}

/**
 * One item's audited amount in a monetary-unit sample: typed and recorded with Enter; an amount
 * that differs from the book amount asks for the note that says what the misstatement is.
 */
function AuditedCell({ sampleId, position, book, audited, locked, reload }: {
  sampleId: number;
  position: number;
  book: number;
  audited: AuditedAmount | null;
  locked: boolean;
  reload: () => Promise<void>;
}) {
  const [text, setText] = useState(audited ? (audited.audit_cents / 100).toFixed(2) : "");
  const [note, setNote] = useState(audited?.note ?? "");
  const typed = parseCents(text);
  const differs = typed !== undefined && typed !== book;
  const dirty = text !== (audited ? (audited.audit_cents / 100).toFixed(2) : "") || note !== (audited?.note ?? "");
  useUnsaved("an audited amount", dirty);
  const action = useAction();
  async function save() {
    if (typed === undefined || (differs && !note.trim())) return;
    if ((await action.run(() => api.recordAuditedAmount(sampleId, position, typed, differs ? note : null))) !== undefined) await reload();
  }
  const keys = (e: KeyboardEvent) => {
    e.stopPropagation();
    if (e.key === "Enter") void save();
  };
  return (
    <td className={differs ? "deviation" : ""} title={action.error ?? audited?.note ?? ""}>
      <input
        data-testid={`audited-${position}`}
        className="amount"
        value={text}
        disabled={locked}
        placeholder={formatMoney(book)}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={keys}
      />
      {differs && (
        <input data-testid={`audited-note-${position}`} className="amount-note" value={note} placeholder="the misstatement" disabled={locked} onChange={(e) => setNote(e.target.value)} onKeyDown={keys} />
      )}
      {action.error && <span className="field-error">{action.error}</span>}
    </td>
  );
}
