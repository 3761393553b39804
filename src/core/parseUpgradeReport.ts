import { parseInspectMarkers } from "./containerInspect.js";
import { containerSteps } from "./containerSteps.js";
import type { Definition } from "./definitionSchema.js";
import { type ExecOutcome, execGaveUp, lockOutcome } from "./execProblem.js";
import { insideProblems, staleFields } from "./insideVerdict.js";
import type { ContainerReport, HostResult, PackageChange, StepResult } from "./operationResult.js";
import { parseStepMarkers } from "./parseStepMarkers.js";
import { parseShadows } from "./shadowScan.js";
import { parseStateFile } from "./stateFile.js";
import { containerStepIds, UPGRADE_STEPS } from "./upgradeScript.js";

/** Everything needed to read one host's upgrade script output back into a HostResult. */
export interface UpgradeReportInput {
  host: { name: string; platform: string };
  packages: readonly string[];
  dryRun: boolean;
  definitions: readonly Definition[];
  /** The run's outcome; absent when the host could not be reached at all (then `unreachable`). */
  exec?: ExecOutcome;
  unreachable?: string;
  lockTimeoutSeconds: number;
  /** The exec timeout in seconds, for the message when it passed. */
  timeoutSeconds: number;
  /** Pinned versions by package name, as given to upgradeScript. */
  versions?: Readonly<Record<string, string>>;
  allowDowngrade?: boolean;
}

/** Reads `::hostroot-pkg WHEN PKG V...` lines: before/after, apt's would/changed. */
function packageChanges(stdout: string, requested: readonly string[], dryRun: boolean): PackageChange[] {
  const before = new Map<string, string>();
  const after = new Map<string, string>();
  const extra = new Map<string, { before: string; after: string }>();
  for (const line of stdout.split("\n")) {
    const f = line.split(" ");
    if (f[0] !== "::hostroot-pkg") continue;
    const [, when, name = "", v1 = "-", v2 = "-"] = f;
    if (when === "before") before.set(name, v1);
    else if (when === "after") after.set(name, v1);
    else if (when === "would" || when === "changed") extra.set(name, { before: v1, after: v2 });
  }
  const version = (v: string | undefined) => (v === undefined || v === "-" ? {} : { after: v });
  const out: PackageChange[] = requested.map((name) => {
    const b = before.get(name);
    const change = {
      name,
      ...(b === undefined || b === "-" ? {} : { before: b }),
    };
    // A dry run's "after" is what apt would install; nothing to install means it stays as is.
    if (dryRun) return { ...change, ...version(extra.get(name)?.after ?? b) };
    return { ...change, ...version(after.get(name)) };
  });
  for (const [name, v] of extra) {
    if (requested.includes(name)) continue;
    out.push({
      name,
      ...(v.before === "-" ? {} : { before: v.before }),
      ...(v.after === "-" ? {} : { after: v.after }),
    });
  }
  return out;
}

/** `::hostroot-out ID LINE` lines: the failed step's output tail. */
function stepOutput(stdout: string, id: string): string | undefined {
  const prefix = `::hostroot-out ${id} `;
  const lines = stdout
    .split("\n")
    .filter((l) => l.startsWith(prefix))
    .map((l) => l.slice(prefix.length));
  return lines.length === 0 ? undefined : lines.join("\n");
}

/**
 * The line an operator needs from a failed apt run: its first `E:` line, else its last line. A
 * held lock is named only in apt's "Waiting for cache lock: ... It is held by process N (name)"
 * progress line, so that holder is added.
 */
function aptError(output: string | undefined): string {
  const lines = (output ?? "").split("\n").filter((l) => l.trim() !== "");
  const line = lines.find((l) => l.startsWith("E: ")) ?? lines.at(-1) ?? "no output";
  const holder = /It is held by process ([0-9]+ \([^)]*\))/.exec(output ?? "")?.[1];
  return holder === undefined || line.includes(holder) ? line : `${line} (held by process ${holder})`;
}

