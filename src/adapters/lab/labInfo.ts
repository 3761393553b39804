import { LabError } from "./labError.js";
import { BRIDGE, REPO_SOURCE_LINE } from "./labNames.js";
import { labPaths, readLabState } from "./labState.js";
import { DEMO_PACKAGE } from "./publishDemoPackage.js";

/** One lab host, as the pool config names it. */
export interface LabHostInfo {
  name: string;
  address: string;
  port: 22;
  user: "root";
  /** The host's pinned ed25519 public key (`ssh-ed25519 AAAA...`). */
  hostKey: string;
  /** Its network namespace (`ip netns exec NAME ...` reaches it without SSH). */
  netns: string;
}

/** What `labUp` hands back: everything needed to use the pool. */
export interface LabInfo {
  stateDir: string;
  /** The generated hostroot config (apiVersion hostroot/v1, platform debian-12). */
  configPath: string;
  /** The lab's ed25519 private key (mode 0600), authorized on every host for root. */
  privateKeyPath: string;
  /** known_hosts with every host's pinned key, for OpenSSH's UserKnownHostsFile. */
  knownHostsPath: string;
  bridge: string;
  hosts: LabHostInfo[];
  /** The apt source line every host has for the lab repository. */
  repoSourceLine: string;
  demoPackage: string;
  containersPerHost: number;
  /** True when an already running lab was reported instead of a new one made. */
  reused: boolean;
  upMs: number;
}

/** Builds the LabInfo of an up lab from its state file. */
export function labInfo(stateDir: string, reused: boolean, upMs: number): LabInfo {
  const state = readLabState(stateDir);
  if (state?.phase !== "up") throw new LabError("step-failed", `no lab is up in ${stateDir}`);
  const paths = labPaths(stateDir);
  return {
    stateDir,
    configPath: paths.config,
    privateKeyPath: paths.privateKey,
    knownHostsPath: paths.knownHosts,
    bridge: BRIDGE,
    hosts: state.hosts.map((h) => ({
      name: h.name,
      address: h.address,
      port: 22,
      user: "root",
      hostKey: h.hostKey ?? "",
      netns: h.netns,
    })),
    repoSourceLine: REPO_SOURCE_LINE,
    demoPackage: DEMO_PACKAGE,
    containersPerHost: state.containersPerHost ?? 0,
    reused,
    upMs,
  };
}
