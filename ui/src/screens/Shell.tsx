import { useEffect, useState } from "react";
import type { Overview } from "../bindings";
import { api, errorMessage, isCommandError } from "../api";
import { ErrorNote, useAction } from "../components";
import { useLeave } from "../unsaved";
import { describeExamination } from "../format";
import { OverviewScreen } from "./Overview";
import { Matrix } from "./Matrix";
import { WorkpaperScreen } from "./Workpaper";
import { Requests } from "./Requests";
import { Trail } from "./Trail";
import { Team } from "./Team";
import { Deliverables } from "./Deliverables";
import { Opinion } from "./Opinion";
import { AddendumBar } from "./Addendum";

type Tab = "overview" | "matrix" | "requests" | "opinion" | "trail" | "team" | "deliverables";

const TABS: [Tab, string][] = [
  ["overview", "Overview"],
  ["matrix", "Control matrix"],
  ["requests", "Requests & evidence"],
  ["opinion", "Exceptions & opinion"],
  ["trail", "Trail"],
  ["team", "Team sync"],
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

  // Another file in the window (next year's, just rolled forward) opens on its overview.
  useEffect(() => {
    setControlId(null);
    setTab("overview");
  }, [overview.path]);

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

  // A member with a personal key signs in with its passphrase, once per session.
  const [signingIn, setSigningIn] = useState<string | null>(null);
  const [keyPassphrase, setKeyPassphrase] = useState("");
  const [keyPath, setKeyPath] = useState("");
  async function switchUser(initials: string) {
    action.setError(null);
    try {
      onOverview(await api.setUser(initials));
      setSigningIn(null);
    } catch (e) {
      if (isCommandError(e) && e.code === "key_required") setSigningIn(initials);
      else action.setError(errorMessage(e));
    }
  }
  async function signIn() {
    if (!signingIn) return;
    const o = await action.run(() => api.signIn(signingIn, keyPassphrase, keyPath.trim() || null));
    if (o) {
      setKeyPassphrase("");
      setSigningIn(null);
      onOverview(o);
    }
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
            Signed in as
            <select data-testid="user" value={signingIn ?? overview.user ?? ""} onChange={(e) => switchUser(e.target.value)}>
              {!overview.user && !signingIn && <option value="">choose…</option>}
              {info.team.map((m) => (
                <option key={m.initials} value={m.initials}>
                  {m.initials} · {m.name}
                </option>
              ))}
            </select>
          </label>
          {overview.user && <span className="muted" data-testid="signed">{overview.signed ? "signing with a personal key" : "no personal key"}</span>}
          <button data-testid="close-engagement" onClick={close}>
            Close file
          </button>
        </div>
      </header>
      {signingIn && (
        <div className="confirm" data-testid="sign-in">
          <span>{signingIn} signs with a personal key. Its passphrase unlocks it for as long as the app is open.</span>
          <input
            type="password"
            data-testid="key-passphrase-sign-in"
            placeholder="Passphrase of the key"
            value={keyPassphrase}
            onChange={(e) => setKeyPassphrase(e.target.value)}
            onKeyDown={(e) => e.key === "Enter" && signIn()}
          />
          <input data-testid="key-path" placeholder="Key file (if not in the usual place)" value={keyPath} onChange={(e) => setKeyPath(e.target.value)} />
          <button className="primary" data-testid="sign-in-confirm" onClick={signIn} disabled={action.busy || !keyPassphrase}>
            Sign in
          </button>
          <button onClick={() => setSigningIn(null)}>Cancel</button>
        </div>
      )}
      <AddendumBar key={overview.path} overview={overview} onOverview={onOverview} />
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
      ) : tab === "team" ? (
        <Team onOverview={onOverview} />
      ) : (
        <Deliverables overview={overview} onOverview={onOverview} />
      )}
    </div>
  );
}
