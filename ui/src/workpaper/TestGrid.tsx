import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import type { Outcome, SampleView, TestResult } from "../bindings";
import { api } from "../api";
import { ErrorNote, useAction } from "../components";
import { moveCell, OUTCOME_KEYS, outcomeForKey } from "../format";
import type { PanelProps } from "../screens/Workpaper";
import { useUnsaved } from "../unsaved";

/**
 * Sample items down, attributes across. Arrows move; P, D and N set pass, deviation and not
 * applicable; a deviation asks for its note before it is recorded, and Enter writes or edits
 * the note of any recorded cell (what was inspected for a pass, why not applicable).
 */
export function TestGrid({ wp, sample, reload }: PanelProps & { sample: SampleView }) {
  const attributes = wp.control.attributes;
  const [cell, setCell] = useState({ row: 0, col: 0 });
  const [noting, setNoting] = useState<{ outcome: Outcome; text: string; next: boolean } | null>(null);
  useUnsaved("a note on a test result", !!noting?.text.trim());
  const grid = useRef<HTMLTableElement>(null);
  const action = useAction();
  const results = new Map<string, TestResult>();
  for (const r of wp.results) if (r.sample_id === sample.id) results.set(`${r.position}:${r.attribute_id}`, r);
  const recorded = results.size;
  const markFor = (outcome: Outcome) => wp.legend.find((t) => t.outcome === outcome)?.mark ?? "";
  const expected = sample.items.length * attributes.length;

  useEffect(() => {
    if (noting === null) grid.current?.focus();
  }, [noting]);

  const current = () => results.get(`${sample.items[cell.row]?.position}:${attributes[cell.col]?.id}`);

  async function record(outcome: Outcome, note: string | null, next: boolean) {
    const attribute = attributes[cell.col];
    const done = await action.run(() =>
      api.recordResult({ sample_id: sample.id, position: cell.row, attribute_id: attribute.id, outcome, tickmark: null, note }),
    );
    if (done !== undefined) {
      await reload();
      if (next) setCell((c) => moveCell(c, "ArrowDown", sample.items.length, attributes.length));
    }
  }

  function onKey(e: KeyboardEvent) {
    if (noting !== null) return;
    if (e.key.startsWith("Arrow")) {
      e.preventDefault();
      setCell((c) => moveCell(c, e.key, sample.items.length, attributes.length));
      return;
    }
    if (wp.locked) return;
    const existing = current();
    if (e.key === "Enter" && existing) {
      e.preventDefault();
      setNoting({ outcome: existing.outcome, text: existing.note ?? "", next: false });
      return;
    }
    const outcome = outcomeForKey(e.key);
    if (!outcome) return;
    e.preventDefault();
    if (outcome === "deviation") setNoting({ outcome, text: existing?.note ?? "", next: true });
    else void record(outcome, existing?.note ?? null, true);
  }

  return (
    <section className="card">
      <h3>
        Test grid{" "}
        <span className="muted" data-testid="grid-progress">
          {recorded} of {expected} results recorded
        </span>
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
          <kbd>Enter</kbd> note on the cell
        </span>
      </div>
      <div className="scroll grid-scroll">
        <table className="grid test-grid" tabIndex={0} ref={grid} onKeyDown={onKey} data-testid="test-grid" aria-label="Test grid">
          <thead>
            <tr>
              <th>#</th>
              <th>Item</th>
              <th>Date</th>
              {attributes.map((a) => (
                <th key={a.id} title={a.question}>
                  {a.label}: {a.question}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {sample.items.map((item) => (
              <tr key={item.position}>
                <td className="num">{item.position + 1}</td>
                <td className="ref">{item.key}</td>
                <td>{item.date ?? ""}</td>
                {attributes.map((a, col) => {
                  const r = results.get(`${item.position}:${a.id}`);
                  const focused = cell.row === item.position && cell.col === col;
                  return (
                    <td
                      key={a.id}
                      data-testid={`cell-${item.position}-${col}`}
                      className={`mark ${r?.outcome ?? ""} ${r?.note ? "noted" : ""} ${focused ? "focused" : ""}`}
                      title={r?.note ?? ""}
                      onClick={() => setCell({ row: item.position, col })}
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
          <input
            autoFocus
            data-testid={noting.outcome === "deviation" ? "deviation-note" : "cell-note"}
            placeholder={
              noting.outcome === "deviation"
                ? `What was found on item ${cell.row + 1}, attribute ${attributes[cell.col]?.label}? (Enter to record, Esc to cancel)`
                : `Note on item ${cell.row + 1}, attribute ${attributes[cell.col]?.label} (Enter to save, Esc to cancel)`
            }
            value={noting.text}
            onChange={(e) => setNoting({ ...noting, text: e.target.value })}
            onKeyDown={(e) => {
              if (e.key === "Enter") {
                setNoting(null);
                void record(noting.outcome, noting.text.trim() || null, noting.next);
              } else if (e.key === "Escape") setNoting(null);
            }}
          />
        </div>
      )}
      <ErrorNote error={action.error} testid="grid-error" />
    </section>
  );
}