/** Descriptions of every step id the upgrade can run on this host. */
function describe(input: UpgradeReportInput, names: readonly string[]): Map<string, string> {
  const pkgs = input.packages.join(" ");
  const d = new Map<string, string>([
    [UPGRADE_STEPS.resolve, `resolve ${pkgs} to installed packages`],
    [
      UPGRADE_STEPS.simulate,
      `simulate apt-get install --only-upgrade ${pkgs} (refused if it would remove a package)`,
    ],
    [UPGRADE_STEPS.update, "apt-get update"],
    [UPGRADE_STEPS.install, `apt-get install --only-upgrade --no-remove -y ${pkgs}`],
    [UPGRADE_STEPS.hostRoot, "bind the host's / as the containers' lower layer"],
  ]);
  const pins = Object.entries(input.versions ?? {}).map(([p, v]) => `${p} ${v}`);
  if (pins.length > 0)
    d.set(
      UPGRADE_STEPS.pin,
      `check that apt offers ${pins.join(", ")}${input.allowDowngrade ? "" : " and that none is a downgrade"}`,
    );
  const defs = new Map(input.definitions.map((x) => [x.name, x]));
  for (const name of names) {
    d.set(`${name}.mounts`, `check ${name}'s mount sources (no symlink)`);
    d.set(`${name}.stop`, `stop ${name}`);
    d.set(`${name}.start`, `start ${name}`);
    const def = defs.get(name);
    if (def)
      for (const s of containerSteps(name, "/", def, { setup: false, packages: false }))
        d.set(s.id, `${name}: ${s.description}`);
  }
  return d;
}

/**
 * Turns one host's upgrade run into its HostResult: steps (the lock wait, apt, each container's
 * stop/start/service/health, not-run ones included), packages before/after (or what a dry run
 * would install), and each container as seen from inside. The host fails when a step fails, a
 * container is unhealthy or still maps a replaced file of an upgraded package.
 */
