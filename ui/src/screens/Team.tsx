import { useEffect, useState } from "react";
import type { Overview, SyncReport } from "../bindings";
import { api } from "../api";
import { ErrorNote, Field, useAction } from "../components";

interface Props {
  onOverview: (o: Overview) => void;
}

/**
 * Team fieldwork: the folder this copy syncs with, and what the last sync sent and received.
 * Sharing asks for an existing, empty folder; teammates join from it (`tickmark join`).
 */
export function Team({ onOverview }: Props) {
  const [folder, setFolder] = useState<string | null | undefined>(undefined);
  const [target, setTarget] = useState("");
  const [report, setReport] = useState<SyncReport | null>(null);
  const action = useAction();

  useEffect(() => {
    void action.run(() => api.sharedFolder()).then((f) => setFolder(f ?? null));
  }, []);

  async function share() {
    await action.run(async () => {
      await api.shareEngagement(target.trim());
      setFolder(await api.sharedFolder());
    });
  }

  async function sync() {
    const done = await action.run(async () => {
      const r = await api.syncNow();
      onOverview(await api.overview());
      return r;
    });
    if (done) setReport(done);
  }

  if (folder === undefined) return <ErrorNote error={action.error} />;
  return (
    <div>
      <ErrorNote error={action.error} />
      {folder === null ? (
        <div>
          <p>This engagement is not shared. Share it to a folder the team reaches (a network share, a synced cloud folder, a USB stick); each teammate then makes a copy from it and works offline.</p>
          <Field label="Shared folder (existing and empty)">
            <input data-testid="share-folder" value={target} onChange={(e) => setTarget(e.target.value)} />
          </Field>
          <button className="primary" data-testid="share" onClick={() => void share()} disabled={action.busy || !target.trim()}>
            Share
          </button>
        </div>
      ) : (
        <div>
          <p data-testid="shared-folder">Shared through {folder}.</p>
          <p className="muted">
            Sync before you start and when you stop: changes made on two copies between their syncs are kept on both but not merged yet; the sync names them.
          </p>
          <button className="primary" data-testid="sync" onClick={() => void sync()} disabled={action.busy}>
            {action.busy ? "Syncing…" : "Sync"}
          </button>
          {report && <SyncResult report={report} />}
        </div>
      )}
    </div>
  );
}

function SyncResult({ report }: { report: SyncReport }) {
  if (report.unreachable) {
    return (
      <p className="warn" data-testid="sync-report">
        Not synced: {report.unreachable}. Work continues on this copy; sync again when the folder can be reached.
      </p>
    );
  }
  return (
    <div data-testid="sync-report">
      <p className={report.refused.length ? "error" : "ok"}>
        Sent {report.sent.length} change{report.sent.length === 1 ? "" : "s"}; received {report.received.length} trail entr{report.received.length === 1 ? "y" : "ies"}.
      </p>
      <List title="Went out" items={report.sent} testid="sync-sent" />
      <List title="Came in" items={report.received} testid="sync-received" />
      <List title="Refused (nothing of these applied)" items={report.refused} testid="sync-refused" />
      <List title="Waiting" items={report.waiting} testid="sync-waiting" />
    </div>
  );
}

function List({ title, items, testid }: { title: string; items: string[]; testid: string }) {
  if (!items.length) return null;
  return (
    <div>
      <h4>{title}</h4>
      <ul data-testid={testid}>
        {items.map((item, i) => (
          <li key={i}>{item}</li>
        ))}
      </ul>
    </div>
  );
}
