import { describe, expect, it } from "vitest";
import type { Criterion } from "./bindings";
import { blankControl, nextLabel, parseCriteria, toControlInput, validateControl } from "./controlForm";

const library: Criterion[] = [
  { id: "CC8.1", title: "Change management", category: "security" },
  { id: "CC6.2", title: "Registering and authorising users", category: "security" },
];

const good = {
  ...blankControl,
  reference: " CC8.1-01 ",
  description: "Changes are approved before deployment.",
  criteria: "cc8.1; CC6.2",
  attributes: [
    { label: "A", question: "Approved before deployment?" },
    { label: "B", question: "Approver is not the developer?" },
  ],
};

describe("control form", () => {
  it("accepts a complete control and sends it trimmed, with criteria parsed", () => {
    expect(validateControl(good, library, [])).toEqual({});
    const input = toControlInput(good);
    expect(input.reference).toBe("CC8.1-01");
    expect(input.criteria).toEqual(["CC8.1", "CC6.2"]);
  });

  it("names criteria that are not in the library", () => {
    expect(validateControl({ ...good, criteria: "CC8.1, CC99.9, A9.1" }, library, []).criteria).toBe("CC99.9, A9.1 are not criteria.");
  });

  it("refuses a reference already in the matrix", () => {
    expect(validateControl(good, library, ["CC8.1-01"]).reference).toMatch(/already in the control matrix/);
  });

  it("wants every attribute complete and labels distinct", () => {
    expect(validateControl({ ...good, attributes: [{ label: "A", question: "" }] }, library, []).attributes).toMatch(/label and a question/);
    expect(validateControl({ ...good, attributes: [good.attributes[0], { label: "A", question: "Again?" }] }, library, []).attributes).toMatch(/differ/);
  });

  it("splits criteria on commas, semicolons and spaces", () => {
    expect(parseCriteria(" cc6.1,CC6.2 ;  cc6.3 ")).toEqual(["CC6.1", "CC6.2", "CC6.3"]);
  });

  it("offers the next free attribute label", () => {
    expect(nextLabel(["A", "B"])).toBe("C");
    expect(nextLabel(["B"])).toBe("A");
  });
});
