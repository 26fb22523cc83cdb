import { useEffect, useState } from "react";
import type { Overview, SyncConflict, SyncReport } from "../bindings";
import { api } from "../api";
import { ErrorNote, Field, useAction } from "../components";
import { useUnsaved } from "../unsaved";

interface Props {
  onOverview: (o: Overview) => void;
}

/**
 * Team fieldwork: the folder this copy syncs with, and what the last sync sent and received.
 * Sharing asks for an existing, empty folder; teammates join from it (Join on the start screen, or
 * `tickmark join`).
 */
export function Team({ onOverview }: Props) {
  const [folder, setFolder] = useState<string | null | undefined>(undefined);
  const [target, setTarget] = useState("");
  const [report, setReport] = useState<SyncReport | null>(null);
  const [conflicts, setConflicts] = useState<SyncConflict[]>([]);
  const action = useAction();

  useEffect(() => {
    void action.run(() => Promise.all([api.sharedFolder(), api.syncConflicts()])).then((loaded) => {
      setFolder(loaded?.[0] ?? null);
      setConflicts(loaded?.[1] ?? []);
    });
  }, []);

  async function share() {
    await action.run(async () => {
      await api.shareEngagement(target.trim());
      setFolder(await api.sharedFolder());
    });
  }

  /** Syncs with the folder this copy last synced with, or with `moved` (where it is now). */
  async function sync(moved?: string) {
    const done = await action.run(async () => {
      const r = moved ? await api.syncWith(moved) : await api.syncNow();
      if (moved) setFolder(await api.sharedFolder());
      onOverview(await api.overview());
      return { report: r, conflicts: await api.syncConflicts() };
    });
    if (done) {
      setReport(done.report);
      setConflicts(done.conflicts);
    }
  }

  if (folder === undefined) return <ErrorNote error={action.error} />;
  return (
    <div>
      <ErrorNote error={action.error} />
      {folder === null ? (
        <div>
          <p>This engagement is not shared. Share it to a folder the team reaches (a network share, a synced cloud folder, a USB stick); each teammate then makes a copy from it (Join a shared engagement, when Tickmark starts) and works offline.</p>
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
            Every copy takes every change in the same order. Where two copies changed the same thing, the later change stands and the other is kept in the
            conflicts list below; a change to a workpaper locked by its reviewer, or made after completion, waits there too.
          </p>
          <button className="primary" data-testid="sync" onClick={() => void sync()} disabled={action.busy}>
            {action.busy ? "Syncing…" : "Sync"}
          </button>
          {report && <SyncResult report={report} />}
          {report?.unreachable && (
            <div className="row">
              <Field label="The folder is somewhere else now (a USB stick mounted elsewhere, a share on another drive)">
                <input data-testid="sync-elsewhere" value={target} onChange={(e) => setTarget(e.target.value)} />
              </Field>
              <button data-testid="sync-elsewhere-confirm" onClick={() => void sync(target.trim())} disabled={action.busy || !target.trim()}>
                Sync with this folder
              </button>
            </div>
          )}
          <Conflicts conflicts={conflicts} onSettled={async () => setConflicts(await api.syncConflicts())} />
        </div>
      )}
    </div>
  );
}

function SyncResult({ report }: { report: SyncReport }) {
  if (report.unreachable) {
    return (
      <p className="warn" data-testid="sync-report">
        {report.headline}
      </p>
    );
  }
  return (
    <div data-testid="sync-report">
      <p className={report.refused.length ? "error" : "ok"}>{report.headline}</p>
      {report.signed_out && (
        <p className="warn" data-testid="sync-signed-out">
          {report.signed_out}
        </p>
      )}
      <List title="Went out" items={report.sent} testid="sync-sent" />
      <List title="Came in" items={report.received} testid="sync-received" />
      <List title="Refused (nothing of these applied)" items={report.refused} testid="sync-refused" />
      <List title="Waiting" items={report.waiting} testid="sync-waiting" />
    </div>
  );
}

/**
 * What merging kept aside. Settling says which outcome stands and why; until then the
 * workpaper's preparer cannot sign.
 */
function Conflicts({ conflicts, onSettled }: { conflicts: SyncConflict[]; onSettled: () => Promise<void> }) {
  // Notes are kept by each conflict's key, not its number: a sync can move a conflict down the
  // list, and a half-typed note must stay with the conflict it was written for.
  const [notes, setNotes] = useState<Record<string, string>>({});
  useUnsaved("a note settling a conflict", Object.values(notes).some((n) => n.trim()));
  const action = useAction();
  const open = conflicts.filter((c) => !c.settled);
  async function settle(c: SyncConflict) {
    const settled = await action.run(async () => {
      await api.settleConflict(c.number, notes[c.key] ?? "");
      await onSettled();
      return true;
    });
    if (settled) setNotes((typed) => ({ ...typed, [c.key]: "" }));
  }
  return (
    <div data-testid="sync-conflicts">
      <h4>
        Conflicts to settle ({open.length}
        {conflicts.length > open.length ? `; ${conflicts.length - open.length} settled` : ""})
      </h4>
      <ErrorNote error={action.error} />
      {conflicts.map((c) => (
        <div key={c.key} className="entry" data-testid={`conflict-${c.number}`}>
          <p className="wrap">
            {c.number}. {c.text}
          </p>
          {c.settled ? (
            <p className="muted">Settled by {c.settled}</p>
          ) : (
            <div className="row">
              <input
                data-testid={`settle-note-${c.number}`}
                placeholder="Which outcome stands, and why"
                value={notes[c.key] ?? ""}
                onChange={(e) => {
                  const typed = e.target.value;
                  setNotes((all) => ({ ...all, [c.key]: typed }));
                }}
              />
              <button data-testid={`settle-${c.number}`} onClick={() => void settle(c)} disabled={action.busy || !(notes[c.key] ?? "").trim()}>
                Settle
              </button>
            </div>
          )}
        </div>
      ))}
    </div>
  );
}

/** A day's sync can carry thousands of lines: the first few show, the rest on request. */
const FIRST_SHOWN = 50;

function List({ title, items, testid }: { title: string; items: string[]; testid: string }) {
  const [all, setAll] = useState(false);
  if (!items.length) return null;
  const shown = all ? items : items.slice(0, FIRST_SHOWN);
  return (
    <div>
      <h4>
        {title} ({items.length})
      </h4>
      <ul data-testid={testid}>
        {shown.map((item, i) => (
          <li key={i}>{item}</li>
        ))}
      </ul>
      {shown.length < items.length && (
        <button onClick={() => setAll(true)} data-testid={`${testid}-all`}>
          Show all {items.length}
        </button>
      )}
    </div>
  );
}
