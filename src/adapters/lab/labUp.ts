import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { shellQuote } from "../../core/shellQuote.js";
import { ensureBaseRoot } from "./baseRoot.js";
import { cgroupHierarchies } from "./hostCgroups.js";
import { writeHostScripts } from "./hostScripts.js";
import { generateKey } from "./hostUpper.js";
import { labConfigYaml } from "./labConfig.js";
import { teardownLab } from "./labDown.js";
import { LabError } from "./labError.js";
import { type LabInfo, labInfo } from "./labInfo.js";
import { BRIDGE, hostNames, MAX_HOSTS } from "./labNames.js";
import { labSshArgv, waitForPort } from "./labSsh.js";
import { type HostState, type LabState, labPaths, resolveStateDir, writeLabState } from "./labState.js";
import { labStatus } from "./labStatus.js";
import { assertNothingMountedUnder } from "./mountInfo.js";
import { assertSubnetFree, createBridge } from "./network.js";
import { takeLock } from "./pidLock.js";
import { assertLabAvailable } from "./preflight.js";
import { isAlive } from "./processes.js";
import { DEMO_PACKAGE, DEMO_PLUS_PACKAGE, publishDemoPackage } from "./publishDemoPackage.js";
import { run } from "./run.js";
import { runnerLogTail, startHost } from "./startHost.js";

/** Options for {@link labUp}. */
export interface LabUpOptions {
  /** Number of test hosts (default 3). */
  hosts?: number;
  /** Containers per host the caller means to deploy; recorded, and the pool's capacity covers it. */
  containers?: number;
  stateDir?: string;
  /** Where the debootstrap base root is cached (default /var/cache/hostroot-lab). */
  cacheDir?: string;
  /** Debian mirror for the base root (default: this machine's apt sources). */
  mirror?: string;
  log?: (line: string) => void;
  /** The policy written into the lab's config (default {@link DEFAULT_LAB_POLICY}: the examples deploy). */
  policy?: Record<string, unknown>;
  /**
   * Give each host a full copy of the base as its root (a bind of a plain directory) instead of
   * an overlay over the shared base: about 3 s and 370 MB more per host, for tests that need a
   * root filesystem supporting idmapped mounts (OverlayFS does not; unprivileged containers
   * idmap the host's `/`).
   */
  plainRoots?: boolean;
}

/**
 * Brings up a pool of test hosts on this machine: each a network namespace on the lab bridge
 * with its own mount/UTS/IPC/PID/cgroup namespaces, an overlay root over a shared debootstrap
 * base, its own host key and sshd, and LXC ready to run. Publishes demo-libfoo 1.0 in the lab's
 * apt repository and installs it on every host over SSH. If the same lab is already up it is
 * reported as is (`reused`); a different or broken one is refused with what to run. A failure
 * half-way tears down what this call made before rethrowing.
 */
export async function labUp(options: LabUpOptions = {}): Promise<LabInfo> {
  const started = Date.now();
  const log = options.log ?? (() => {});
  const count = options.hosts ?? 3;
  const containers = options.containers ?? 0;
  if (!Number.isInteger(count) || count < 1 || count > MAX_HOSTS) {
    throw new LabError("step-failed", `hosts must be a whole number from 1 to ${MAX_HOSTS}, not ${count}`);
  }
  if (!Number.isInteger(containers) || containers < 0) {
    throw new LabError("step-failed", `containers must be a whole number >= 0, not ${containers}`);
  }
  assertLabAvailable();
  const stateDir = resolveStateDir(options.stateDir);
  const paths = labPaths(stateDir);
  const lock = takeLock(paths.lock);
  if (lock.kind === "held") throw new LabError("busy", `a lab operation is running (pid ${lock.by.pid})`);
  try {
    const status = await labStatus({ stateDir });
    if (status.kind === "up" && status.hosts.length === count) {
      log(`the lab is already up with ${count} hosts: reusing it`);
      return labInfo(stateDir, true, Date.now() - started);
    }
    if (status.kind !== "down") {
      throw new LabError(
        "already-up",
        `a lab is already ${status.kind} in ${stateDir} with ${status.hosts.length} hosts; run \`hostroot lab down\` first`,
      );
    }
    if (status.leftovers.length > 0) {
      throw new LabError(
        "leftovers",
        `an earlier lab left ${status.leftovers.join(", ")}; run \`hostroot lab down\` (with its state dir) first`,
      );
    }
    await assertSubnetFree();
    const baseRoot = await ensureBaseRoot({ cacheDir: options.cacheDir, mirror: options.mirror, log });
    const hosts: HostState[] = Array.from({ length: count }, (_, i) => ({
      ...hostNames(i + 1),
      cgroups: [],
    }));
    const state: LabState = {
      version: 1,
      phase: "starting",
      startedAt: new Date().toISOString(),
      baseRoot,
      hosts,
    };
    try {
      await bringUp(stateDir, state, containers, log, options.policy, options.plainRoots === true);
    } catch (err) {
      log(`lab up failed, tearing down what it made: ${(err as Error).message}`);
      await teardownLab(stateDir, log).catch((e: Error) => log(`teardown: ${e.message}`));
      throw err;
    }
    const info = labInfo(stateDir, false, Date.now() - started);
    log(`lab up: ${count} hosts in ${(info.upMs / 1000).toFixed(1)} s; config ${info.configPath}`);
    return info;
  } finally {
    lock.release();
  }
}

