import { spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { type CgroupHierarchy, createHostCgroups } from "./hostCgroups.js";
import { seedHostUpper } from "./hostUpper.js";
import type { HostState } from "./labState.js";
import { createHostNetwork } from "./network.js";
import { type ProcessRef, processRef } from "./processes.js";
import { runOk } from "./run.js";

/** Everything {@link startHost} needs besides the host itself. */
export interface StartHostContext {
  baseRoot: string;
  hostDir: string;
  repoDir: string;
  scripts: { outer: string; inner: string };
  hierarchies: readonly CgroupHierarchy[];
  authorizedKey: string;
  /** Called after each step that made something, so the state file names it at once. */
  recorded: () => void;
  /** Give the host a copy of the base as its root instead of an overlay (see LabUpOptions.plainRoots). */
  plainRoot?: boolean;
}

/**
 * Makes one test host: seeds its upper dir, creates its netns and veth, its cgroups, then starts
 * its runner (join cgroups → `ip netns exec` → `unshare` → the init script → sshd), detached so it
 * outlives the process that started the lab. Fills in `host` as it goes.
 */
export async function startHost(host: HostState, ctx: StartHostContext): Promise<void> {
  if (ctx.plainRoot) {
    // The seed below then writes over the copy, as it would into an overlay's upper dir.
    const upper = join(ctx.hostDir, "upper");
    mkdirSync(upper, { recursive: true });
    await runOk(["cp", "-a", "--", `${ctx.baseRoot}/.`, upper]);
    rmSync(join(upper, "etc/apt/sources.list.d"), { recursive: true, force: true });
  }
  host.hostKey = await seedHostUpper({
    hostDir: ctx.hostDir,
    name: host.name,
    authorizedKey: ctx.authorizedKey,
  });
  await createHostNetwork(host.netns, host.veth, host.address);
  host.cgroups = createHostCgroups(ctx.hierarchies, host.netns);
  ctx.recorded();
  host.runner = spawnRunner(host, ctx);
  ctx.recorded();
}

function spawnRunner(host: HostState, ctx: StartHostContext): ProcessRef {
  const d = (rel: string) => join(ctx.hostDir, rel);
  // Cgroups are joined before entering the netns: `ip netns exec` mounts a fresh /sys without them.
  const argv = [
    ctx.scripts.outer,
    ...host.cgroups,
    "--",
    "ip",
    "netns",
    "exec",
    host.netns,
    "unshare",
    "--mount",
    "--uts",
    "--ipc",
    "--pid",
    "--cgroup",
    "--fork",
    "--kill-child",
    "--propagation",
    "private",
    "sh",
    ctx.scripts.inner,
    d("root"),
    ctx.plainRoot ? "-" : ctx.baseRoot,
    d("upper"),
    d("work"),
    host.name,
    d("lxc"),
    ctx.repoDir,
    ...ctx.hierarchies.map((h) => h.innerSpec),
  ];
  const out = openSync(d("runner.log"), "a");
  try {
    const child = spawn("sh", argv, { detached: true, stdio: ["ignore", out, out] });
    child.unref();
    const ref = child.pid === undefined ? undefined : processRef(child.pid);
    if (!ref) throw new Error(`the runner of ${host.name} did not start; see ${d("runner.log")}`);
    return ref;
  } finally {
    closeSync(out);
  }
}

/** The last lines a host's runner wrote, for an error message. */
export function runnerLogTail(hostDir: string): string {
  try {
    return readFileSync(join(hostDir, "runner.log"), "utf8").trim().split("\n").slice(-5).join("\n");
  } catch {
    return "(no log)";
  }
}
