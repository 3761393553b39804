import type { Owner } from "./owner.js";

/**
 * What one container's state file on a host says. The hosts are the source of truth: a plan
 * reads these, so there is no separate database to drift. Stored as JSON at
 * `<lxcPath>/<name>/hostroot.json` on the host.
 */
export interface ContainerState {
  name: string;
  /** {@link ./definitionHash.ts} of the definition (and policy masks) it was created from. */
  definitionHash: string;
  /** Commit the definition came from ("" when deployed from a work tree). */
  commit: string;
  /** ISO 8601 time of the deploy. */
  deployedAt: string;
  /** Whether LXC reports it RUNNING; absent when unknown (an offline snapshot). */
  running?: boolean;
  /** Replica index this container is (0-based); replicas share the definition name. */
  replica?: number;
  /**
   * {@link ./definitionHash.ts fieldHashes} of the same definition, when the deploy wrote them,
   * so a plan can name the fields that changed instead of only "definition changed".
   */
  fieldHashes?: Record<string, string>;
  /**
   * The repository that deployed it. Absent in state files written before hostroot recorded
   * owners: such a container is nobody's, and no plan touches it until it is adopted.
   */
  owner?: Owner;
}

/** One host's report. An unreachable host yields no steps, only a warning, never destroys. */
export interface HostObservation {
  host: string;
  reachable: boolean;
  containers: ContainerState[];
  /**
   * LXC containers on the host that hostroot did not create (a dir with a `config` and no
   * state file): never reconfigured, restarted or destroyed, and no definition may take the name.
   */
  unmanaged?: string[];
}

/** What all hosts reported; can be saved as JSON and fed to `hostroot plan --observed FILE`. */
export interface ObservedState {
  hosts: HostObservation[];
}
