import { describe, expect, it } from "vitest";
import { emptyForm, toNewEngagement, validate, type NewEngagementForm } from "./forms";

const complete: NewEngagementForm = {
  ...emptyForm,
  client: "Northwind Payroll, Inc.",
  system: "Payroll platform",
  periodStart: "2025-10-01",
  periodEnd: "2026-09-30",
  name: "Ana Núñez",
  initials: "an",
  path: "/tmp/northwind.tickmark",
  passphrase: "correct horse",
  confirm: "correct horse",
};

describe("new engagement form", () => {
  it("accepts a complete Type 2 form", () => {
    expect(validate(complete)).toEqual({});
  });

  it("names each missing field in the auditor's words", () => {
    const errors = validate(emptyForm);
    expect(Object.keys(errors).sort()).toEqual(["client", "initials", "name", "passphrase", "path", "periodEnd", "periodStart", "system"]);
  });

  it("refuses a period that ends before it starts", () => {
    expect(validate({ ...complete, periodEnd: "2025-09-30" }).periodEnd).toMatch(/end on or after/);
  });

  it("refuses impossible dates", () => {
    expect(validate({ ...complete, periodEnd: "2026-02-30" }).periodEnd).toBeDefined();
  });

  it("refuses a short passphrase and a mismatched confirmation", () => {
    expect(validate({ ...complete, passphrase: "short", confirm: "short" }).passphrase).toMatch(/at least 8/);
    expect(validate({ ...complete, confirm: "correct horsE" }).confirm).toMatch(/differ/);
  });

  it("accepts initials with accents but not digits", () => {
    expect(validate({ ...complete, initials: "ÅN" }).initials).toBeUndefined();
    expect(validate({ ...complete, initials: "A1" }).initials).toBeDefined();
  });

  it("always puts Security in scope and upper-cases initials", () => {
    const request = toNewEngagement({ ...complete, categories: ["availability"] });
    expect(request.categories).toEqual(["security", "availability"]);
    expect(request.team[0].initials).toBe("AN");
    expect(request.examination).toEqual({ kind: "type2", period_start: "2025-10-01", period_end: "2026-09-30" });
  });

  it("sends only the as-of date for Type 1", () => {
    const request = toNewEngagement({ ...complete, kind: "type1", asOf: "2026-06-30" });
    expect(request.examination).toEqual({ kind: "type1", as_of: "2026-06-30" });
  });
});
