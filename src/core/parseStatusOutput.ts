import { DNS_LABEL } from "./definitionSchema.js";
import type { ContainerState, HostObservation } from "./observedState.js";
import type { ContainerReport, PackageChange } from "./operationResult.js";
import { parseStateFile } from "./stateFile.js";
import { STATUS_MARKER } from "./statusScript.js";

/** Everything one host's status output says. */
export interface HostStatus {
  observation: HostObservation;
  containers: ContainerReport[];
  /** Host package versions asked for (`before` = `after`: a status changes nothing). */
  packages: PackageChange[];
  /** Whether the host's `/` is bound at `<lxcPath>/host/rootfs`. */
  hostRootMounted: boolean;
  /** sha256 of the state files, for a deploy's guard step; "" when the output lacked it. */
  digest: string;
  /** Things an operator should know: unreadable state files, containers hostroot does not manage. */
  warnings: string[];
  /** False when the output ended early (the script was cut off): then the observation is partial. */
  complete: boolean;
}

const version = (v: string) => (v === "-" ? undefined : v);

/**
 * Turns the status script's stdout into an observation and a report. Lines that are not markers
 * (a login banner) are ignored; a malformed state file or a name that is not a DNS label becomes
 * a warning, never an exception, since a host's files are data, not trusted input.
 */
export function parseStatusOutput(host: string, stdout: string): HostStatus {
  const states: ContainerState[] = [];
  const reports = new Map<string, ContainerReport>();
  const packages: PackageChange[] = [];
  const warnings: string[] = [];
  let mounted = false;
  let digest = "";
  let complete = false;
  for (const raw of stdout.split("\n")) {
    const f = raw.replace(/\r$/, "").split(" ");
    if (f[0] !== STATUS_MARKER) continue;
    const [, kind, a = "", b = "", c = ""] = f;
    if (kind === "root") mounted = a === "mounted";
    else if (kind === "digest" && /^[0-9a-f]{64}$/.test(a)) digest = a;
    else if (kind === "done") complete = true;
    else if (kind === "package" && b !== "") {
      const v = version(b);
      packages.push(v === undefined ? { name: a } : { name: a, before: v, after: v });
    } else if (kind === "unmanaged") warnings.push(`${a} has an LXC config but no hostroot state file`);
    else if (kind === "state") {
      if (!DNS_LABEL.test(a)) {
        warnings.push(`ignored a state file in a directory that is not a container name: ${a}`);
        continue;
      }
      const parsed = parseStateFile(Buffer.from(c, "base64").toString("utf8"));
      if (parsed.kind === "invalid") {
        warnings.push(`${a}/hostroot.json is unreadable: ${parsed.reason.split("\n")[0]}`);
        continue;
      }
      const running = b === "RUNNING";
      states.push({ ...parsed.state, name: a, running });
      reports.set(a, { name: a, state: running ? "running" : "stopped", commit: parsed.state.commit });
    } else if (kind === "sees") {
      const r = reports.get(a);
      const v = version(c);
      if (r && v !== undefined) r.sees = { ...r.sees, [b]: v };
    }
  }
  return {
    observation: { host, reachable: true, containers: states },
    containers: [...reports.values()],
    packages,
    hostRootMounted: mounted,
    digest,
    warnings,
    complete,
  };
}
