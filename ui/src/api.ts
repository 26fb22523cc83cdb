// The only way the UI reaches the shell: one typed function per Tauri command.
import { invoke } from "@tauri-apps/api/core";
import type { CommandError, NewEngagement, Overview, Startup } from "./bindings";

export const api = {
  chooseNewFile: () => invoke<string | null>("choose_new_file"),
  chooseExistingFile: () => invoke<string | null>("choose_existing_file"),
  createEngagement: (path: string, passphrase: string, engagement: NewEngagement) =>
    invoke<Overview>("create_engagement", { path, passphrase, engagement }),
  openEngagement: (path: string, passphrase: string) => invoke<Overview>("open_engagement", { path, passphrase }),
  closeEngagement: () => invoke<null>("close_engagement"),
  overview: () => invoke<Overview>("overview"),
  startup: () => invoke<Startup>("startup"),
};

export function isCommandError(e: unknown): e is CommandError {
  return typeof e === "object" && e !== null && "code" in e && "message" in e;
}

/** What to tell the auditor about a failed command. */
export function errorMessage(e: unknown): string {
  if (isCommandError(e)) return e.message;
  return `Unexpected error: ${String(e)}`;
}
