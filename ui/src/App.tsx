import { useEffect, useState } from "react";
import type { Overview, Startup } from "./bindings";
import { api, errorMessage } from "./api";
import { Start } from "./screens/Start";
import { Shell } from "./screens/Shell";
import { UnsavedGuard } from "./unsaved";

export function App() {
  const [startup, setStartup] = useState<Startup | null>(null);
  const [overview, setOverview] = useState<Overview | null>(null);

  useEffect(() => {
    api
      .startup()
      .then((s) => {
        setStartup(s);
        if (s.overview) setOverview(s.overview);
      })
      .catch((e) => setStartup({ path: null, overview: null, error: { code: "internal", message: errorMessage(e), details: [] } }));
  }, []);

  if (!startup) return null;
  return (
    <UnsavedGuard>
      {overview ? (
        <Shell overview={overview} onOverview={setOverview} onClosed={() => setOverview(null)} />
      ) : (
        <Start onOpened={setOverview} initialPath={startup.path ?? ""} initialError={startup.error?.message ?? null} />
      )}
    </UnsavedGuard>
  );
}
