import { quoteArg } from "./shellQuote.js";

/** Options for {@link wrapWithHostLock}. */
export interface HostLockOptions {
  /** Absolute path of the lock file on the host, e.g. `/run/hostroot.lock` (gone at reboot). */
  lockFile: string;
  /** How long to wait for another hostroot operation on the same host; 0 = do not wait. */
  timeoutSeconds: number;
  /** Who and what, in words ("deploy of acme/app@1a2b3c by @alice"); shown to whoever waits. */
  holder: string;
}

/** Exit code of a wrapped script that did not get the lock in time (EX_TEMPFAIL). */
export const LOCK_TIMEOUT_EXIT = 75;

const LOCK_MARKER = "::hostroot-lock";

/**
 * Wraps a host script so it runs only while holding an exclusive flock on the host. The lock is
 * tied to fd 9 of the outer shell, so it is released when that shell exits, however it exits
 * (end, failure, SSH drop, kill). The script itself runs in a subshell that closes fd 9 first:
 * otherwise `lxc-start -d`'s monitor or a service started by a step would inherit the fd and
 * hold the lock for as long as it lives. After acquiring, the holder is written as one JSON line
 * (`{"holder":…,"pid":…,"since":…}`) to `<lockFile>.holder`; a script that has to wait prints
 * `::hostroot-lock waiting <that JSON>` once, then `::hostroot-lock acquired` or
 * `::hostroot-lock timeout <JSON>` (and exits with {@link LOCK_TIMEOUT_EXIT}).
 */
export function wrapWithHostLock(script: string, options: HostLockOptions): string {
  const { lockFile, timeoutSeconds, holder } = options;
  if (!lockFile.startsWith("/")) throw new Error("wrapWithHostLock: lockFile must be an absolute path");
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 0) {
    throw new Error("wrapWithHostLock: timeoutSeconds must be a non-negative integer");
  }
  // The holder file is printed inside a marker line: drop control characters so it stays one line.
  const current = `"$(tr -d '\\000-\\037' 2>/dev/null <"$hostroot_holder")"`;
  return [
    "set -u",
    `hostroot_lock=${quoteArg(lockFile)}`,
    `hostroot_holder=${quoteArg(`${lockFile}.holder`)}`,
    `exec 9>>"$hostroot_lock" || exit ${LOCK_TIMEOUT_EXIT}`,
    "if ! flock -n 9; then",
    // The holder writes its file just after taking the lock: give it a moment, or two operations
    // starting together would report "an unknown holder".
    "  hostroot_i=0",
    '  while [ ! -s "$hostroot_holder" ] && [ "$hostroot_i" -lt 20 ]; do sleep 0.05; hostroot_i=$((hostroot_i + 1)); done',
    `  printf '%s %s\\n' ${quoteArg(`${LOCK_MARKER} waiting`)} ${current}`,
    `  if ! flock -w ${timeoutSeconds} 9; then`,
    `    printf '%s %s\\n' ${quoteArg(`${LOCK_MARKER} timeout`)} ${current}`,
    `    exit ${LOCK_TIMEOUT_EXIT}`,
    "  fi",
    "fi",
    `printf '{"holder":%s,"pid":%s,"since":"%s"}\\n' ${quoteArg(JSON.stringify(holder))} "$$" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$hostroot_holder"`,
    `printf '%s\\n' ${quoteArg(`${LOCK_MARKER} acquired`)}`,
    "(",
    "exec 9>&-",
    script.endsWith("\n") ? script.slice(0, -1) : script,
    ")",
    "hostroot_rc=$?",
    // Still holding the lock here, so this cannot remove a later holder's file.
    'rm -f -- "$hostroot_holder"',
    'exit "$hostroot_rc"',
    "",
  ].join("\n");
}

/** Who held a host lock, as its holder file said; `raw` when the file was not the expected JSON. */
export type LockHolderInfo = { holder: string; pid: number; since: string } | { raw: string };

/** What the lock markers of one run say; `none` when there are none (the run never got that far). */
export type LockReport =
  | { kind: "acquired"; waitedFor?: LockHolderInfo }
  | { kind: "timeout"; heldBy: LockHolderInfo }
  | { kind: "none" };

function holderInfo(text: string): LockHolderInfo {
  try {
    const v = JSON.parse(text) as Record<string, unknown>;
    if (typeof v.holder === "string" && typeof v.pid === "number" && typeof v.since === "string") {
      return { holder: v.holder, pid: v.pid, since: v.since };
    }
  } catch {
    // A missing or foreign holder file is reported as is.
  }
  return { raw: text };
}

/** Reads the lock markers printed by a script from {@link wrapWithHostLock}. */
export function parseLockMarkers(stdout: string): LockReport {
  let waitedFor: LockHolderInfo | undefined;
  for (const line of stdout.split("\n")) {
    if (!line.startsWith(`${LOCK_MARKER} `)) continue;
    const rest = line.slice(LOCK_MARKER.length + 1);
    const [word] = rest.split(" ", 1);
    const payload = rest.slice((word ?? "").length + 1);
    if (word === "waiting") waitedFor = holderInfo(payload);
    else if (word === "timeout") return { kind: "timeout", heldBy: holderInfo(payload) };
    else if (word === "acquired") return waitedFor ? { kind: "acquired", waitedFor } : { kind: "acquired" };
  }
  return { kind: "none" };
}
