import { useEffect, useState } from "react";
import type { KeyForPartner, OpenItem, Overview, Role } from "../bindings";
import { api } from "../api";
import { BarChart, ErrorNote, Field, RoleSelect, SignedBy, useAction, useFieldErrors } from "../components";
import { stage, STAGES, testingPercent } from "../format";
import { useUnsaved } from "../unsaved";
import { errorsOf, initialsError, requiredError } from "../validate";

interface Props {
  overview: Overview;
  onOpenControl: (id: number) => void;
  onOverview: (o: Overview) => void;
}

export function OverviewScreen({ overview, onOpenControl, onOverview }: Props) {
  const { controls } = overview;
  const reviewed = controls.filter((c) => c.reviewer).length;
  const openNotes = controls.reduce((n, c) => n + c.open_review_notes, 0);
  const exceptions = controls.reduce((n, c) => n + c.exceptions, 0);
  return (
    <div className="overview">
      <section className="summary">
        <Figure label="Controls" value={controls.length} testid="overview-control-count" />
        <Figure label="Reviewed" value={`${reviewed} of ${controls.length}`} />
        <Figure label="Exceptions" value={exceptions} />
        <Figure label="Open review notes" value={openNotes} />
        <Figure label="Open requests" value={overview.open_requests} />
        <Figure label="Evidence files" value={overview.evidence_files} />
        <Figure label="Trail entries" value={overview.trail_entries} />
        <BarChart
          testid="overview-progress"
          legend={["controls"]}
          bars={STAGES.map((s) => ({ label: s, values: [controls.filter((c) => stage(c) === s).length] }))}
        />
      </section>
      <section>
        <h2>Open items</h2>
        {overview.open_items.length === 0 ? (
          <p className={controls.length ? "ok" : "muted"} data-testid="open-items">
            {controls.length ? "Nothing is open: every control is tested, concluded, prepared and reviewed." : "Nothing yet: add the controls in the control matrix."}
          </p>
        ) : (
          <div data-testid="open-items">
            <OpenItems items={overview.open_items.slice(0, OPEN_ITEMS_SHOWN)} first={0} onOpenControl={onOpenControl} />
            {overview.open_items.length > OPEN_ITEMS_SHOWN && (
              <details>
                <summary>and {overview.open_items.length - OPEN_ITEMS_SHOWN} more</summary>
                <OpenItems items={overview.open_items.slice(OPEN_ITEMS_SHOWN)} first={OPEN_ITEMS_SHOWN} onOpenControl={onOpenControl} />
              </details>
            )}
          </div>
        )}
      </section>
      <Team overview={overview} onOverview={onOverview} />
      <section>
        <h2>Controls</h2>
        {controls.length === 0 ? (
          <p className="muted">No controls yet: add them in the control matrix.</p>
        ) : (
          <div className="scroll">
            <table className="grid" data-testid="overview-controls">
              <thead>
                <tr>
                  <th>Ref</th>
                  <th>Control activity</th>
                  <th>Criteria</th>
                  <th>Stage</th>
                  <th title="Walkthroughs">Wt</th>
                  <th title="Populations">Pop</th>
                  <th title="Items in the live sample">Sample</th>
                  <th>Tested</th>
                  <th>Exc.</th>
                  <th>Prep.</th>
                  <th>Rev.</th>
                  <th>Notes</th>
                </tr>
              </thead>
              <tbody>
                {controls.map((c) => (
                  <tr key={c.id} className="clickable" onClick={() => onOpenControl(c.id)}>
                    <td className="ref">{c.reference}</td>
                    <td className="wrap">{c.description}</td>
                    <td>{c.criteria.join(", ")}</td>
                    <td>{stage(c)}</td>
                    <td>{c.walkthroughs || ""}</td>
                    <td>{c.populations || ""}</td>
                    <td>{c.sample_items || ""}</td>
                    <td>{c.results_expected ? `${testingPercent(c)}%` : "–"}</td>
                    <td>{c.exceptions || ""}</td>
                    <td>
                      <SignedBy initials={c.preparer} changed={c.preparer_changed} />
                    </td>
                    <td>
                      <SignedBy initials={c.reviewer} changed={c.reviewer_changed} />
                    </td>
                    <td>{c.open_review_notes || ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}

/** Enough to see what comes next without pushing the controls off a laptop's screen. */
const OPEN_ITEMS_SHOWN = 8;

function OpenItems({ items, first, onOpenControl }: { items: OpenItem[]; first: number; onOpenControl: (id: number) => void }) {
  return (
    <ul className="open-items">
      {items.map((item, i) => (
        <li key={first + i}>
          {item.control_id !== null ? (
            <button className="link ref" data-testid={`open-item-${first + i}`} onClick={() => onOpenControl(item.control_id!)}>
              {item.reference}
            </button>
          ) : (
            "Requests"
          )}
          : {item.text}
        </li>
      ))}
    </ul>
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

function Team({ overview, onOverview }: { overview: Overview; onOverview: (o: Overview) => void }) {
  const [name, setName] = useState("");
  const [initials, setInitials] = useState("");
  useUnsaved("a team member", !!(name.trim() || initials.trim()));
  const [role, setRole] = useState<Role>("manager");
  const action = useAction();
  const check = useFieldErrors(
    errorsOf({
      name: requiredError(name, "Enter the name as it will appear on sign-offs."),
      initials: initialsError(initials, overview.info.team.map((m) => m.initials)),
    }),
  );
  async function add() {
    if (!check.submit()) return;
    const o = await action.run(() => api.addTeamMember({ name, initials, role }));
    if (o) {
      setName("");
      setInitials("");
      check.reset();
      onOverview(o);
    }
  }
  return (
    <section>
      <h2>Team</h2>
      <p data-testid="team">{overview.info.team.map((m) => `${m.name} (${m.initials}, ${m.role})`).join(" · ")}</p>
      <ul data-testid="team-keys" className="muted">
        {overview.fingerprints.map((k) => (
          <li key={k.initials}>
            {k.initials}: {k.fingerprint ? `key ${k.fingerprint}` : "no personal key yet"}
          </li>
        ))}
      </ul>
      {overview.user && !overview.signed && <MakeKey key={overview.user} user={overview.user} forPartner={overview.key_for_partner} onOverview={onOverview} />}
      {overview.registers_keys && <RegisterKey overview={overview} onOverview={onOverview} />}
      {overview.team_closed ? (
        <p data-testid="team-closed" className="muted">
          {overview.team_closed}
        </p>
      ) : (
        <div className="row">
          <Field label="Name" error={check.shown("name")}>
            <input data-testid="member-name" value={name} onChange={check.change("name", setName)} />
          </Field>
          <Field label="Initials" error={check.shown("initials")}>
            <input data-testid="member-initials" value={initials} onChange={check.change("initials", setInitials)} />
          </Field>
          <RoleSelect testid="member-role" value={role} onChange={setRole} />
          <button data-testid="add-member" onClick={add} disabled={action.busy}>
            Add to team
          </button>
        </div>
      )}
      <ErrorNote error={action.error} testid="member-error" />
    </section>
  );
}

/** The signed-in member makes their personal key: kept in their own key file under a
 *  passphrase of their own, registered on the team; from then on they sign in with it. Once the
 *  partner signs with a key, the partner registers it: the member is shown its public key to
 *  give them, and its fingerprint to compare in person, whenever they come back to it while the
 *  file is open (`forPartner`, kept by the library), and signs in with it once it is registered. */
function MakeKey({ user, forPartner, onOverview }: { user: string; forPartner: KeyForPartner | null; onOverview: (o: Overview) => void }) {
  const [passphrase, setPassphrase] = useState("");
  const [again, setAgain] = useState("");
  useUnsaved("a key passphrase", !!(passphrase || again));
  const action = useAction();
  async function make() {
    if (passphrase !== again) {
      action.setError("The two passphrases differ.");
      return;
    }
    const o = await action.run(() => api.makeKey(passphrase));
    if (o) {
      setPassphrase("");
      setAgain("");
      onOverview(o);
    }
  }
  /** Signs in with the key made, kept unlocked for the session, once its registration is here. */
  async function signIn() {
    const o = await action.run(() => api.setUser(user));
    if (o) {
      if (!o.signed) action.setError("Your key is not registered on this copy yet: the partner registers it, and it arrives with Team sync.");
      onOverview(o);
    }
  }
  return (
    <div className="row" data-testid="make-key">
      {!forPartner?.registered && (
        <>
          <Field label="Your key's passphrase (your own, not the file's)">
            <input type="password" data-testid="key-passphrase" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} />
          </Field>
          <Field label="Again">
            <input type="password" data-testid="key-passphrase-again" value={again} onChange={(e) => setAgain(e.target.value)} />
          </Field>
          <button data-testid="make-key-confirm" onClick={make} disabled={action.busy || !passphrase}>
            Make my signing key
          </button>
        </>
      )}
      <ErrorNote error={action.error} testid="make-key-error" />
      {forPartner && (
        <div data-testid="key-for-partner">
          {forPartner.registered ? (
            <p>The engagement partner has registered your key {forPartner.fingerprint}: sign in with it.</p>
          ) : (
            <p>
              Your key is made and kept where Tickmark keeps keys. The engagement partner registers it: give them its public key{" "}
              <code data-testid="key-public">{forPartner.public_key}</code> and compare its fingerprint {forPartner.fingerprint} with theirs in person.
              Once the registration reaches this copy (Team sync), sign in with it.
            </p>
          )}
          <button data-testid="sign-in-own-key" onClick={signIn} disabled={action.busy}>
            Sign in with my key
          </button>
        </div>
      )}
    </div>
  );
}

/** The engagement partner, signed in with their key, registers a member's key: a first key
 *  (given them by the member, its fingerprint compared in person before registering) or one
 *  replacing a lost key, said so before it is done. */
function RegisterKey({ overview, onOverview }: { overview: Overview; onOverview: (o: Overview) => void }) {
  const others = overview.info.team.filter((m) => m.initials !== overview.user);
  const [picked, setPicked] = useState<string | null>(null);
  const [publicKey, setPublicKey] = useState("");
  const [fingerprint, setFingerprint] = useState<{ key: string; text: string } | null>(null);
  useUnsaved("a member's public key", !!publicKey.trim());
  const action = useAction();
  // Picked by the partner, never by default: a bare public key names nobody.
  const member = others.find((m) => m.initials === picked);
  const typed = publicKey.trim();
  useEffect(() => {
    if (!/^[0-9a-fA-F]{64}$/.test(typed)) return;
    let current = true;
    api.keyFingerprint(typed).then(
      (text) => current && setFingerprint({ key: typed, text }),
      () => current && setFingerprint({ key: typed, text: "not a public key" }),
    );
    return () => {
      current = false;
    };
  }, [typed]);
  async function register() {
    if (!member) return;
    const o = await action.run(() => api.registerKey(member.initials, typed));
    if (o) {
      setPublicKey("");
      setPicked(null);
      onOverview(o);
    }
  }
  if (!others.length) return null;
  return (
    <div className="row" data-testid="register-key">
      <Field label="Member">
        <select data-testid="register-member" value={member?.initials ?? ""} onChange={(e) => setPicked(e.target.value || null)}>
          <option value="">Choose whose key it is</option>
          {others.map((m) => (
            <option key={m.initials} value={m.initials}>
              {m.initials}
              {m.public_key ? "" : " (no key yet)"}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Their public key (64 hex digits)">
        <input data-testid="register-public-key" value={publicKey} onChange={(e) => setPublicKey(e.target.value)} />
      </Field>
      {fingerprint && fingerprint.key === typed && <span data-testid="register-fingerprint">fingerprint {fingerprint.text}</span>}
      {member?.public_key && <span data-testid="register-replaces">{member.initials} has a key: registering replaces it (a lost key).</span>}
      <button data-testid="register-key-confirm" onClick={register} disabled={action.busy || !typed || !member}>
        {member?.public_key ? "Replace their key" : "Register their key"}
      </button>
      <ErrorNote error={action.error} testid="register-key-error" />
    </div>
  );
}
