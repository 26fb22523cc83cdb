import type { Overview } from "../bindings";
import { describeExamination, stage, testingPercent } from "../format";

interface Props {
  overview: Overview;
  onClose: () => void;
  error: string | null;
}

export function OverviewScreen({ overview, onClose, error }: Props) {
  const { info, controls } = overview;
  const reviewed = controls.filter((c) => c.reviewer).length;
  return (
    <div className="page">
      <header className="bar">
        <div>
          <h1 data-testid="overview-client">{info.client}</h1>
          <div className="muted" data-testid="overview-examination">
            {info.system} · {describeExamination(info.examination)}
          </div>
        </div>
        <div className="bar-actions">
          <span className="muted" title={overview.path}>
            {overview.user ? `Signed in as ${overview.user}` : ""}
          </span>
          <button data-testid="close-engagement" onClick={onClose}>
            Close file
          </button>
        </div>
      </header>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <section className="summary">
        <Figure label="Controls" value={controls.length} testid="overview-control-count" />
        <Figure label="Reviewed" value={`${reviewed} of ${controls.length}`} />
        <Figure label="Open requests" value={overview.open_requests} />
        <Figure label="Evidence files" value={overview.evidence_files} />
        <Figure label="Trail entries" value={overview.trail_entries} />
      </section>
      <section>
        <h2>Categories in scope</h2>
        <p>{info.categories.map((c) => c.replace("_", " ")).join(", ")}</p>
      </section>
      <section>
        <h2>Controls</h2>
        {controls.length === 0 ? (
          <p className="muted">No controls yet.</p>
        ) : (
          <table className="grid" data-testid="overview-controls">
            <thead>
              <tr>
                <th>Ref</th>
                <th>Control activity</th>
                <th>Criteria</th>
                <th>Stage</th>
                <th>Tested</th>
                <th>Exceptions</th>
                <th>Prep.</th>
                <th>Rev.</th>
                <th>Notes</th>
              </tr>
            </thead>
            <tbody>
              {controls.map((c) => (
                <tr key={c.id}>
                  <td className="ref">{c.reference}</td>
                  <td className="wrap">{c.description}</td>
                  <td>{c.criteria.join(", ")}</td>
                  <td>{stage(c)}</td>
                  <td>{c.results_expected ? `${testingPercent(c)}%` : "–"}</td>
                  <td>{c.exceptions || ""}</td>
                  <td>{c.preparer ?? ""}</td>
                  <td>{c.reviewer ?? ""}</td>
                  <td>{c.open_review_notes || ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}

function Figure({ label, value, testid }: { label: string; value: string | number; testid?: string }) {
  return (
    <div className="figure">
      <div className="figure-value" data-testid={testid}>
        {value}
      </div>
      <div className="figure-label">{label}</div>
    </div>
  );
}
