import { describe, expect, it } from "vitest";
import { guessColumn } from "./workpaper/PopulationPanel";
import { moveCell, OUTCOME_KEYS, outcomeForKey, pagesAround, pagesToForget, shareByMonth, visibleWindow } from "./format";

describe("test grid keys", () => {
  it("moves with the arrows and stops at the edges", () => {
    expect(moveCell({ row: 0, col: 0 }, "ArrowDown", 5, 2)).toEqual({ row: 1, col: 0 });
    expect(moveCell({ row: 0, col: 0 }, "ArrowUp", 5, 2)).toEqual({ row: 0, col: 0 });
    expect(moveCell({ row: 4, col: 1 }, "ArrowRight", 5, 2)).toEqual({ row: 4, col: 1 });
    expect(moveCell({ row: 4, col: 1 }, "ArrowLeft", 5, 2)).toEqual({ row: 4, col: 0 });
    expect(moveCell({ row: 2, col: 1 }, "x", 5, 2)).toEqual({ row: 2, col: 1 });
  });

  it("has one key per outcome, in either case", () => {
    expect(new Set(Object.values(OUTCOME_KEYS)).size).toBe(3);
    expect(outcomeForKey("D")).toBe("deviation");
    expect(outcomeForKey("p")).toBe("pass");
    expect(outcomeForKey("x")).toBeUndefined();
  });
});

describe("virtualised population table", () => {
  it("draws only the rows in view and a few either side", () => {
    expect(visibleWindow(0, 320, 24, 100_000)).toEqual({ first: 0, last: 24 });
    const w = visibleWindow(24 * 50_000, 320, 24, 100_000);
    expect(w.first).toBe(49_990);
    expect(w.last - w.first).toBeLessThan(40);
  });

  it("never reaches past the last row", () => {
    expect(visibleWindow(24 * 99_990, 320, 24, 100_000).last).toBe(100_000);
  });

  it("fetches the page in view, and the next one before the view reaches it", () => {
    expect(pagesAround(0, 24, 100_000, 200)).toEqual([0]);
    expect(pagesAround(90, 114, 100_000, 200)).toEqual([0, 1]);
    expect(pagesAround(320, 344, 100_000, 200)).toEqual([1, 2]);
    expect(pagesAround(99_976, 100_000, 100_000, 200)).toEqual([499]);
  });

  it("holds every row in view, whatever the scroll position", () => {
    for (let first = 0; first < 1_500; first += 7) {
      const last = Math.min(first + 24, 1_500);
      const pages = pagesAround(first, last, 1_500, 200);
      for (let row = first; row < last; row++) expect(pages).toContain(Math.floor(row / 200));
      expect(Math.max(...pages)).toBeLessThan(Math.ceil(1_500 / 200));
    }
  });

  it("forgets the pages farthest from the view once it holds too many", () => {
    expect(pagesToForget([0, 1, 2, 3, 4, 5], 4, 3).sort()).toEqual([0, 1, 2]);
    expect(pagesToForget([7, 8], 8, 3)).toEqual([]);
  });
});

describe("sample spread", () => {
  it("compares each month's share of the population and of the sample", () => {
    const bars = shareByMonth([
      { month: "2026-01", population: 300, sample: 1 },
      { month: "2026-02", population: 100, sample: 3 },
    ]);
    expect(bars).toEqual([
      { label: "2026-01", values: [75, 25] },
      { label: "2026-02", values: [25, 75] },
    ]);
  });
});

describe("column mapping", () => {
  it("guesses the key and date columns from their names", () => {
    const header = ["change_id", "title", "approved_on", "deployed_on"];
    expect(guessColumn(header, ["id", "key"])).toBe("change_id");
    expect(guessColumn(header, ["deployed"])).toBe("deployed_on");
    expect(guessColumn(header, ["amount"])).toBe("");
  });
});
