import { describe, expect, it } from "vitest";
import type { ControlProgress } from "./bindings";
import { describeExamination, formatBytes, formatMoney, parseCents, stage, testingPercent } from "./format";

const base: ControlProgress = {
  id: 1,
  reference: "CC8.1-01",
  description: "Changes are approved before deployment.",
  criteria: ["CC8.1"],
  walkthroughs: 0,
  populations: 0,
  sample_items: 0,
  results_recorded: 0,
  results_expected: 0,
  exceptions: 0,
  exceptions_unanswered: 0,
  conclusion: null,
  preparer: null,
  reviewer: null,
  preparer_changed: false,
  reviewer_changed: false,
  open_review_notes: 0,
};

describe("overview formatting", () => {
  it("describes both examination types with long dates", () => {
    expect(describeExamination({ kind: "type1", as_of: "2026-06-30" })).toBe("SOC 2 Type 1 as of June 30, 2026");
    expect(describeExamination({ kind: "type2", period_start: "2025-10-01", period_end: "2026-09-30" })).toBe(
      "SOC 2 Type 2, October 1, 2025 to September 30, 2026",
    );
  });

  it("moves a control through its stages", () => {
    expect(stage(base)).toBe("not started");
    expect(stage({ ...base, walkthroughs: 1 })).toBe("in progress");
    expect(stage({ ...base, walkthroughs: 1, preparer: "AN" })).toBe("prepared");
    expect(stage({ ...base, preparer: "AN", reviewer: "JK" })).toBe("reviewed");
    expect(stage({ ...base, conclusion: "did_not_operate" })).toBe("in progress");
  });

  it("rounds testing progress down so 100% means every result is in", () => {
    expect(testingPercent({ ...base, results_recorded: 119, results_expected: 120 })).toBe(99);
    expect(testingPercent({ ...base, results_recorded: 120, results_expected: 120 })).toBe(100);
    expect(testingPercent(base)).toBe(0);
  });
});

describe("formatBytes", () => {
  it("writes sizes in the units a file manager shows", () => {
    expect(formatBytes(0)).toBe("0 bytes");
    expect(formatBytes(999)).toBe("999 bytes");
    expect(formatBytes(1_500_000)).toBe("1.50 MB");
    expect(formatBytes(52_400_000)).toBe("52.4 MB");
    expect(formatBytes(523_000_000)).toBe("523 MB");
    expect(formatBytes(2_250_000_000)).toBe("2.25 GB");
  });
});

describe("amounts", () => {
  it("reads amounts as typed, in whole cents, and refuses what is not one", () => {
    expect(parseCents("1234.5")).toBe(123450);
    expect(parseCents(" -12 ")).toBe(-1200);
    expect(parseCents("0.07")).toBe(7);
    for (const bad of ["1,234", "12.345", "$5", "", "1e3"]) expect(parseCents(bad)).toBeUndefined();
  });

  it("writes cents with thousands separators", () => {
    expect(formatMoney(203495730)).toBe("2,034,957.30");
    expect(formatMoney(-5)).toBe("-0.05");
  });
});
