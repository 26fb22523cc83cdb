// Text typed and not yet saved. Forms say what they hold; leaving the screen, closing the file
// or closing the window asks before discarding it, since an auditor's half-written narrative
// or response is work that cannot be redone from memory.
import { createContext, useContext, useEffect, useId, useMemo, useRef, useState, type ReactNode } from "react";
import { api } from "./api";

/** Which forms hold unsaved text, and what each holds, in the order they began. */
export class UnsavedForms {
  private forms = new Map<string, string>();

  /** Records that form `id` holds `what`, or nothing (null). Says whether `any()` changed. */
  mark(id: string, what: string | null): boolean {
    const before = this.any();
    if (what) this.forms.set(id, what);
    else this.forms.delete(id);
    return before !== this.any();
  }

  any(): boolean {
    return this.forms.size > 0;
  }

  /** What would be lost, each kind once: "a walkthrough, a review note". */
  describe(): string {
    return [...new Set(this.forms.values())].join(", ");
  }
}

interface Guard {
  mark(id: string, what: string | null): void;
  /** Runs `go` now, or once the auditor agrees to discard what is unsaved. */
  leave(go: () => void): void;
}

const GuardContext = createContext<Guard>({ mark: () => {}, leave: (go) => go() });

/** While `dirty`, leaving asks before discarding `what` ("a walkthrough"). */
export function useUnsaved(what: string, dirty: boolean) {
  const id = useId();
  const guard = useContext(GuardContext);
  useEffect(() => {
    guard.mark(id, dirty ? what : null);
    return () => guard.mark(id, null);
  }, [guard, id, what, dirty]);
}

/** Moves away from the screen: `leave(() => …)`. */
export function useLeave(): (go: () => void) => void {
  return useContext(GuardContext).leave;
}

/**
 * Holds the registry and the question. The shell is told whether anything is unsaved, so that
 * closing the window asks too: the window's close is held back, and the question comes here.
 */
export function UnsavedGuard({ children }: { children: ReactNode }) {
  const forms = useRef(new UnsavedForms()).current;
  const [asking, setAsking] = useState<{ what: string; go: () => void } | null>(null);
  const guard = useMemo<Guard>(
    () => ({
      mark(id, what) {
        if (forms.mark(id, what)) void api.setUnsaved(forms.any());
      },
      leave(go) {
        if (forms.any()) setAsking({ what: forms.describe(), go });
        else go();
      },
    }),
    [forms],
  );
  useEffect(() => {
    void api.watchCloseRequests(() => guard.leave(() => void api.closeWindow()));
  }, [guard]);

  return (
    <GuardContext.Provider value={guard}>
      {asking && (
        <div className="confirm confirm-leave" role="alertdialog" data-testid="confirm-leave">
          Not saved yet: {asking.what}. Discard it?
          <button
            data-testid="leave-discard"
            onClick={() => {
              setAsking(null);
              asking.go();
            }}
          >
            Discard
          </button>
          <button className="primary" data-testid="keep-editing" onClick={() => setAsking(null)} autoFocus>
            Keep editing
          </button>
        </div>
      )}
      {children}
    </GuardContext.Provider>
  );
}
