import { useEffect, useState } from "react";
import type { ClientFiles, Control, Evidence, Overview, Request, RequestChange, RequestStatus, ViewedEvidence } from "../bindings";
import { Output } from "./Deliverables";
import { api } from "../api";
import { ErrorNote, Field, today, useAction, useFieldErrors } from "../components";
import { formatBytes, formatCount } from "../format";
import { useUnsaved } from "../unsaved";
import { dateError, errorsOf, requiredError } from "../validate";

const STATUSES: [RequestStatus, string][] = [
  ["open", "open"],
  ["received", "received"],
  ["closed", "closed"],
  ["not_needed", "not needed"],
  ["not_provided", "not provided"],
];

export function Requests({ overview, dropped }: { overview: Overview; dropped: string[] }) {
  const [requests, setRequests] = useState<Request[]>([]);
  const [viewing, setViewing] = useState<ViewedEvidence[]>([]);
  const [evidence, setEvidence] = useState<Evidence[]>([]);
  const [controls, setControls] = useState<Control[]>([]);
  const action = useAction();

  async function load() {
    const loaded = await action.run(() => Promise.all([api.requests(), api.evidence(), api.controls()]));
    if (loaded) {
      setRequests(loaded[0]);
      setEvidence(loaded[1]);
      setControls(loaded[2]);
    }
  }
  useEffect(() => {
    void load();
  }, [overview.path]);

  const reference = (id: number | null) => controls.find((c) => c.id === id)?.reference ?? "";

  // "Not needed" and "not provided" ask for their reason before anything is stored.
  const [notNeeded, setNotNeeded] = useState<{ id: number; reason: string; status: RequestStatus } | null>(null);
  useUnsaved("why a request is settled", !!notNeeded?.reason.trim());
  async function setStatus(id: number, status: RequestStatus, reason: string | null = null) {
    if ((status === "not_needed" || status === "not_provided") && reason === null) {
      setNotNeeded({ id, reason: "", status });
      return;
    }
    if ((await action.run(() => api.setRequestStatus(id, status, reason))) !== undefined) {
      setNotNeeded(null);
      await load();
    }
  }

  async function view(id: number) {
    const viewed = await action.run(() => api.viewEvidence(id));
    if (viewed) setViewing((v) => [...v.filter((x) => x.id !== id), viewed]);
  }

  async function doneViewing(id: number) {
    if ((await action.run(() => api.closeEvidenceView(id))) !== undefined) setViewing((v) => v.filter((x) => x.id !== id));
  }

  return (
    <div>
      <ErrorNote error={action.error} details={action.details} />
      <section>
        <h2>Requests</h2>
        <table className="grid" data-testid="requests">
          <thead>
            <tr>
              <th>No.</th>
              <th>Requested</th>
              <th>Control</th>
              <th>Requested on</th>
              <th>Due</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {requests.map((r) => (
              <tr key={r.id}>
                <td className="ref">{r.number}</td>
                <td className="wrap">{r.title}</td>
                <td>{reference(r.control_id)}</td>
                <td>{r.requested_on}</td>
                <td>{r.due_on ?? ""}</td>
                <td>
                  <select data-testid={`request-status-${r.number}`} value={r.status} onChange={(e) => setStatus(r.id, e.target.value as RequestStatus)}>
                    {STATUSES.map(([s, label]) => (
                      <option key={s} value={s}>
                        {label}
                      </option>
                    ))}
                  </select>
                  {r.status_reason && <div className="muted">{r.status_reason}</div>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {notNeeded && (
          <div className="row" data-testid="not-needed">
            <Field
              label={
                notNeeded.status === "not_needed"
                  ? `Why ${requests.find((r) => r.id === notNeeded.id)?.number} is no longer needed`
                  : `What the client said when it did not provide ${requests.find((r) => r.id === notNeeded.id)?.number}`
              }
            >
              <input data-testid="not-needed-reason" value={notNeeded.reason} onChange={(e) => setNotNeeded({ ...notNeeded, reason: e.target.value })} />
            </Field>
            <button data-testid="not-needed-save" onClick={() => setStatus(notNeeded.id, notNeeded.status, notNeeded.reason)} disabled={!notNeeded.reason.trim()}>
              {notNeeded.status === "not_needed" ? "Mark not needed" : "Close as not provided"}
            </button>
            <button onClick={() => setNotNeeded(null)}>Cancel</button>
          </div>
        )}
        <NewRequest controls={controls} next={`PBC-${String(requests.length + 1).padStart(2, "0")}`} onAdded={load} />
      </section>
      <ClientList overview={overview} onChanged={load} />
      <section>
        <h2>Evidence</h2>
        <table className="grid" data-testid="evidence">
          <thead>
            <tr>
              <th>No.</th>
              <th>File</th>
              <th>Size</th>
              <th>SHA-256</th>
              <th>Received</th>
              <th>Request</th>
              <th>Control</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            {evidence.map((e) => (
              <tr key={e.id}>
                <td className="ref">EV-{e.number}</td>
                <td>{e.name}</td>
                <td className="num">{formatCount(e.size)}</td>
                <td className="mono">{e.sha256.slice(0, 16)}…</td>
                <td>{e.received_on}</td>
                <td>{requests.find((r) => r.id === e.request_id)?.number ?? ""}</td>
                <td>{reference(e.control_id)}</td>
                <td>
                  <button data-testid={`view-evidence-${e.id}`} onClick={() => view(e.id)}>
                    View
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {viewing.map((v) => (
          <p key={v.id} className={v.problem ? "warn" : "ok"} data-testid={`viewing-${v.id}`}>
            <span>
              {v.problem ? `A temporary copy is at ${v.path}: ${v.problem}.` : `Opened a temporary copy (${v.path}).`} It is removed when you press Done, close the
              file or quit.
            </span>{" "}
            <button data-testid={`done-viewing-${v.id}`} onClick={() => doneViewing(v.id)}>
              Done
            </button>
          </p>
        ))}
        <AttachEvidence requests={requests} dropped={dropped} onAttached={load} />
      </section>
    </div>
  );
}

function NewRequest({ controls, next, onAdded }: { controls: Control[]; next: string; onAdded: () => Promise<void> }) {
  const [title, setTitle] = useState("");
  const [control, setControl] = useState("");
  const [due, setDue] = useState("");
  useUnsaved("a request", !!title.trim());
  const action = useAction();
  const check = useFieldErrors(
    errorsOf({
      title: requiredError(title, "Say what is asked of the client."),
      due: dateError(due, "the due date", { optional: true }),
    }),
  );
  async function add() {
    if (!check.submit()) return;
    const id = await action.run(() =>
      api.addRequest({ number: next, title, control_id: control ? Number(control) : null, requested_on: today(), due_on: due || null, status: "open" }),
    );
    if (id !== undefined) {
      setTitle("");
      setDue("");
      check.reset();
      await onAdded();
    }
  }
  return (
    <div className="row">
      <Field label={`New request ${next}`} error={check.shown("title")}>
        <input data-testid="request-title" value={title} onChange={check.change("title", setTitle)} placeholder="Listing of all changes deployed to production in the period" />
      </Field>
      <Field label="Control">
        <select value={control} onChange={(e) => setControl(e.target.value)}>
          <option value="">(none)</option>
          {controls.map((c) => (
            <option key={c.id} value={c.id}>
              {c.reference}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Due" error={check.shown("due")}>
        <input data-testid="request-due" value={due} onChange={check.change("due", setDue)} placeholder="YYYY-MM-DD" />
      </Field>
      <button data-testid="add-request" onClick={add} disabled={action.busy}>
        Add request
      </button>
      <ErrorNote error={action.error} />
    </div>
  );
}

function AttachEvidence({ requests, dropped, onAttached }: { requests: Request[]; dropped: string[]; onAttached: () => Promise<void> }) {
  // The field's text as typed; split into paths only when read, so a path may hold spaces.
  const [text, setText] = useState(dropped.join("; "));
  const paths = text.split(";").map((p) => p.trim()).filter(Boolean);
  const [request, setRequest] = useState("");
  useUnsaved("files to attach", paths.length > 0);
  const [received, setReceived] = useState(today());
  const [progress, setProgress] = useState<{ file: number; bytes: number } | null>(null);
  const action = useAction();
  const check = useFieldErrors(errorsOf({ received: dateError(received, "the date it was received", { notAfter: today() }) }));
  useEffect(() => setText(dropped.join("; ")), [dropped]);
  async function browse() {
    setText((await api.chooseEvidence()).join("; "));
  }
  async function attach() {
    if (!check.submit()) return;
    const requestId = request ? Number(request) : null;
    const controlId = requests.find((r) => r.id === requestId)?.control_id ?? null;
    const remaining = [...paths];
    const done = await action.run(async () => {
      for (const [file, path] of paths.entries()) {
        setProgress({ file, bytes: 0 });
        await api.attachEvidence(path, requestId, controlId, received, (bytes) => setProgress({ file, bytes }));
        remaining.shift();
      }
      return true;
    });
    setProgress(null);
    // Files attached before a failure or a cancel stay attached; the form keeps the rest.
    setText(remaining.join("; "));
    if (done || remaining.length < paths.length) await onAttached();
  }
  return (
    <div className="row">
      <Field label="Files to attach">
        <input data-testid="evidence-path" value={text} onChange={(e) => setText(e.target.value)} />
      </Field>
      <button onClick={browse}>Browse…</button>
      <Field label="For request">
        <select value={request} onChange={(e) => setRequest(e.target.value)}>
          <option value="">(none)</option>
          {requests.map((r) => (
            <option key={r.id} value={r.id}>
              {r.number}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Received on" error={check.shown("received")}>
        <input data-testid="evidence-received" value={received} onChange={check.change("received", setReceived)} placeholder="YYYY-MM-DD" />
      </Field>
      <button data-testid="attach-evidence" onClick={attach} disabled={paths.length === 0 || action.busy}>
        {action.busy ? "Attaching…" : "Attach"}
      </button>
      {progress && (
        <span data-testid="attach-progress">
          File {progress.file + 1} of {paths.length}: {formatBytes(progress.bytes)} stored{" "}
          <button onClick={() => api.cancelWork()}>Cancel</button>
        </span>
      )}
      <ErrorNote error={action.error} testid="attach-error" />
    </div>
  );
}

/** The request list exchanged with the client as a spreadsheet: written for them, their reply
 *  read back (its changes shown before they are stored), the files they sent attached. */
function ClientList({ overview, onChanged }: { overview: Overview; onChanged: () => Promise<void> }) {
  const [reply, setReply] = useState("");
  const [changes, setChanges] = useState<RequestChange[] | null>(null);
  const [stored, setStored] = useState<number | null>(null);
  const [folder, setFolder] = useState("");
  const [received, setReceived] = useState(today());
  const [attached, setAttached] = useState<ClientFiles | null>(null);
  const action = useAction();
  const slug = overview.info.client.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "").toLowerCase() || "engagement";
  async function preview() {
    setStored(null);
    const c = await action.run(() => api.requestListChanges(reply));
    if (c) setChanges(c);
  }
  async function store() {
    const c = await action.run(() => api.applyRequestList(reply));
    if (c) {
      setStored(c.length);
      setChanges(null);
      await onChanged();
    }
  }
  async function attach() {
    const a = await action.run(() => api.attachClientFiles(folder, received));
    if (a) {
      setAttached(a);
      await onChanged();
    }
  }
  return (
    <section className="card" data-testid="client-list">
      <h3>The request list with the client</h3>
      <Output label="Request list for the client (XLSX, or CSV)" fileName={`${slug}-requests.xlsx`} extension="xlsx" write={api.writeRequestList} testid="request-list" />
      <div className="row">
        <Field label="The client's reply (XLSX or CSV)">
          <input data-testid="reply-path" value={reply} onChange={(e) => (setReply(e.target.value), setChanges(null))} />
        </Field>
        <button data-testid="reply-preview" onClick={preview} disabled={action.busy || !reply}>
          Show the changes
        </button>
      </div>
      {changes && (
        <div data-testid="reply-changes">
          {changes.length === 0 ? (
            <p className="muted">The reply changes nothing.</p>
          ) : (
            <>
              <ul>
                {changes.map((c, i) => (
                  <li key={i}>
                    {c.number}: {c.field} “{c.from}” → “{c.to}”
                  </li>
                ))}
              </ul>
              <button className="primary" data-testid="reply-store" onClick={store} disabled={action.busy}>
                Store these {changes.length} changes
              </button>
            </>
          )}
        </div>
      )}
      {stored !== null && (
        <p className="ok" data-testid="reply-stored">
          {stored} changes stored.
        </p>
      )}
      <div className="row">
        <Field label="Folder of the files the client sent">
          <input data-testid="client-folder" value={folder} onChange={(e) => setFolder(e.target.value)} />
        </Field>
        <Field label="Received on">
          <input data-testid="client-received" value={received} onChange={(e) => setReceived(e.target.value)} />
        </Field>
        <button data-testid="client-attach" onClick={attach} disabled={action.busy || !folder}>
          Attach the files the list names
        </button>
      </div>
      {attached && (
        <ul data-testid="client-attached">
          {attached.attached.map((a) => (
            <li key={a}>Attached {a}</li>
          ))}
          {attached.missing.map((m) => (
            <li key={m} className="warn">
              Not in the folder: {m}
            </li>
          ))}
          {attached.not_named.map((n) => (
            <li key={n} className="muted">
              Named by no request, not attached: {n}
            </li>
          ))}
        </ul>
      )}
      <ErrorNote error={action.error} details={action.details} testid="client-list-error" />
    </section>
  );
}
