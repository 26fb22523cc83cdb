// Results typed into the test grid, stored one at a time in the order they were typed. Typing
// never waits for the file: each keystroke's result is queued at once and shown as pending; a
// result the file refuses stays on its cell, marked, with the reason, and the ones after it are
// still stored. Nothing here knows of React, so the rules are tested on their own.
import type { TestResult } from "./bindings";

export type Status = "queued" | "saving" | "saved" | "failed";

export interface Entry {
  result: TestResult;
  status: Status;
  error?: string;
  /** Order of typing: later entries for the same cell replace earlier ones. */
  seq: number;
}

export function cellKey(position: number, attributeId: number): string {
  return `${position}:${attributeId}`;
}

export class ResultQueue {
  private entries = new Map<string, Entry>();
  private waiting: string[] = [];
  private running = false;
  private seq = 0;
  private storedUpTo = 0;

  constructor(
    private store: (r: TestResult) => Promise<unknown>,
    private describeError: (e: unknown) => string,
    private onChange: () => void,
    /** Called each time the queue empties, with the last result stored so far. */
    private onDrained: (storedUpTo: number) => void,
  ) {}

  /** The latest typed state of a cell, if it has not been read back from the file yet. */
  get(position: number, attributeId: number): Entry | undefined {
    return this.entries.get(cellKey(position, attributeId));
  }

  /** How many results are typed but not yet stored. */
  pending(): number {
    return [...this.entries.values()].filter((e) => e.status === "queued" || e.status === "saving").length;
  }

  failed(): Entry[] {
    return [...this.entries.values()].filter((e) => e.status === "failed");
  }

  push(result: TestResult): void {
    const key = cellKey(result.position, result.attribute_id);
    this.entries.set(key, { result, status: "queued", seq: ++this.seq });
    this.waiting = this.waiting.filter((k) => k !== key);
    this.waiting.push(key);
    this.onChange();
    void this.run();
  }

  /** Queues every failed result again. */
  retry(): void {
    for (const e of this.failed()) this.push(e.result);
  }

  /** Forgets stored entries typed up to `seq`: the file now shows them. */
  settle(seq: number): void {
    for (const [key, e] of this.entries) if (e.status === "saved" && e.seq <= seq) this.entries.delete(key);
    this.onChange();
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    while (this.waiting.length > 0) {
      const key = this.waiting.shift()!;
      const entry = this.entries.get(key);
      if (!entry || entry.status !== "queued") continue;
      entry.status = "saving";
      this.onChange();
      try {
        await this.store(entry.result);
        // Typed again while it was being stored: the newer entry is already queued.
        if (this.entries.get(key) === entry) entry.status = "saved";
        this.storedUpTo = Math.max(this.storedUpTo, entry.seq);
      } catch (e) {
        if (this.entries.get(key) === entry) {
          entry.status = "failed";
          entry.error = this.describeError(e);
        }
      }
      this.onChange();
    }
    this.running = false;
    this.onDrained(this.storedUpTo);
  }
}

/** The cell after a recorded one: down the column, then the top of the next column. */
export function nextCell(cell: { row: number; col: number }, rows: number, cols: number) {
  if (cell.row + 1 < rows) return { row: cell.row + 1, col: cell.col };
  if (cell.col + 1 < cols) return { row: 0, col: cell.col + 1 };
  return cell;
}
