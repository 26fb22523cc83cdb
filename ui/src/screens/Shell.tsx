import { useEffect, useState } from "react";
import type { Overview } from "../bindings";
import { api } from "../api";
import { ErrorNote, useAction } from "../components";
import { useLeave } from "../unsaved";
import { describeExamination } from "../format";
import { OverviewScreen } from "./Overview";
import { Matrix } from "./Matrix";
import { WorkpaperScreen } from "./Workpaper";
import { Requests } from "./Requests";
import { Trail } from "./Trail";
import { Deliverables } from "./Deliverables";
import { Opinion } from "./Opinion";

type Tab = "overview" | "matrix" | "requests" | "opinion" | "trail" | "deliverables";

const TABS: [Tab, string][] = [
  ["overview", "Overview"],
  ["matrix", "Control matrix"],
  ["requests", "Requests & evidence"],
  ["opinion", "Exceptions & opinion"],
  ["trail", "Trail"],
  ["deliverables", "Report & archive"],
];

interface Props {
  overview: Overview;
  onOverview: (o: Overview) => void;
  onClosed: () => void;
}

/** The open engagement: its header, the sections, and the workpaper in view. */
export function Shell({ overview, onOverview, onClosed }: Props) {
  const [tab, setTab] = useState<Tab>("overview");
  const [controlId, setControlId] = useState<number | null>(null);
  const [dropping, setDropping] = useState(false);
  const [dropped, setDropped] = useState<string[]>([]);
  const action = useAction();
  const leave = useLeave();
  const { info } = overview;

  // Files dropped anywhere on the window are offered for attaching as evidence.
  useEffect(() => {
    void api.watchDroppedFiles((d) => {
      setDropping(d.kind === "over");
      if (d.kind === "drop" && d.paths.length > 0) {
        leave(() => {
          setDropped(d.paths);
          setControlId(null);
          setTab("requests");
        });
      }
    });
  }, [leave]);

  async function refresh() {
    const o = await action.run(() => api.overview());
    if (o) onOverview(o);
  }

  function show(t: Tab) {
    leave(() => {
      setControlId(null);
      setTab(t);
      void refresh();
    });
  }

  function open(id: number) {
    leave(() => setControlId(id));
  }

  function close() {
    leave(async () => {
      if ((await action.run(() => api.closeEngagement())) !== undefined) onClosed();
    });
  }

  async function switchUser(initials: string) {
    const o = await action.run(() => api.setUser(initials));
    if (o) onOverview(o);
  }

  return (
    <div className="page">
      {dropping && (
        <div className="drop-hint" data-testid="drop-hint">
          Drop the files to attach them as evidence
        </div>
      )}
      <header className="bar">
        <div>
          <h1 data-testid="overview-client">{info.client}</h1>
          <div className="muted" data-testid="overview-examination">
            {info.system} · {describeExamination(info.examination)}
          </div>
        </div>
        <div className="bar-actions">
          <label className="inline">
            Working as
            <select data-testid="user" value={overview.user ?? ""} onChange={(e) => switchUser(e.target.value)}>
              {info.team.map((m) => (
                <option key={m.initials} value={m.initials}>
                  {m.initials} · {m.name}
                </option>
              ))}
            </select>
          </label>
          <button data-testid="close-engagement" onClick={close}>
            Close file
          </button>
        </div>
      </header>
      <nav className="tabs">
        {TABS.map(([t, label]) => (
          <button key={t} data-testid={`tab-${t}`} className={tab === t && controlId === null ? "tab active" : "tab"} onClick={() => show(t)}>
            {label}
          </button>
        ))}
      </nav>
      <ErrorNote error={action.error} />
      {controlId !== null ? (
        <WorkpaperScreen controlId={controlId} overview={overview} onBack={() => show(tab)} />
      ) : tab === "overview" ? (
        <OverviewScreen overview={overview} onOpenControl={open} onOverview={onOverview} />
      ) : tab === "matrix" ? (
        <Matrix overview={overview} onOpenControl={open} />
      ) : tab === "requests" ? (
        <Requests overview={overview} dropped={dropped} />
      ) : tab === "opinion" ? (
        <Opinion overview={overview} />
      ) : tab === "trail" ? (
        <Trail />
      ) : (
        <Deliverables overview={overview} onOverview={onOverview} />
      )}
    </div>
  );
}
