import { useEffect, useState } from "react";
import type { Complementary as Held, SubserviceMethod } from "../bindings";
import { api } from "../api";
import { ErrorNote, Field, useAction } from "../components";
import { parseCriteria } from "../controlForm";
import { useUnsaved } from "../unsaved";

const blankUser = { text: "", criteria: "" };
const blankSubservice = { name: "", services: "", method: "carved_out" as SubserviceMethod, controls: "", criteria: "" };

/**
 * What the criteria rely on beyond the client's own controls: complementary user entity controls
 * (CUEC-n) and subservice organisations, carved out or inclusive. The report prints both.
 */
export function ComplementaryControls() {
  const [held, setHeld] = useState<Held>({ user_entity_controls: [], subservices: [] });
  const [user, setUser] = useState(blankUser);
  const [sub, setSub] = useState(blankSubservice);
  const action = useAction();
  useUnsaved("a complementary user entity control", JSON.stringify(user) !== JSON.stringify(blankUser));
  useUnsaved("a subservice organization", JSON.stringify(sub) !== JSON.stringify(blankSubservice));

  async function load() {
    const h = await action.run(() => api.complementary());
    if (h) setHeld(h);
  }
  useEffect(() => {
    void load();
  }, []);

  async function change(run: () => Promise<unknown>, reset: () => void) {
    if ((await action.run(run)) !== undefined) {
      reset();
      await load();
    }
  }

  return (
    <div className="card" data-testid="complementary">
      <h2>Complementary controls</h2>
      <ErrorNote error={action.error} testid="complementary-error" />
      <h3>Complementary user entity controls</h3>
      {held.user_entity_controls.length === 0 && <p className="muted">None recorded: the report says the criteria are met without controls at user entities.</p>}
      <ul data-testid="cuec-list">
        {held.user_entity_controls.map((c) => (
          <li key={c.id}>
            <strong>CUEC-{c.number}</strong> {c.text} <span className="muted">({c.criteria.join(", ")})</span>{" "}
            <button onClick={() => change(() => api.removeUserEntityControl(c.id), () => {})}>Remove</button>
          </li>
        ))}
      </ul>
      <div className="row">
        <Field label="Control user entities are expected to have">
          <textarea data-testid="cuec-text" rows={2} value={user.text} onChange={(e) => setUser({ ...user, text: e.target.value })} />
        </Field>
        <Field label="Criteria">
          <input data-testid="cuec-criteria" value={user.criteria} placeholder="CC6.2, CC6.3" onChange={(e) => setUser({ ...user, criteria: e.target.value })} />
        </Field>
        <button
          data-testid="add-cuec"
          disabled={action.busy}
          onClick={() => change(() => api.addUserEntityControl({ text: user.text, criteria: parseCriteria(user.criteria) }), () => setUser(blankUser))}
        >
          Add
        </button>
      </div>

      <h3>Subservice organizations</h3>
      {held.subservices.length === 0 && <p className="muted">None recorded.</p>}
      <ul data-testid="subservice-list">
        {held.subservices.map((s) => (
          <li key={s.id}>
            <strong>{s.name}</strong> ({s.method === "carved_out" ? "carved out" : "inclusive"}): {s.services} <span className="muted">({s.criteria.join(", ")})</span>{" "}
            <button onClick={() => change(() => api.removeSubservice(s.id), () => {})}>Remove</button>
            {s.controls.length > 0 && (
              <ul>
                {s.controls.map((c, i) => (
                  <li key={i}>{c}</li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ul>
      <div className="row">
        <Field label="Name">
          <input data-testid="subservice-name" value={sub.name} onChange={(e) => setSub({ ...sub, name: e.target.value })} />
        </Field>
        <Field label="Services it provides">
          <input data-testid="subservice-services" value={sub.services} placeholder="hosting of the production environment" onChange={(e) => setSub({ ...sub, services: e.target.value })} />
        </Field>
        <Field label="Presented">
          <select data-testid="subservice-method" value={sub.method} onChange={(e) => setSub({ ...sub, method: e.target.value as SubserviceMethod })}>
            <option value="carved_out">Carved out</option>
            <option value="inclusive">Inclusive</option>
          </select>
        </Field>
        <Field label="Criteria">
          <input data-testid="subservice-criteria" value={sub.criteria} onChange={(e) => setSub({ ...sub, criteria: e.target.value })} />
        </Field>
      </div>
      {sub.method === "carved_out" && (
        <Field label="Complementary subservice organization controls assumed (one per line)">
          <textarea data-testid="subservice-controls" rows={3} value={sub.controls} onChange={(e) => setSub({ ...sub, controls: e.target.value })} />
        </Field>
      )}
      <button
        data-testid="add-subservice"
        disabled={action.busy}
        onClick={() =>
          change(
            () =>
              api.addSubservice({
                name: sub.name,
                services: sub.services,
                method: sub.method,
                controls: sub.method === "carved_out" ? sub.controls.split("\n").map((c) => c.trim()).filter(Boolean) : [],
                criteria: parseCriteria(sub.criteria),
              }),
            () => setSub(blankSubservice),
          )
        }
      >
        Add subservice organization
      </button>
    </div>
  );
}
