import { describe, expect, it } from "vitest";
import type { TestResult } from "./bindings";
import { nextCell, ResultQueue } from "./resultQueue";

function result(position: number, outcome: TestResult["outcome"] = "pass", attribute_id = 1): TestResult {
  return { sample_id: 1, position, attribute_id, outcome, tickmark: null, note: outcome === "pass" ? null : "why", evidence: [] };
}

/** A store slower than typing: each call resolves only when the test says so. */
function slowStore() {
  const stored: TestResult[] = [];
  const waiting: (() => void)[] = [];
  const store = (r: TestResult) =>
    new Promise<void>((resolve, reject) => {
      waiting.push(() => {
        if (r.position === 3 && r.outcome === "deviation") reject(new Error("the workpaper is locked"));
        else {
          stored.push(r);
          resolve();
        }
      });
    });
  const finishAll = async () => {
    while (waiting.length > 0) {
      waiting.shift()!();
      await new Promise((r) => setTimeout(r, 0));
    }
  };
  return { stored, store, finishAll };
}

describe("results typed faster than they are stored", () => {
  it("stores every one, in the order typed", async () => {
    const { stored, store, finishAll } = slowStore();
    const drained: number[] = [];
    const queue = new ResultQueue(store, String, () => {}, (n) => drained.push(n));
    for (let position = 0; position < 100; position++) queue.push(result(position));
    expect(queue.pending()).toBe(100);
    expect(queue.get(57, 1)?.status).toBe("queued");
    expect(queue.get(0, 1)?.status).toBe("saving");
    await finishAll();
    expect(stored.map((r) => r.position)).toEqual([...Array(100).keys()]);
    expect(queue.pending()).toBe(0);
    expect(drained).toEqual([100]);
  });

  it("keeps the latest of two entries for the same cell", async () => {
    const { stored, store, finishAll } = slowStore();
    const queue = new ResultQueue(store, String, () => {}, () => {});
    queue.push(result(0));
    queue.push(result(1));
    queue.push(result(1, "not_applicable"));
    await finishAll();
    expect(stored.map((r) => [r.position, r.outcome])).toEqual([
      [0, "pass"],
      [1, "not_applicable"],
    ]);
  });

  it("marks a refused result on its cell and still stores the ones after it", async () => {
    const { stored, store, finishAll } = slowStore();
    const queue = new ResultQueue(store, (e) => (e as Error).message, () => {}, () => {});
    for (let position = 0; position < 6; position++) queue.push(result(position, position === 3 ? "deviation" : "pass"));
    await finishAll();
    expect(stored.map((r) => r.position)).toEqual([0, 1, 2, 4, 5]);
    expect(queue.failed().map((e) => [e.result.position, e.error])).toEqual([[3, "the workpaper is locked"]]);
    expect(queue.get(3, 1)?.status).toBe("failed");
  });

  it("forgets stored entries once the file shows them, and not later ones", async () => {
    const { store, finishAll } = slowStore();
    let drainedAt = 0;
    const queue = new ResultQueue(store, String, () => {}, (n) => (drainedAt = n));
    queue.push(result(0));
    queue.push(result(1));
    await finishAll();
    queue.push(result(2));
    queue.settle(drainedAt);
    expect(queue.get(0, 1)).toBeUndefined();
    expect(queue.get(2, 1)?.status).toBe("saving");
  });
});

describe("the cell after a recorded one", () => {
  it("goes down the column, then to the top of the next", () => {
    expect(nextCell({ row: 0, col: 0 }, 50, 2)).toEqual({ row: 1, col: 0 });
    expect(nextCell({ row: 49, col: 0 }, 50, 2)).toEqual({ row: 0, col: 1 });
    expect(nextCell({ row: 49, col: 1 }, 50, 2)).toEqual({ row: 49, col: 1 });
  });
});
