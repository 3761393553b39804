import { DEBIAN_PACKAGE } from "./debianPackage.js";
import { DNS_LABEL } from "./definitionSchema.js";
import type { ContainerState, HostObservation } from "./observedState.js";
import type { ContainerReport, PackageChange } from "./operationResult.js";
import { parseStateFile } from "./stateFile.js";
import { STATUS_LINE_LIMIT, STATUS_MARKER } from "./statusScript.js";
import { parseUnattendedJournal, type UnattendedReport } from "./unattendedJournal.js";

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
  /**
   * False when the output ended early (the script was cut off) or did not read as the script
   * writes it (a record repeated, out of order, or malformed): then the observation is not to be
   * trusted, and the host counts as unreachable for planning.
   */
  complete: boolean;
  /** Why `complete` is false, when the output was malformed rather than cut off. */
  malformed?: string;
  /** The last unattended run the host's journal records; absent when the output had no such line. */
  unattended?: UnattendedReport;
}

/** A Debian version as the script passes it (already reduced to these characters), or `-`. */
const VERSION = /^(?:-|[A-Za-z0-9.+~:-]{1,128})$/;
const version = (v: string) => (v === "-" ? undefined : v);

/**
 * Turns the status script's stdout into an observation and a report. Lines that are not markers
 * (a login banner) are ignored. Every marker line must have exactly the shape the script prints
 * (field count, DNS-label names, Debian versions, base64) and come in the script's order: one
 * root, one digest, states before their `sees`, one `done` at the end. Anything else means the
 * output is not the script's own, and the whole report is refused (`complete: false`) rather
 * than partly believed. A malformed state file or an owner-less one is a warning, never an
 * exception, since a host's files are data, not trusted input.
 */
export function parseStatusOutput(host: string, stdout: string): HostStatus {
  const states: ContainerState[] = [];
  const reports = new Map<string, ContainerReport>();
  const packages: PackageChange[] = [];
  const warnings: string[] = [];
  const unmanaged: string[] = [];
  let mounted: boolean | undefined;
  let digest: string | undefined;
  let complete = false;
  let malformed: string | undefined;
  let skipped = 0;
  let unattended: UnattendedReport | undefined;
  const seen = new Set<string>();
  const bad = (why: string) => {
    malformed ??= why;
  };
  for (const raw of stdout.split("\n")) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (!line.startsWith(`${STATUS_MARKER} `)) continue;
    if (line.length > STATUS_LINE_LIMIT) {
      bad("a status line is over the length limit");
      continue;
    }
    if (complete) {
      bad("a status line follows the end of the report");
      continue;
    }
    const f = line.split(" ");
    const [, kind = "", a = "", b = "", c = ""] = f;
    const n = f.length;
    if (kind === "root" && n === 3 && (a === "mounted" || a === "absent") && mounted === undefined)
      mounted = a === "mounted";
    else if (kind === "digest" && n === 3 && /^[0-9a-f]{64}$/.test(a) && digest === undefined) digest = a;
    else if (kind === "done" && n === 2) complete = true;
    else if (kind === "skipped" && n === 2) skipped++;
    else if (
      kind === "unattended" &&
      n === 3 &&
      unattended === undefined &&
      /^(?:none|[A-Za-z0-9+/]+={0,2})$/.test(a)
    )
      // The journal is the host's writing: what it says is judged on its own, and a bad one is
      // "unreadable", never a reason to distrust the rest of the report.
      unattended =
        a === "none" ? { kind: "none" } : parseUnattendedJournal(Buffer.from(a, "base64").toString("utf8"));
    else if (kind === "package" && n === 4 && DEBIAN_PACKAGE.test(a) && VERSION.test(b)) {
      const v = version(b);
      packages.push(v === undefined ? { name: a } : { name: a, before: v, after: v });
    } else if (kind === "creating" && n === 3 && isName(a) && !seen.has(a)) {
      // A create under way (or one that was interrupted): hostroot's, not yet a container.
      seen.add(a);
      warnings.push(`${a} is being created (or its create was interrupted): it has no state file yet`);
    } else if (kind === "unmanaged" && n === 3 && isName(a) && !seen.has(a)) {
      seen.add(a);
      unmanaged.push(a);
      warnings.push(`${a} has an LXC config but no hostroot state file: hostroot leaves it alone`);
    } else if (
      kind === "state" &&
      n === 5 &&
      isName(a) &&
      (b === "RUNNING" || b === "STOPPED") &&
      /^[A-Za-z0-9+/]*={0,2}$/.test(c) &&
      !seen.has(a)
    ) {
      seen.add(a);
      const parsed = parseStateFile(Buffer.from(c, "base64").toString("utf8"));
      if (parsed.kind === "invalid") {
        warnings.push(`${a}/hostroot.json is unreadable: ${parsed.reason.split("\n")[0]}`);
        continue;
      }
      if (parsed.state.name !== a) {
        warnings.push(`${a}/hostroot.json names another container (${parsed.state.name}): ignored`);
        continue;
      }
      const running = b === "RUNNING";
      states.push({ ...parsed.state, name: a, running });
      const owner = parsed.state.owner;
      reports.set(a, {
        name: a,
        state: running ? "running" : "stopped",
        commit: parsed.state.commit,
        ...(owner ? { owner: owner.name } : {}),
      });
      if (!owner) warnings.push(`${a} has no recorded owner (deployed by an earlier hostroot)`);
    } else if (kind === "sees" && n === 5 && DEBIAN_PACKAGE.test(b) && VERSION.test(c) && seen.has(a)) {
      const r = reports.get(a);
      const v = version(c);
      if (r && v !== undefined) r.sees = { ...r.sees, [b]: v };
    } else bad(`a status line does not read as the status script's: ${JSON.stringify(line.slice(0, 80))}`);
  }
  if (skipped > 0)
    warnings.push(`${skipped} dir(s) in the lxcPath are not container names (DNS labels): left alone`);
  if (mounted === undefined || digest === undefined) complete = false;
  const ok = complete && malformed === undefined;
  return {
    observation: {
      host,
      reachable: true,
      containers: states,
      ...(unmanaged.length > 0 ? { unmanaged } : {}),
    },
    containers: [...reports.values()],
    packages,
    hostRootMounted: mounted === true,
    digest: digest ?? "",
    warnings,
    complete: ok,
    ...(malformed === undefined ? {} : { malformed }),
    ...(unattended === undefined ? {} : { unattended }),
  };
}

function isName(s: string): boolean {
  return DNS_LABEL.test(s) && s !== "host";
}
