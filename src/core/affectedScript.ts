import { HOST_SCRIPT_PATH, inspectFunctions, parseInspectMarkers } from "./containerInspect.js";
import { containerPaths } from "./containerPaths.js";
import { DEBIAN_PACKAGE } from "./debianPackage.js";
import type { ExecOutcome } from "./execProblem.js";
import { execGaveUp } from "./execProblem.js";
import { staleFields } from "./insideVerdict.js";
import type { ContainerReport, HostResult, PackageChange } from "./operationResult.js";
import { parseShadows, SHADOW_FUNCTION, shadowCalls } from "./shadowScan.js";
import { quoteArg } from "./shellQuote.js";
import { parseStateFile } from "./stateFile.js";

/**
 * ONE read-only sh script per host for `affected`: the host's version of each package, and for
 * every hostroot container its state, which package files its delta shadows, and (when it runs)
 * what it sees from inside and which processes still map replaced files of the packages (the
 * "before restart" view after an upgrade made without restarting the containers). It takes no
 * host lock: it changes nothing, and must not queue behind a long upgrade.
 */
export function affectedScript(packages: readonly string[], lxcPath: string): string {
  if (packages.length === 0) throw new Error("affectedScript: no packages");
  for (const p of packages) if (!DEBIAN_PACKAGE.test(p)) throw new Error(`affectedScript: bad package ${p}`);
  const lxc = containerPaths(lxcPath, "x").lxcPath;
  const pkgs = packages.map(quoteArg).join(" ");
  return `${[
    "set -u",
    `PATH=${quoteArg(HOST_SCRIPT_PATH)}`,
    "LC_ALL=C",
    "export PATH LC_ALL",
    inspectFunctions(lxc, packages),
    SHADOW_FUNCTION,
    "hostroot_names=$(hostroot_containers)",
    `for p in ${pkgs}; do`,
    `  v=$(dpkg-query -W -f='\${db:Status-Abbrev}|\${Version}' -- "$p" 2>/dev/null) || v=`,
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a JS template
    "  case $v in ?i?'|'?*) v=${v#*|} ;; *) v=- ;; esac",
    '  printf \'::hostroot-pkg now %s %s\\n\' "$p" "$v"',
    "done",
    "for n in $hostroot_names; do printf '::hostroot-container %s\\n' \"$n\"; done",
    "hostroot_statefiles",
    shadowCalls(packages),
    "hostroot_inspect_all",
    "printf '%s\\n' ::hostroot-done",
  ].join("\n")}\n`;
}

/** Reads an affected run back: per container the packages it shadows, with the evidence in a `scan` step. */
export function parseAffectedReport(input: {
  host: { name: string; platform: string };
  packages: readonly string[];
  exec?: ExecOutcome;
  unreachable?: string;
  timeoutSeconds: number;
}): HostResult {
  const base = { host: input.host.name, platform: input.host.platform };
  const exec = input.exec;
  if (!exec) return { ...base, outcome: "unreachable", steps: [], error: input.unreachable ?? "unreachable" };
  const lines = exec.stdout.split("\n");
  const packages: PackageChange[] = input.packages.map((name) => {
    const v = lines.find((l) => l.startsWith(`::hostroot-pkg now ${name} `))?.split(" ")[3];
    return { name, ...(v === undefined || v === "-" ? {} : { before: v, after: v }) };
  });
  const shadows = parseShadows(exec.stdout);
  const inspect = parseInspectMarkers(exec.stdout);
  const containers = inspect.containers.map((name): ContainerReport => {
    const state = inspect.state.get(name);
    const file = parseStateFile(inspect.stateFile.get(name) ?? "");
    const inside = inspect.inside.get(name);
    const shadowed = [
      ...new Set(shadows.filter((s) => s.name === name && s.kind !== "conffile").map((s) => s.pkg)),
    ];
    return {
      name,
      state: state === "RUNNING" ? "running" : state === "STOPPED" ? "stopped" : "absent",
      ...(file.kind === "ok" ? { commit: file.state.commit } : {}),
      ...(inside ? { sees: inside.sees } : {}),
      ...staleFields(inside),
      shadowed,
    };
  });
  const evidence = shadows
    .filter((s) => s.kind !== "conffile")
    .map((s) => `${s.name}: ${s.pkg}: ${s.kind} ${s.path}`)
    .join("\n");
  const running = containers.filter((c) => c.state === "running");
  // Fails closed: a running container without a whole report, or with unreadable mappings, is named.
  const unknown = running.flatMap((c) => {
    const inside = inspect.inside.get(c.name);
    if (!inside?.complete) return [`${c.name} gave no whole report from inside`];
    return inside.unknown.length > 0
      ? [`${c.name}: cannot read the mappings of ${inside.unknown.join(", ")}: stale mappings unknown`]
      : [];
  });
  const staleLines = running.flatMap((c) =>
    (c.staleProcesses ?? []).map((p) => `${c.name}: ${p.command} (pid ${p.pid}) maps replaced ${p.file}`),
  );
  const stale = {
    id: "stale",
    description: `look for processes still mapping replaced files of ${input.packages.join(" ")}`,
    status: "applied" as const,
    ...(staleLines.length + unknown.length === 0 ? {} : { output: [...staleLines, ...unknown].join("\n") }),
  };
  const missing = packages.filter((p) => p.after === undefined).map((p) => p.name);
  const scan = {
    id: "scan",
    description: `look for files of ${input.packages.join(" ")} shadowed by container deltas`,
    status: "applied" as const,
    exitCode: exec.code,
    ...(evidence === "" ? {} : { output: evidence }),
  };
  const result: HostResult = { ...base, outcome: "succeeded", steps: [scan, stale], packages, containers };
  const gaveUp = execGaveUp(exec, input.timeoutSeconds, undefined);
  if (gaveUp) return { ...result, ...gaveUp, steps: [{ ...scan, status: "failed" }, stale] };
  if (exec.truncated)
    return {
      ...result,
      outcome: "failed",
      error: "the host's output was cut at the capture limit: its report cannot be trusted",
    };
  // Same rule as upgrade-hosts: a name is exactly one installed package, or the answer is wrong.
  if (missing.length > 0)
    return {
      ...result,
      outcome: "failed",
      error: `not an installed package on this host: ${missing.join(", ")}`,
    };
  if (unknown.length > 0)
    return {
      ...result,
      outcome: "failed",
      steps: [scan, { ...stale, status: "failed" }],
      error: unknown.join("; "),
    };
  if (exec.code !== 0 || !lines.includes("::hostroot-done")) {
    return {
      ...result,
      outcome: "failed",
      steps: [{ ...scan, status: "failed" }, stale],
      error: `the host script ended early (exit ${exec.code ?? "none"})`,
    };
  }
  return result;
}
