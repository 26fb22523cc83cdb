import { describe, expect, it } from "vitest";
import { UnsavedForms } from "./unsaved";

describe("unsaved text", () => {
  it("is held while any form says so, and reports only when that changes", () => {
    const forms = new UnsavedForms();
    expect(forms.any()).toBe(false);
    expect(forms.mark("a", "a walkthrough or interview")).toBe(true);
    expect(forms.mark("b", "a review note")).toBe(false);
    expect(forms.any()).toBe(true);
    expect(forms.mark("a", null)).toBe(false);
    expect(forms.any()).toBe(true);
    expect(forms.mark("b", null)).toBe(true);
    expect(forms.any()).toBe(false);
  });

  it("names each kind of text once, in the order it was begun", () => {
    const forms = new UnsavedForms();
    forms.mark("r1", "management's response");
    forms.mark("n", "a review note");
    forms.mark("r2", "management's response");
    expect(forms.describe()).toBe("management's response, a review note");
  });

  it("forgets a form that unmounts or is saved", () => {
    const forms = new UnsavedForms();
    forms.mark("x", "an exception");
    forms.mark("x", null);
    forms.mark("x", null);
    expect(forms.any()).toBe(false);
    expect(forms.describe()).toBe("");
  });
});
