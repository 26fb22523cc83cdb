import { describe, expect, it } from "vitest";
import { countError, dateError, errorsOf, initialsError, isDate, percentError, requiredError, seedError } from "./validate";

describe("dates as typed", () => {
  it("accepts calendar dates and explains the rest", () => {
    expect(dateError("2026-02-28", "the date")).toBeUndefined();
    expect(dateError("", "the date")).toBe("Enter the date (YYYY-MM-DD).");
    expect(dateError("", "the due date", { optional: true })).toBeUndefined();
    expect(dateError("28/02/2026", "the date")).toContain("YYYY-MM-DD");
    expect(dateError("2026-02-30", "the date")).toBe("2026-02-30 is not a date on the calendar.");
    expect(isDate("2028-02-29")).toBe(true);
    expect(isDate("2026-02-29")).toBe(false);
  });

  it("refuses a date after today where one cannot be", () => {
    expect(dateError("2026-11-24", "the date it was held", { notAfter: "2026-11-23" })).toBe("The date it was held cannot be later than today (2026-11-23).");
    expect(dateError("2026-11-23", "the date it was held", { notAfter: "2026-11-23" })).toBeUndefined();
  });
});

describe("sample parameters as typed", () => {
  it("takes percentages strictly inside (0, 100), and an expected rate below the tolerable one", () => {
    expect(percentError("95", "the confidence level")).toBeUndefined();
    expect(percentError("100", "the confidence level")).toBe("The confidence level is above 0 and below 100 percent.");
    expect(percentError("0", "the tolerable rate")).toBeDefined();
    expect(percentError("0", "the expected rate", { zero: true, below: 5 })).toBeUndefined();
    expect(percentError("5", "the expected rate", { zero: true, below: 5 })).toBe("The expected rate must be below 5 percent.");
    expect(percentError("five", "the confidence level")).toContain("number of percent");
  });

  it("counts items from 1 to the population's size", () => {
    expect(countError("25", 1465)).toBeUndefined();
    expect(countError("0", 1465)).toContain("at least 1");
    expect(countError("2.5", 1465)).toContain("whole number");
    expect(countError("2000", 1465)).toBe("The population holds 1,465 items; a sample cannot hold more.");
  });

  it("takes an empty seed or 64 hexadecimal digits", () => {
    expect(seedError("")).toBeUndefined();
    expect(seedError("ab".repeat(32))).toBeUndefined();
    expect(seedError("12345")).toContain("this has 5 characters");
  });
});

describe("people and text", () => {
  it("wants initials that tell team members apart", () => {
    expect(initialsError("ji", ["DW"])).toBeUndefined();
    expect(initialsError("dw", ["DW"])).toContain("already belongs");
    expect(initialsError("J.I.", [])).toBe("Initials are 1 to 4 letters.");
  });

  it("keeps only the errors that are set", () => {
    expect(errorsOf({ a: requiredError(" ", "Say something."), b: requiredError("x", "never") })).toEqual({ a: "Say something." });
  });
});