async function bringUp(
  stateDir: string,
  state: LabState,
  containers: number,
  log: (l: string) => void,
  policy?: Record<string, unknown>,
  plainRoots = false,
) {
  const paths = labPaths(stateDir);
  const save = () => writeLabState(stateDir, state);
  save();
  for (const d of [paths.hosts, paths.ssh, paths.bin, paths.repo, paths.config]) {
    if (!existsSync(d)) continue;
    assertNothingMountedUnder(d);
    rmSync(d, { recursive: true, force: true });
  }
  const scripts = writeHostScripts(paths.bin);
  const published = await publishDemoPackage("1.0", { stateDir, log });
  if (published.kind !== "published") throw new Error(published.reason);
  mkdirSync(paths.ssh, { recursive: true, mode: 0o700 });
  const authorizedKey = await generateKey(paths.privateKey, "hostroot-lab");
  state.bridge = BRIDGE;
  save();
  await createBridge();
  const hierarchies = cgroupHierarchies();
  const ctx = {
    baseRoot: state.baseRoot ?? "",
    repoDir: paths.repo,
    scripts,
    hierarchies,
    authorizedKey,
    recorded: save,
    plainRoot: plainRoots,
  };
  await Promise.all(state.hosts.map((h) => startHost(h, { ...ctx, hostDir: paths.host(h.name) })));
  writeFileSync(paths.knownHosts, state.hosts.map((h) => `${h.address} ${h.hostKey}\n`).join(""));
  log(`${state.hosts.length} hosts started; waiting for their sshd`);
  await Promise.all(
    state.hosts.map((h) =>
      waitForPort(h.address, 22, 20_000, () => h.runner !== undefined && isAlive(h.runner)).catch(
        (err: Error) => {
          throw new LabError(
            "step-failed",
            `${h.name}: ${err.message}\n${runnerLogTail(paths.host(h.name))}`,
          );
        },
      ),
    ),
  );
  const install = `${shellQuote(["apt-get", "-qq", "update"])} && ${shellQuote([
    "env",
    "DEBIAN_FRONTEND=noninteractive",
    "apt-get",
    "-qq",
    "-y",
    "install",
    DEMO_PACKAGE,
    DEMO_PLUS_PACKAGE,
  ])} >/dev/null`;
  const id = { privateKeyPath: paths.privateKey, knownHostsPath: paths.knownHosts };
  await Promise.all(
    state.hosts.map(async (h) => {
      const r = await run(labSshArgv(id, h.address, install), { timeoutMs: 120_000 });
      if (r.code !== 0)
        throw new LabError("step-failed", `${h.name}: installing ${DEMO_PACKAGE} failed: ${r.stderr.trim()}`);
    }),
  );
  log(`${DEMO_PACKAGE} 1.0 installed on every host`);
  writeFileSync(paths.config, labConfigYaml(state.hosts, Math.max(100, containers), policy));
  state.phase = "up";
  state.containersPerHost = containers;
  save();
}