export function parseUpgradeReport(input: UpgradeReportInput): HostResult {
  const base = { host: input.host.name, platform: input.host.platform };
  const exec = input.exec;
  if (!exec) return { ...base, outcome: "unreachable", steps: [], error: input.unreachable ?? "unreachable" };
  const { stdout } = exec;
  const lock = lockOutcome(stdout, exec.code, input.lockTimeoutSeconds);
  if (lock.timedOut) return { ...base, outcome: "failed", steps: [], error: lock.timedOut };

  const inspect = parseInspectMarkers(stdout);
  const names = inspect.containers;
  const defs = new Map(input.definitions.map((x) => [x.name, x]));
  const pin = Object.keys(input.versions ?? {}).length > 0 ? [UPGRADE_STEPS.pin] : [];
  const hostIds = input.dryRun
    ? [UPGRADE_STEPS.resolve, ...pin, UPGRADE_STEPS.simulate]
    : [UPGRADE_STEPS.resolve, UPGRADE_STEPS.update, ...pin, UPGRADE_STEPS.install, UPGRADE_STEPS.hostRoot];
  const skipped = new Set(
    stdout
      .split("\n")
      .flatMap((l) => (/^::hostroot-skip [a-z0-9-]+ /.test(l) ? [l.split(" ")[1] as string] : [])),
  );
  const ids = [...hostIds, ...(input.dryRun ? [] : names.flatMap((n) => containerStepIds(n, defs.get(n))))];
  const markers = parseStepMarkers(stdout, ids);
  const descriptions = describe(input, names);
  const steps: StepResult[] = markers.steps.map((m) => {
    const owner = m.id.includes(".") ? m.id.slice(0, m.id.indexOf(".")) : undefined;
    const status =
      m.status === "interrupted"
        ? "failed"
        : m.status === "not-run" && owner && skipped.has(owner)
          ? "skipped"
          : m.status;
    const output = status === "failed" ? stepOutput(stdout, m.id) : undefined;
    return {
      id: m.id,
      description: descriptions.get(m.id) ?? m.id,
      status,
      ...(m.status === "applied" || m.status === "failed" ? { exitCode: m.exit } : {}),
      ...(m.status === "interrupted" ? { exitCode: null } : {}),
      ...(output === undefined ? {} : { output }),
    };
  });
  if (lock.waited) steps.unshift(lock.waited);

  const shadows = parseShadows(stdout);
  const containers = names.map((name): ContainerReport => {
    const state = inspect.state.get(name);
    const inside = inspect.inside.get(name);
    const stateFile = parseStateFile(inspect.stateFile.get(name) ?? "");
    const health = markers.steps.find((s) => s.id === `${name}.health`);
    const shadowed = [
      ...new Set(shadows.filter((s) => s.name === name && s.kind !== "conffile").map((s) => s.pkg)),
    ];
    return {
      name,
      state: state === "RUNNING" ? "running" : state === "STOPPED" ? "stopped" : "absent",
      ...(stateFile.kind === "ok" ? { commit: stateFile.state.commit } : {}),
      ...(health && (health.status === "applied" || health.status === "failed")
        ? { healthy: health.status === "applied" }
        : {}),
      ...(inside ? { sees: { ...inside.sees } } : {}),
      ...staleFields(inside),
      ...(shadowed.length > 0 ? { shadowed } : {}),
    };
  });
  const result: HostResult = {
    ...base,
    outcome: "succeeded",
    steps,
    packages: packageChanges(stdout, input.packages, input.dryRun),
    containers,
  };

  const running = steps.find((s) => s.status === "failed" && s.exitCode === null);
  const gaveUp = execGaveUp(exec, input.timeoutSeconds, running?.description);
  if (gaveUp) return { ...result, ...gaveUp };
  // Cut output may have lost any marker (a failed step, a container's report): never a success.
  if (exec.truncated)
    return {
      ...result,
      outcome: "failed",
      error: "the host's output was cut at the capture limit: its report cannot be trusted",
    };
  const hostFailed = steps.find((s) => s.status === "failed" && !s.id.includes("."));
  if (hostFailed) {
    return {
      ...result,
      outcome: "failed",
      // Every name that did not resolve, and every refused pin, is named, not only the first.
      error: `${hostFailed.description} failed (exit ${hostFailed.exitCode}): ${
        hostFailed.id === UPGRADE_STEPS.resolve || hostFailed.id === UPGRADE_STEPS.pin
          ? (hostFailed.output ?? "").split("\n").join("; ")
          : aptError(hostFailed.output)
      }`,
    };
  }
  const hostHas = new Map((result.packages ?? []).map((p) => [p.name, p.after]));
  const bad = containers.flatMap((c) => {
    const why: string[] = [];
    const failedStep = steps.find((s) => s.status === "failed" && s.id.startsWith(`${c.name}.`));
    if (failedStep) why.push(`${failedStep.id.slice(c.name.length + 1)} failed`);
    // A dry run restarts nothing: its containers are expected to see the old versions.
    if (!input.dryRun && c.state === "running")
      why.push(...insideProblems(inspect.inside.get(c.name), input.packages, hostHas));
    if (!input.dryRun && c.state === "running")
      for (const s of shadows.filter((s) => s.name === c.name && s.kind !== "conffile"))
        why.push(`its delta shadows ${s.pkg}: ${s.kind} ${s.path}`);
    return why.length === 0 ? [] : [`${c.name} (${why.join(", ")})`];
  });
  if (bad.length > 0) return { ...result, outcome: "failed", error: `containers failed: ${bad.join("; ")}` };
  if (!markers.completed || exec.code !== 0) {
    return {
      ...result,
      outcome: "failed",
      error: `the host script ended early (exit ${exec.code ?? "none"})`,
    };
  }
  // The final marker without every host step's own markers is no proof that they ran.
  const unproven = steps.find((s) => s.status === "not-run" && !s.id.includes("."));
  if (unproven)
    return { ...result, outcome: "failed", error: `${unproven.description}: no report that it ran` };
  return result;
}
