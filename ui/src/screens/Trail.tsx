import { useEffect, useState } from "react";
import type { TrailEntry, Verification } from "../bindings";
import { api } from "../api";
import { ErrorNote, Field, useAction } from "../components";

export function Trail() {
  const [entries, setEntries] = useState<TrailEntry[]>([]);
  const [verification, setVerification] = useState<Verification | null>(null);
  const [filter, setFilter] = useState("");
  const action = useAction();

  useEffect(() => {
    void action.run(() => Promise.all([api.trail(), api.verify()])).then((loaded) => {
      if (loaded) {
        setEntries(loaded[0]);
        setVerification(loaded[1]);
      }
    });
  }, []);

  const needle = filter.trim().toLowerCase();
  const shown = entries.filter((e) => !needle || [e.actor, e.action, e.entity, e.after ?? "", e.before ?? ""].some((s) => s.toLowerCase().includes(needle)));
  return (
    <div>
      <ErrorNote error={action.error} />
      {verification && (
        <p className={verification.problems.length ? "error" : "ok"} data-testid="trail-verification">
          {verification.problems.length
            ? `The trail does not verify: ${verification.problems.join("; ")}`
            : `Verified: ${verification.entries} entries, chain head ${verification.head.slice(0, 16)}…; evidence, populations and samples match their records.`}
        </p>
      )}
      {verification && verification.changed_since_signed.length > 0 && (
        <p className="warn" data-testid="trail-changed-since">
          Not covered by a signature: {verification.changed_since_signed.join("; ")}.
        </p>
      )}
      <Field label="Filter (who, action, record, content)">
        <input data-testid="trail-filter" value={filter} onChange={(e) => setFilter(e.target.value)} />
      </Field>
      <table className="grid" data-testid="trail">
        <thead>
          <tr>
            <th>#</th>
            <th>When (local time)</th>
            <th>Who</th>
            <th>Action</th>
            <th>Record</th>
            <th>Hash</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((e) => (
            <tr key={e.seq} title={e.after ?? ""}>
              <td className="num">{e.seq}</td>
              <td>{new Date(e.at).toLocaleString()}</td>
              <td>{e.actor}</td>
              <td>{e.action}</td>
              <td>
                {e.entity} {e.entity_id}
              </td>
              <td className="mono">{e.hash.slice(0, 12)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
