import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { LabError } from "./labError.js";
import { DEFAULT_STATE_DIR } from "./labNames.js";
import type { ProcessRef } from "./processes.js";

/** What the lab recorded about one host as it made it. */
export interface HostState {
  name: string;
  address: string;
  netns: string;
  veth: string;
  /** The host's cgroup directories, one per hierarchy. */
  cgroups: string[];
  /** `unshare` holding the host's namespaces; killing it takes the whole host down. */
  runner?: ProcessRef;
  /** The host's ed25519 public key line, pinned in the generated config. */
  hostKey?: string;
}

/** The lab's state file, rewritten after every step so a killed run leaves an accurate record. */
export interface LabState {
  version: 1;
  phase: "starting" | "up";
  startedAt: string;
  baseRoot?: string;
  bridge?: string;
  containersPerHost?: number;
  hosts: HostState[];
}

/** Resolves and checks the state directory: overlay options cannot carry `,`, `:` or spaces. */
export function resolveStateDir(stateDir: string | undefined): string {
  const dir = resolve(stateDir ?? DEFAULT_STATE_DIR);
  if (!isAbsolute(dir) || /[,:\s\\]/.test(dir)) {
    throw new LabError(
      "bad-path",
      `the lab's state directory ${JSON.stringify(dir)} must not contain , : \\ or spaces`,
    );
  }
  return dir;
}

/** Where each piece lives under the state directory. */
export function labPaths(stateDir: string) {
  return {
    state: join(stateDir, "state.json"),
    lock: join(stateDir, "lock"),
    bin: join(stateDir, "bin"),
    ssh: join(stateDir, "ssh"),
    privateKey: join(stateDir, "ssh", "id_ed25519"),
    knownHosts: join(stateDir, "ssh", "known_hosts"),
    config: join(stateDir, "hostroot.yml"),
    repo: join(stateDir, "repo"),
    hosts: join(stateDir, "hosts"),
    host: (name: string) => join(stateDir, "hosts", name),
  };
}

/** Reads the state file; undefined when there is none or it is unreadable (a killed write). */
export function readLabState(stateDir: string): LabState | undefined {
  const file = labPaths(stateDir).state;
  if (!existsSync(file)) return undefined;
  try {
    const s = JSON.parse(readFileSync(file, "utf8")) as LabState;
    return s.version === 1 && Array.isArray(s.hosts) ? s : undefined;
  } catch {
    return undefined;
  }
}

/** Writes the state file atomically (temp file + rename). */
export function writeLabState(stateDir: string, state: LabState): void {
  mkdirSync(stateDir, { recursive: true });
  const file = labPaths(stateDir).state;
  writeFileSync(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}
