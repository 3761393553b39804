import { spawn } from "node:child_process";
import { type LabInfo, labStatus, labUp, tearDownLabQuietly } from "../src/adapters/lab/index.js";
import { atInterrupt } from "./benchProcess.js";

/** The lock every lab user on this machine takes: there is one lab per machine (fixed names). */
export const LAB_LOCK = "/run/hostroot-lab-test.lock";

/**
 * Takes the machine's lab lock exclusively, waiting for whoever holds it. A `flock` child holds it
 * for us: it runs `cat` on a pipe from this process, so the lock is released when we close the
 * pipe, and also when this process dies in any way (the pipe closes, `cat` and `flock` exit).
 */
export function takeLabLock(log: (line: string) => void): Promise<{ release: () => Promise<void> }> {
  return new Promise((resolve, reject) => {
    const child = spawn("flock", ["--exclusive", LAB_LOCK, "sh", "-c", "echo locked; exec cat >/dev/null"], {
      stdio: ["pipe", "pipe", "inherit"],
    });
    const waiting = setTimeout(() => log(`waiting for ${LAB_LOCK} (other lab tests are running)`), 500);
    // Interrupted while still waiting: stop our flock, which would otherwise take the lock later.
    const stopWaiting = atInterrupt(async () => {
      child.kill("SIGTERM");
    });
    const exited = new Promise<void>((done) => child.once("exit", () => done()));
    child.once("error", (error) => {
      clearTimeout(waiting);
      stopWaiting();
      reject(new Error(`cannot run flock: ${error.message}`));
    });
    child.once("exit", (code, signal) => {
      clearTimeout(waiting);
      stopWaiting();
      reject(new Error(`flock ${LAB_LOCK} ended before locking (${code ?? signal})`));
    });
    child.stdout.setEncoding("utf8").once("data", () => {
      clearTimeout(waiting);
      stopWaiting();
      resolve({
        release: async () => {
          child.stdin.end();
          await exited;
        },
      });
    });
  });
}

/**
 * Runs `use` with a lab of `hosts` hosts that this process alone uses: takes the lab lock, brings
 * the lab up (after taking down one this benchmark left earlier in the same state directory), and
 * always takes it down again and releases the lock, also on an error or an interrupt.
 */
export async function withExclusiveLab<T>(
  options: { hosts: number; stateDir: string; log: (line: string) => void },
  use: (info: LabInfo) => Promise<T>,
): Promise<T> {
  const { hosts, stateDir, log } = options;
  const lock = await takeLabLock(log);
  let finished: Promise<void> | undefined;
  // One teardown, shared by the normal path and an interrupt that arrives during it.
  const finish = () => {
    finished ??= (async () => {
      // labDown names every object it removes; one summary line is enough here.
      const down = await tearDownLabQuietly({ stateDir });
      const status = await labStatus({ stateDir });
      if (down.error || status.kind !== "down" || status.leftovers.length > 0) {
        log(
          `WARNING: the lab may not be fully down (${down.error ?? status.kind}); check before other tests run`,
        );
      } else {
        log(`lab is down (${down.removed.length} objects removed)`);
      }
      await lock.release();
    })();
    return finished;
  };
  const unregister = atInterrupt(finish);
  try {
    const before = await labStatus({ stateDir });
    // A state file in our own directory is an earlier run of this benchmark that was killed.
    if (before.kind !== "down") {
      log(`taking down a lab left by an earlier run in ${stateDir}`);
      await tearDownLabQuietly({ stateDir, log });
    }
    log(`bringing up ${hosts} lab hosts`);
    const info = await labUp({ hosts, stateDir, log });
    log(`lab up in ${(info.upMs / 1000).toFixed(1)} s`);
    return await use(info);
  } finally {
    await finish();
    unregister();
  }
}
