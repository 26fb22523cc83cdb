import { useEffect, useState } from "react";
import type { Overview, Startup } from "./bindings";
import { api, errorMessage } from "./api";
import { Start } from "./screens/Start";
import { OverviewScreen } from "./screens/Overview";

export function App() {
  const [startup, setStartup] = useState<Startup | null>(null);
  const [overview, setOverview] = useState<Overview | null>(null);
  const [closeError, setCloseError] = useState<string | null>(null);

  useEffect(() => {
    api
      .startup()
      .then((s) => {
        setStartup(s);
        if (s.overview) setOverview(s.overview);
      })
      .catch((e) => setStartup({ path: null, overview: null, error: { code: "internal", message: errorMessage(e) } }));
  }, []);

  async function close() {
    try {
      await api.closeEngagement();
      setOverview(null);
      setCloseError(null);
    } catch (e) {
      setCloseError(errorMessage(e));
    }
  }

  if (!startup) return null;
  return overview ? (
    <OverviewScreen overview={overview} onClose={close} error={closeError} />
  ) : (
    <Start onOpened={setOverview} initialPath={startup.path ?? ""} initialError={startup.error?.message ?? null} />
  );
}
