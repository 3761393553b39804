import { aptProgram } from "./aptProgram.js";
import type { Config } from "./configSchema.js";
import type { Definition } from "./definitionSchema.js";
import { type Diagnostic, diagnostic } from "./diagnostic.js";
import type { Located, ValuePath } from "./located.js";
import { mountSourceRules } from "./mountSourceRules.js";
import {
  coveredSystemPath,
  isSameOrUnder,
  KERNEL_PATHS,
  normalisePath,
  SHARED_SYSTEM_PATHS,
} from "./systemPaths.js";
import { validateDeployable } from "./validateDeployable.js";

const SHADOW_WHY =
  "a delta that shadows host libraries misses their security fixes when ops upgrade the host";
const MOUNT_PROTECTED = [...SHARED_SYSTEM_PATHS, ...KERNEL_PATHS];

/**
 * Rules about one definition on its own (plus the policy): paths, hides, mounts, apt in setup
 * steps, and the file name. Cross-file rules live in {@link ./validateDefinitions.ts}.
 */
export function validateDefinition(def: Located<Definition>, config: Config): Diagnostic[] {
  const out: Diagnostic[] = [];
  const d = def.value;
  const report = (path: ValuePath, rule: string, message: string, severity?: "warning") =>
    out.push(diagnostic(def.file, def.span(path), rule, message, severity));

  /** Reports a non-normalised path and returns its resolved form for the other rules. */
  const checkPath = (path: ValuePath, value: string, what: string): string => {
    const n = normalisePath(value);
    if (!n.normalised)
      report(path, "path/not-normalised", `${what} '${value}' is not normalised: write '${n.path}'`);
    return n.path;
  };

  d.hide.forEach((h, i) => {
    const p = checkPath(["hide", i], h, "hide path");
    const sys = coveredSystemPath(p, SHARED_SYSTEM_PATHS);
    if (sys)
      report(["hide", i], "hide/system-path", `hiding '${p}' would hide the host's ${sys}: ${SHADOW_WHY}`);
  });

  const allowed = config.policy.mounts.allowedSources.map((s) => normalisePath(s).path);
  const targets = new Map<string, number>();
  d.mounts.forEach((m, i) => {
    const source = checkPath(["mounts", i, "source"], m.source, "mount source");
    const target = checkPath(["mounts", i, "target"], m.target, "mount target");
    const sysTarget = coveredSystemPath(target, MOUNT_PROTECTED);
    if (sysTarget)
      report(
        ["mounts", i, "target"],
        "mount/system-path",
        `mounting at '${target}' would shadow the host's ${sysTarget}: ${SHADOW_WHY}`,
      );
    const kernelSource = KERNEL_PATHS.find((k) => isSameOrUnder(source, k));
    if (kernelSource)
      report(
        ["mounts", i, "source"],
        "mount/system-path",
        `mount source '${source}' is under the host's ${kernelSource}, which a container must not see`,
      );
    else if (!allowed.some((prefix) => isSameOrUnder(source, prefix)))
      report(
        ["mounts", i, "source"],
        "mount/source-not-allowed",
        allowed.length === 0
          ? `mount source '${source}' is not allowed: policy.mounts.allowedSources is empty`
          : `mount source '${source}' is not under an allowed prefix (${allowed.join(", ")})`,
      );
    const first = targets.get(target);
    if (first === undefined) targets.set(target, i);
    else {
      const at = def.span(["mounts", first, "target"]);
      report(
        ["mounts", i, "target"],
        "mount/duplicate-target",
        `mount target '${target}' is already used by mounts[${first}] (line ${at.line})`,
      );
    }
  });

  out.push(...mountSourceRules(def, config));

  if (d.service?.workdir !== undefined) checkPath(["service", "workdir"], d.service.workdir, "workdir");

  for (const [i, argv] of d.setup.entries()) checkApt(["setup", i], argv, "setup step", report);
  if (d.service) checkApt(["service", "command"], d.service.command, "service command", report);

  const base = (def.file.split(/[\\/]/).pop() ?? def.file).replace(/\.ya?ml$/, "");
  if (base !== d.name)
    report(
      ["name"],
      "name/file-mismatch",
      `name '${d.name}' does not match the file name '${base}': name the file ${d.name}.yml`,
      "warning",
    );
  out.push(...validateDeployable(def));
  return out;
}

function checkApt(
  path: ValuePath,
  argv: readonly string[],
  what: string,
  report: (path: ValuePath, rule: string, message: string) => void,
): void {
  const found = aptProgram(argv);
  if (!found) return;
  report(
    [...path, found.index],
    "setup/apt-refused",
    `${what} runs ${found.program}: packages installed into the delta shadow the host's and miss ` +
      "their security fixes; ask ops to install it on the hosts, or use packages.pip/npm/gem",
  );
}
