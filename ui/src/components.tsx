// Small pieces every screen uses.
import { useEffect, useRef, useState, type ChangeEvent, type ReactNode } from "react";
import type { Role } from "./bindings";
import { errorDetails, errorMessage } from "./api";

export function Field({ label, error, children }: { label: string; error?: string; children: ReactNode }) {
  return (
    <label className="field">
      <span className="field-label">{label}</span>
      {children}
      {error && <span className="field-error">{error}</span>}
    </label>
  );
}

export function RoleSelect({ value, onChange, testid }: { value: Role; onChange: (r: Role) => void; testid: string }) {
  return (
    <Field label="Role">
      <select data-testid={testid} value={value} onChange={(e) => onChange(e.target.value as Role)}>
        <option value="staff">Staff</option>
        <option value="senior">Senior</option>
        <option value="manager">Manager</option>
        <option value="partner">Partner</option>
      </select>
    </Field>
  );
}

/** A failed command's message; a refusal lists, one line each, what must be done first. */
export function ErrorNote({ error, details, testid }: { error: string | null; details?: string[]; testid?: string }) {
  if (!error) return null;
  return (
    <div className="error" role="alert" data-testid={testid}>
      {error}
      {details && details.length > 0 && (
        <ul className="refusal">
          {details.map((d) => (
            <li key={d}>{d}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

/**
 * Which of a form's errors to show: a field's once the auditor has typed in it, all of them
 * once they try to save. `submit()` says whether the form may be sent.
 */
export function useFieldErrors<K extends string>(errors: Partial<Record<K, string>>) {
  const [touched, setTouched] = useState<Set<K> | "all">(new Set());
  return {
    shown: (k: K) => (touched === "all" || touched.has(k) ? errors[k] : undefined),
    /** An onChange handler that sets the field's value and marks it typed in. */
    change: (k: K, set: (value: string) => void) => (e: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => {
      set(e.target.value);
      setTouched((t) => (t === "all" || t.has(k) ? t : new Set(t).add(k)));
    },
    submit: () => {
      setTouched("all");
      return Object.keys(errors).length === 0;
    },
    reset: () => setTouched(new Set()),
  };
}

/** Runs a command, keeping its error message (and a refusal's list) for display and whether it is under way. */
export function useAction() {
  const [error, setError] = useState<string | null>(null);
  const [details, setDetails] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  async function run<T>(f: () => Promise<T>): Promise<T | undefined> {
    setBusy(true);
    setError(null);
    setDetails([]);
    try {
      return await f();
    } catch (e) {
      setError(errorMessage(e));
      setDetails(errorDetails(e));
      return undefined;
    } finally {
      setBusy(false);
    }
  }
  return { error, details, busy, run, setError };
}

export interface Bar {
  label: string;
  values: number[];
}

/**
 * Grouped bars drawn with plain elements: heights are set through the DOM, not inline style
 * attributes, so the strict Content-Security-Policy holds.
 */
export function BarChart({ bars, legend, testid }: { bars: Bar[]; legend: string[]; testid?: string }) {
  const max = Math.max(1, ...bars.flatMap((b) => b.values));
  return (
    <div className="chart" data-testid={testid}>
      <div className="chart-bars">
        {bars.map((b) => (
          <div className="chart-group" key={b.label} title={`${b.label}: ${b.values.join(" / ")}`}>
            <div className="chart-stack">
              {b.values.map((v, i) => (
                <SizedBar key={i} fraction={v / max} series={i} />
              ))}
            </div>
            <div className="chart-label">{b.label}</div>
          </div>
        ))}
      </div>
      <div className="chart-legend">
        {legend.map((l, i) => (
          <span key={l} className={`legend series-${i}`}>
            {l}
          </span>
        ))}
      </div>
    </div>
  );
}

function SizedBar({ fraction, series }: { fraction: number; series: number }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.style.setProperty("height", `${Math.round(fraction * 100)}%`);
  }, [fraction]);
  return <div ref={ref} className={`chart-bar series-${series}`} />;
}

export function today(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Who signed, marked when the work changed after the signature. */
export function SignedBy({ initials, changed, testid }: { initials: string | null; changed: boolean; testid?: string }) {
  if (!initials) return null;
  return (
    <span className={changed ? "changed" : ""} title={changed ? "The work changed after this signature" : ""} data-testid={testid}>
      {initials}
      {changed && " ⚠ changed since signed"}
    </span>
  );
}

/** The options of a select, from (value, label) pairs. */
export function Options({ pairs }: { pairs: readonly (readonly [string | number, string])[] }) {
  return (
    <>
      {pairs.map(([value, label]) => (
        <option key={value} value={value}>
          {label}
        </option>
      ))}
    </>
  );
}
