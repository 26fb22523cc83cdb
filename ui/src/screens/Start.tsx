import { useEffect, useState, type FormEvent } from "react";
import type { Category, Overview, RecentFile } from "../bindings";
import { api, errorMessage } from "../api";
import { ErrorNote, Field, RoleSelect, useAction } from "../components";
import { emptyForm, toNewEngagement, validate, type NewEngagementForm } from "../forms";
import { useUnsaved } from "../unsaved";

const OPTIONAL_CATEGORIES: [Category, string][] = [
  ["availability", "Availability"],
  ["processing_integrity", "Processing Integrity"],
  ["confidentiality", "Confidentiality"],
  ["privacy", "Privacy"],
];

interface StartProps {
  onOpened: (o: Overview) => void;
  initialPath: string;
  initialError: string | null;
}

export function Start({ onOpened, initialPath, initialError }: StartProps) {
  return (
    <div className="page start">
      <header className="bar">
        <h1>Tickmark</h1>
        <span className="muted">SOC 2 fieldwork, offline and encrypted</span>
      </header>
      <div className="columns">
        <div>
          <OpenForm onOpened={onOpened} initialPath={initialPath} initialError={initialError} />
          <JoinForm onOpened={onOpened} />
        </div>
        <CreateForm onOpened={onOpened} />
      </div>
    </div>
  );
}

