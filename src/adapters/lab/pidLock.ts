import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { isAlive, type ProcessRef, processRef } from "./processes.js";

/** The outcome of trying to take a lock file. */
export type LockResult = { kind: "locked"; release: () => void } | { kind: "held"; by: ProcessRef };

/**
 * Takes `file` as a lock holding this process's PID and start time. A lock whose process is dead
 * (a killed run) is stale and taken over; a live holder is reported, never waited for.
 */
export function takeLock(file: string): LockResult {
  mkdirSync(dirname(file), { recursive: true });
  const me = processRef(process.pid);
  if (!me) throw new Error("cannot read this process's own /proc entry");
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, "wx", 0o644);
      writeSync(fd, JSON.stringify(me));
      closeSync(fd);
      return {
        kind: "locked",
        release: () => {
          if (readHolder(file)?.pid === me.pid) rmSync(file, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const holder = readHolder(file);
      if (holder && isAlive(holder) && holder.pid !== me.pid) return { kind: "held", by: holder };
      rmSync(file, { force: true });
    }
  }
  throw new Error(`could not take lock ${file}`);
}

/** The live process holding `file`, or undefined when the lock is free or stale. */
export function lockHolder(file: string): ProcessRef | undefined {
  const h = readHolder(file);
  return h && isAlive(h) ? h : undefined;
}

function readHolder(file: string): ProcessRef | undefined {
  try {
    const v = JSON.parse(readFileSync(file, "utf8")) as ProcessRef;
    return typeof v.pid === "number" && typeof v.startTime === "string" ? v : undefined;
  } catch {
    return undefined;
  }
}
