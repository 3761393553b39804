import { HOST_SCRIPT_PATH, inspectFunctions, parseInspectMarkers } from "./containerInspect.js";
import { containerPaths } from "./containerPaths.js";
import { DEBIAN_PACKAGE } from "./debianPackage.js";
import type { ExecOutcome } from "./execProblem.js";
import { execGaveUp } from "./execProblem.js";
import type { ContainerReport, HostResult, PackageChange } from "./operationResult.js";
import { quoteArg } from "./shellQuote.js";
import { parseStateFile } from "./stateFile.js";

/**
 * For each package (its file list from the host's dpkg) and each hostroot container, prints
 * `::hostroot-shadow NAME PKG KIND PATH` for every file of the package the container's delta
 * shadows: KIND `file` (its own copy), `symlink`, `whiteout` (a 0/0 char device: the file is
 * deleted in the container) or `opaque` (a dir of the package made opaque in the delta, with
 * package content below it). Such a container does not get the host's fix for that file.
 */
const SHADOW_FUNCTION = `hostroot_shadows() {
  p=$1
  nl='
'
  files=$nl$(dpkg-query -L -- "$p" 2>/dev/null)$nl
  for n in $hostroot_names; do
    d=$hostroot_lxc/$n/delta0
    printf '%s' "$files" | while IFS= read -r f; do
      case $f in /*) ;; *) continue ;; esac
      [ "$f" = /. ] && continue
      t=$d$f
      if [ -L "$t" ]; then k=symlink
      elif [ -c "$t" ]; then k=whiteout
      elif [ -f "$t" ]; then k=file
      elif [ -d "$t" ]; then
        case $files in *"$nl$f/"*) ;; *) continue ;; esac
        [ "$(getfattr --only-values -h -n trusted.overlay.opaque -- "$t" 2>/dev/null)" = y ] || continue
        k=opaque
      else continue
      fi
      printf '::hostroot-shadow %s %s %s %s\\n' "$n" "$p" "$k" "$f"
    done
  done
}`;

/**
 * ONE read-only sh script per host for `affected`: the host's version of each package, and for
 * every hostroot container its state, which package files its delta shadows, and (when it runs)
 * what it sees from inside and whether it still maps replaced files. It takes no host lock:
 * it changes nothing, and must not queue behind a long upgrade.
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
    inspectFunctions(lxc, packages, []),
    SHADOW_FUNCTION,
    "hostroot_names=$(hostroot_containers)",
    `for p in ${pkgs}; do`,
    `  v=$(dpkg-query -W -f='\${db:Status-Abbrev}|\${Version}' -- "$p" 2>/dev/null) || v=`,
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a JS template
    "  case $v in ?i?'|'?*) v=${v#*|} ;; *) v=- ;; esac",
    '  printf \'::hostroot-pkg now %s %s\\n\' "$p" "$v"',
    "done",
    'for n in $hostroot_names; do printf \'::hostroot-container %s\\n\' "$n"; hostroot_statefile "$n"; done',
    `for p in ${pkgs}; do hostroot_shadows "$p"; done`,
    'for n in $hostroot_names; do hostroot_inspect "$n"; done',
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
  const shadows = lines.flatMap((l) => {
    const m = /^::hostroot-shadow ([a-z0-9-]+) (\S+) (file|symlink|whiteout|opaque) (\/.*)$/.exec(l);
    return m
      ? [{ name: m[1] as string, pkg: m[2] as string, kind: m[3] as string, path: m[4] as string }]
      : [];
  });
  const inspect = parseInspectMarkers(exec.stdout);
  const containers = inspect.containers.map((name): ContainerReport => {
    const state = inspect.state.get(name);
    const file = parseStateFile(inspect.stateFile.get(name) ?? "");
    const inside = inspect.inside.get(name);
    const shadowed = [...new Set(shadows.filter((s) => s.name === name).map((s) => s.pkg))];
    return {
      name,
      state: state === "RUNNING" ? "running" : state === "STOPPED" ? "stopped" : "absent",
      ...(file.kind === "ok" ? { commit: file.state.commit } : {}),
      ...(inside ? { sees: inside.sees } : {}),
      ...(inside?.staleMappings === undefined ? {} : { staleMappings: inside.staleMappings }),
      shadowed,
    };
  });
  const evidence = shadows.map((s) => `${s.name}: ${s.pkg}: ${s.kind} ${s.path}`).join("\n");
  const scan = {
    id: "scan",
    description: `look for files of ${input.packages.join(" ")} shadowed by container deltas`,
    status: "applied" as const,
    exitCode: exec.code,
    ...(evidence === "" ? {} : { output: evidence }),
  };
  const result: HostResult = { ...base, outcome: "succeeded", steps: [scan], packages, containers };
  const gaveUp = execGaveUp(exec, input.timeoutSeconds, undefined);
  if (gaveUp) return { ...result, ...gaveUp, steps: [{ ...scan, status: "failed" }] };
  if (exec.code !== 0 || !lines.includes("::hostroot-done")) {
    return {
      ...result,
      outcome: "failed",
      steps: [{ ...scan, status: "failed" }],
      error: `the host script ended early (exit ${exec.code ?? "none"})`,
    };
  }
  return result;
}
