import { readdirSync } from "node:fs";
import { findLabCgroups } from "./hostCgroups.js";
import { BRIDGE } from "./labNames.js";
import { labPaths, readLabState, resolveStateDir } from "./labState.js";
import { mountsUnder } from "./mountInfo.js";
import { labLinkNames, labNetnsNames } from "./network.js";
import { lockHolder } from "./pidLock.js";
import { childPids, isAlive, processName } from "./processes.js";

/** One host as seen now. */
export interface HostStatus {
  name: string;
  address: string;
  netns: boolean;
  /** The host's sshd (PID 1 of its PID namespace), as a PID of this machine. */
  sshdPid?: number;
  sshdAlive: boolean;
  /** Containers running inside it (LXC payload cgroups that hold processes). */
  containers: number;
}

/** What `hostroot lab status` reports. */
export type LabStatus =
  | { kind: "down"; stateDir: string; leftovers: string[] }
  | {
      kind: "up" | "starting" | "degraded";
      stateDir: string;
      configPath: string;
      privateKeyPath: string;
      knownHostsPath: string;
      bridge: boolean;
      hosts: HostStatus[];
      containers: number;
    };

/** Options for {@link labStatus}. */
export interface LabStatusOptions {
  stateDir?: string;
}

/**
 * Reports the lab without changing anything and without SSH: hosts from the state file, checked
 * against the machine (netns present, sshd alive, LXC payload cgroups in use). With no state file
 * it lists what an interrupted run left, found by the lab's name prefix.
 */
export async function labStatus(options: LabStatusOptions = {}): Promise<LabStatus> {
  const stateDir = resolveStateDir(options.stateDir);
  const paths = labPaths(stateDir);
  const state = readLabState(stateDir);
  const links = await labLinkNames();
  if (!state) {
    const leftovers = [
      ...labNetnsNames().map((n) => `netns ${n}`),
      ...links.map((l) => `link ${l}`),
      ...findLabCgroups().map((c) => `cgroup ${c}`),
      ...mountsUnder(stateDir).map((m) => `mount ${m}`),
    ];
    return { kind: "down", stateDir, leftovers };
  }
  const netns = new Set(labNetnsNames());
  const hosts = state.hosts.map((h): HostStatus => {
    const runnerAlive = h.runner !== undefined && isAlive(h.runner);
    const sshdPid = runnerAlive && h.runner ? childPids(h.runner.pid)[0] : undefined;
    const sshdAlive = sshdPid !== undefined && processName(sshdPid) === "sshd";
    return {
      name: h.name,
      address: h.address,
      netns: netns.has(h.netns),
      sshdPid,
      sshdAlive,
      containers: h.cgroups.reduce((most, dir) => Math.max(most, runningPayloads(dir)), 0),
    };
  });
  const healthy = links.includes(BRIDGE) && hosts.every((h) => h.netns && h.sshdAlive);
  // "starting" only while the run that writes the state lives; a killed run leaves a broken lab.
  const holder = lockHolder(paths.lock);
  const starting = state.phase === "starting" && holder !== undefined && holder.pid !== process.pid;
  const kind = starting ? "starting" : state.phase === "up" && healthy ? "up" : "degraded";
  return {
    kind,
    stateDir,
    configPath: paths.config,
    privateKeyPath: paths.privateKey,
    knownHostsPath: paths.knownHosts,
    bridge: links.includes(BRIDGE),
    hosts,
    containers: hosts.reduce((n, h) => n + h.containers, 0),
  };
}

/**
 * LXC makes `lxc.payload.NAME` below the host's cgroup when a container starts and removes it
 * when the container stops, in every hierarchy; the widest count across hierarchies is used.
 */
function runningPayloads(hostCgroup: string): number {
  try {
    return readdirSync(hostCgroup, { withFileTypes: true }).filter(
      (d) => d.isDirectory() && d.name.startsWith("lxc.payload."),
    ).length;
  } catch {
    return 0;
  }
}
