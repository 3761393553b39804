import { wrapWithHostLock } from "./hostLock.js";
import { shellQuote } from "./shellQuote.js";

/** Directory of the host lock; on tmpfs, so a lock never outlives a reboot. */
export const HOST_LOCK_DIR = "/run/hostroot";

/**
 * The one lock file every hostroot operation takes on a host (deploy, restart, upgrade-hosts,
 * hosts prepare), so two operations never work on the same host at once.
 */
export const HOST_LOCK_FILE = `${HOST_LOCK_DIR}/host.lock`;

/**
 * {@link wrapWithHostLock} on {@link HOST_LOCK_FILE}, preceded by creating its directory: /run is
 * emptied at boot, and a missing directory would otherwise look like a lock timeout.
 */
export function lockedHostScript(
  script: string,
  options: { holder: string; timeoutSeconds: number },
): string {
  const mkdir = shellQuote(["mkdir", "-p", "--", HOST_LOCK_DIR]);
  return `${mkdir}\n${wrapWithHostLock(script, { lockFile: HOST_LOCK_FILE, ...options })}`;
}
