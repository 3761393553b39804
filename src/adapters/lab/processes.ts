import { existsSync, readFileSync } from "node:fs";

/**
 * A process as the lab records it: the PID plus its start time (in clock ticks since boot), so a
 * PID that the kernel reused for someone else's process is never mistaken for ours.
 */
export interface ProcessRef {
  pid: number;
  startTime: string;
}

/** Field 22 of /proc/PID/stat, or undefined when the process is gone. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

/** A reference to a live process, taken right after it was spawned. */
export function processRef(pid: number): ProcessRef | undefined {
  const startTime = processStartTime(pid);
  return startTime === undefined ? undefined : { pid, startTime };
}

/** True while the very process we recorded lives (not a zombie, not a reused PID). */
export function isAlive(ref: ProcessRef): boolean {
  if (processStartTime(ref.pid) !== ref.startTime) return false;
  try {
    const state = readFileSync(`/proc/${ref.pid}/stat`, "utf8");
    return state.slice(state.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

/** The command name of a PID ("sshd"), or undefined when it is gone. */
export function processName(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return undefined;
  }
}

/** Direct children of a process (needs CONFIG_PROC_CHILDREN, as every Debian kernel has). */
export function childPids(pid: number): number[] {
  const f = `/proc/${pid}/task/${pid}/children`;
  if (!existsSync(f)) return [];
  try {
    return readFileSync(f, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * SIGKILLs the given processes (SIGTERM is no use: `unshare --fork` ignores it) and waits up to
 * `timeoutMs` for them to be gone. Returns the PIDs it signalled.
 */
export async function killAndWait(refs: readonly ProcessRef[], timeoutMs = 5000): Promise<number[]> {
  const live = refs.filter(isAlive);
  for (const r of live) {
    try {
      process.kill(r.pid, "SIGKILL");
    } catch {
      // Gone between the check and the kill: that is what we wanted.
    }
  }
  const deadline = Date.now() + timeoutMs;
  while (live.some(isAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return live.map((r) => r.pid);
}
