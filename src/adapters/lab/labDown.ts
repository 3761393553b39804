import { existsSync, readdirSync, readFileSync, rmdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { findLabCgroups, removeCgroupTree } from "./hostCgroups.js";
import { LabError } from "./labError.js";
import { BRIDGE } from "./labNames.js";
import { labPaths, readLabState, resolveStateDir } from "./labState.js";
import { assertNothingMountedUnder, unmountAllUnder } from "./mountInfo.js";
import { labLinkNames, labNetnsNames, netnsPids } from "./network.js";
import { takeLock } from "./pidLock.js";
import { assertLabAvailable } from "./preflight.js";
import { isAlive, killAndWait, type ProcessRef, processRef } from "./processes.js";
import { run } from "./run.js";

/** Options for {@link labDown}. */
export interface LabDownOptions {
  stateDir?: string;
  log?: (line: string) => void;
}

/**
 * Removes everything the lab made, also after a failed or killed `labUp` whose state file is
 * missing or partial: what the state names plus whatever carries the lab's prefix (netns and
 * veths `hrlab-hN`, bridge `hrlab0`, cgroups `hrlab-hN`) and whatever is mounted under the state
 * directory. Safe to run twice. Refuses while another lab up or down is running.
 */
export async function labDown(options: LabDownOptions = {}): Promise<{ removed: string[] }> {
  assertLabAvailable();
  const stateDir = resolveStateDir(options.stateDir);
  const existed = existsSync(stateDir);
  const lock = takeLock(labPaths(stateDir).lock);
  if (lock.kind === "held") {
    throw new LabError(
      "busy",
      `a lab operation is running (pid ${lock.by.pid}); wait for it or kill it first`,
    );
  }
  let removed: string[];
  try {
    removed = await teardownLab(stateDir, options.log ?? (() => {}));
  } finally {
    lock.release();
  }
  // The state directory itself goes only if the lab made everything in it.
  try {
    if (existsSync(stateDir) && readdirSync(stateDir).length === 0) {
      rmdirSync(stateDir);
      if (existed) removed.push(`dir ${stateDir}`);
    }
  } catch {
    // Someone put something there meanwhile: theirs to keep.
  }
  return { removed };
}

/** The files and directories the lab creates directly under its state directory. */
const LAB_FILES = ["state.json", "state.json.tmp", "hostroot.yml", "bin", "ssh", "repo", "hosts"];

/**
 * Tears the lab down in the one safe order: processes (by recorded PID, by netns, by cgroup),
 * network namespaces, veths, cgroups deepest first, mounts deepest first, the bridge, and only
 * then files, after checking that nothing is mounted below them. Used by labDown and by a failed labUp.
 */
export async function teardownLab(stateDir: string, log: (line: string) => void): Promise<string[]> {
  const removed: string[] = [];
  const problems: string[] = [];
  const state = readLabState(stateDir);
  const netnsNames = [...new Set([...labNetnsNames(), ...(state?.hosts.map((h) => h.netns) ?? [])])];

  for (let round = 0; round < 3; round++) {
    const refs: ProcessRef[] = (state?.hosts ?? []).flatMap((h) =>
      h.runner && isAlive(h.runner) ? [h.runner] : [],
    );
    for (const ns of netnsNames) for (const pid of await netnsPids(ns)) addRef(refs, pid);
    for (const cg of findLabCgroups()) for (const pid of cgroupPids(cg)) addRef(refs, pid);
    if (refs.length === 0) break;
    const killed = await killAndWait(refs);
    removed.push(...killed.map((p) => `process ${p}`));
  }
  for (const ns of netnsNames.filter((n) => labNetnsNames().includes(n))) {
    const r = await run(["ip", "netns", "del", ns]);
    if (r.code === 0) removed.push(`netns ${ns}`);
    else problems.push(`netns ${ns}: ${r.stderr.trim()}`);
  }
  for (const link of (await labLinkNames()).filter((l) => l !== BRIDGE)) {
    const r = await run(["ip", "link", "del", link]);
    if (r.code === 0) removed.push(`link ${link}`);
  }
  for (const cg of new Set([...findLabCgroups(), ...(state?.hosts.flatMap((h) => h.cgroups) ?? [])])) {
    if (!existsSync(cg)) continue;
    const left = await removeCgroupTree(cg);
    if (left.length === 0) removed.push(`cgroup ${cg}`);
    else problems.push(`cgroups still busy: ${left.join(", ")}`);
  }
  removed.push(...(await unmountAllUnder(stateDir)).map((m) => `mount ${m}`));
  if ((await labLinkNames()).includes(BRIDGE)) {
    const r = await run(["ip", "link", "del", BRIDGE]);
    if (r.code === 0) removed.push(`bridge ${BRIDGE}`);
    else problems.push(`bridge ${BRIDGE}: ${r.stderr.trim()}`);
  }
  if (existsSync(stateDir)) {
    assertNothingMountedUnder(stateDir);
    for (const f of LAB_FILES) {
      const p = join(stateDir, f);
      if (!existsSync(p)) continue;
      rmSync(p, { recursive: true, force: true });
      removed.push(`${f.includes(".") ? "file" : "dir"} ${p}`);
    }
  }
  for (const r of removed) log(`removed ${r}`);
  if (problems.length > 0) throw new LabError("step-failed", `lab teardown left: ${problems.join("; ")}`);
  return removed;
}

function addRef(refs: ProcessRef[], pid: number): void {
  if (pid === process.pid || refs.some((r) => r.pid === pid)) return;
  const ref = processRef(pid);
  if (ref) refs.push(ref);
}

/** PIDs in a cgroup and every cgroup below it. */
function cgroupPids(dir: string): number[] {
  const pids: number[] = [];
  const walk = (d: string) => {
    try {
      pids.push(...readFileSync(join(d, "cgroup.procs"), "utf8").split("\n").filter(Boolean).map(Number));
      for (const e of readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) walk(join(d, e.name));
    } catch {
      // Removed meanwhile.
    }
  };
  walk(dir);
  return pids;
}