function OpenForm({ onOpened, initialPath, initialError }: StartProps) {
  const [path, setPath] = useState(initialPath);
  const [passphrase, setPassphrase] = useState("");
  const [error, setError] = useState<string | null>(initialError);
  const [busy, setBusy] = useState(false);
  const [recent, setRecent] = useState<RecentFile[]>([]);

  useEffect(() => {
    api.recentFiles().then(setRecent, () => setRecent([]));
  }, []);

  async function forget(p: string) {
    setRecent(await api.forgetRecentFile(p));
  }

  async function browse() {
    const chosen = await api.chooseExistingFile();
    if (chosen) setPath(chosen);
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onOpened(await api.openEngagement(path, passphrase));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
      setPassphrase("");
    }
  }

  return (
    <form className="card" onSubmit={submit} aria-label="Open an engagement">
      <h2>Open an engagement</h2>
      {recent.length > 0 && (
        <div className="recent">
          <h3>Recent files</h3>
          <ul data-testid="recent-files">
            {recent.map((f) => (
              <li key={f.path}>
                <button type="button" className="link path" disabled={!f.exists} onClick={() => setPath(f.path)} title={f.exists ? "Choose this file" : "The file is no longer there"}>
                  {f.path}
                </button>
                <span className="muted">{f.exists ? new Date(f.opened_at).toLocaleDateString() : "missing"}</span>
                <button type="button" className="link" onClick={() => forget(f.path)} aria-label={`Forget ${f.path}`}>
                  Forget
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
      <Field label="Engagement file">
        <div className="row">
          <input data-testid="open-path" value={path} onChange={(e) => setPath(e.target.value)} placeholder="/path/to/client.tickmark" />
          <button type="button" onClick={browse} data-testid="open-browse">
            Browse…
          </button>
        </div>
      </Field>
      <Field label="Passphrase">
        <input data-testid="open-passphrase" type="password" autoComplete="off" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} />
      </Field>
      {error && (
        <p className="error" role="alert" data-testid="open-error">
          {error}
        </p>
      )}
      <button type="submit" className="primary" data-testid="open-submit" disabled={busy || !path || !passphrase}>
        {busy ? "Opening…" : "Open"}
      </button>
    </form>
  );
}

/** A teammate's own copy of an engagement shared in a folder (`tickmark join`). */
function JoinForm({ onOpened }: { onOpened: (o: Overview) => void }) {
  const [folder, setFolder] = useState("");
  const [path, setPath] = useState("");
  const [passphrase, setPassphrase] = useState("");
  const action = useAction();

  async function browse() {
    const chosen = await api.chooseNewFile();
    if (chosen) setPath(chosen);
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const joined = await action.run(() => api.joinEngagement(folder.trim(), path.trim(), passphrase));
    setPassphrase("");
    if (joined) onOpened(joined);
  }

  return (
    <form className="card" onSubmit={submit} aria-label="Join a shared engagement">
      <h2>Join a shared engagement</h2>
      <p className="muted">Makes your own copy of an engagement a teammate shared in a folder; you work in it offline and sync with the folder.</p>
      <Field label="Shared folder">
        <input data-testid="join-folder" value={folder} onChange={(e) => setFolder(e.target.value)} placeholder="/path/to/shared folder" />
      </Field>
      <Field label="Your copy (a new file)">
        <div className="row">
          <input data-testid="join-path" value={path} onChange={(e) => setPath(e.target.value)} placeholder="/path/to/client.tickmark" />
          <button type="button" onClick={browse} data-testid="join-browse">
            Browse…
          </button>
        </div>
      </Field>
      <Field label="The engagement's passphrase">
        <input data-testid="join-passphrase" type="password" autoComplete="off" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} />
      </Field>
      <ErrorNote error={action.error} testid="join-error" />
      <button type="submit" className="primary" data-testid="join-submit" disabled={action.busy || !folder.trim() || !path.trim() || !passphrase}>
        {action.busy ? "Joining…" : "Join"}
      </button>
    </form>
  );
}

function CreateForm({ onOpened }: { onOpened: (o: Overview) => void }) {
  const [form, setForm] = useState<NewEngagementForm>(emptyForm);
  useUnsaved("a new engagement", JSON.stringify(form) !== JSON.stringify(emptyForm));
  const [touched, setTouched] = useState<Partial<Record<keyof NewEngagementForm, boolean>>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const errors = validate(form);
  const shown = (k: keyof NewEngagementForm) => (touched[k] ? errors[k] : undefined);

  function set<K extends keyof NewEngagementForm>(key: K, value: NewEngagementForm[K]) {
    setForm((f) => ({ ...f, [key]: value }));
    setTouched((t) => ({ ...t, [key]: true }));
  }

  function toggle(c: Category) {
    set("categories", form.categories.includes(c) ? form.categories.filter((x) => x !== c) : [...form.categories, c]);
  }

  async function browse() {
    const chosen = await api.chooseNewFile();
    if (chosen) set("path", chosen);
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (Object.keys(errors).length > 0) {
      setTouched(Object.fromEntries(Object.keys(form).map((k) => [k, true])));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onOpened(await api.createEngagement(form.path.trim(), form.passphrase, toNewEngagement(form)));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  const text = (key: keyof NewEngagementForm, label: string, type = "text", placeholder?: string) => (
    <Field label={label} error={shown(key)}>
      <input
        data-testid={`new-${key}`}
        type={type}
        placeholder={placeholder}
        autoComplete="off"
        value={form[key] as string}
        onChange={(e) => set(key, e.target.value as never)}
        aria-invalid={!!shown(key)}
      />
    </Field>
  );

  return (
    <form className="card" onSubmit={submit} aria-label="Create an engagement">
      <h2>Create an engagement</h2>
      {text("client", "Client")}
      {text("system", "System")}
      <fieldset>
        <legend>Examination</legend>
        <label className="inline">
          <input type="radio" data-testid="new-type1" checked={form.kind === "type1"} onChange={() => set("kind", "type1")} /> Type 1 (design, as of a date)
        </label>
        <label className="inline">
          <input type="radio" data-testid="new-type2" checked={form.kind === "type2"} onChange={() => set("kind", "type2")} /> Type 2 (operating effectiveness, a period)
        </label>
        {form.kind === "type1" ? (
          text("asOf", "As of", "text", "YYYY-MM-DD")
        ) : (
          <div className="row">
            {text("periodStart", "Period start", "text", "YYYY-MM-DD")}
            {text("periodEnd", "Period end", "text", "YYYY-MM-DD")}
          </div>
        )}
      </fieldset>
      <fieldset>
        <legend>Categories in scope</legend>
        <label className="inline">
          <input type="checkbox" checked disabled /> Security (always)
        </label>
        {OPTIONAL_CATEGORIES.map(([c, label]) => (
          <label className="inline" key={c}>
            <input type="checkbox" data-testid={`new-category-${c}`} checked={form.categories.includes(c)} onChange={() => toggle(c)} /> {label}
          </label>
        ))}
      </fieldset>
      <div className="row">
        {text("name", "Your name")}
        {text("initials", "Initials")}
        <RoleSelect testid="new-role" value={form.role} onChange={(r) => set("role", r)} />
      </div>
      <Field label="Save as" error={shown("path")}>
        <div className="row">
          <input data-testid="new-path" value={form.path} onChange={(e) => set("path", e.target.value)} placeholder="/path/to/client.tickmark" />
          <button type="button" onClick={browse}>
            Browse…
          </button>
        </div>
      </Field>
      <div className="row">
        {text("passphrase", "Passphrase", "password")}
        {text("confirm", "Repeat passphrase", "password")}
      </div>
      {error && (
        <p className="error" role="alert" data-testid="new-error">
          {error}
        </p>
      )}
      <button type="submit" className="primary" data-testid="new-submit" disabled={busy}>
        {busy ? "Creating…" : "Create engagement file"}
      </button>
    </form>
  );
}
