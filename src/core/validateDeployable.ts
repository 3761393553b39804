import type { Definition } from "./definitionSchema.js";
import { type Diagnostic, diagnostic } from "./diagnostic.js";
import type { Located, ValuePath } from "./located.js";
import { type PackageKind, packageSpecProblem } from "./packageSpecs.js";

/** The container name the host layout keeps for itself: `<lxcPath>/host` holds the bind of the host's root. */
export const RESERVED_NAMES: readonly string[] = ["host"];

/** Control characters as escapes, so a message shows where they are without carrying them. */
function shown(s: string): string {
  return s.replace(/\p{Cc}/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * The rules that make "validate passes" mean "deploy can build it": every value a deploy writes
 * into an LXC config line, a host script argument or an installer's command line is checked
 * here, with its position, so nothing the renderers and script builders refuse (or an installer
 * would misread) is found only after the merge. Run by {@link validateDefinition}.
 */
export function validateDeployable(def: Located<Definition>): Diagnostic[] {
  const out: Diagnostic[] = [];
  const d = def.value;
  const report = (path: ValuePath, rule: string, message: string) =>
    out.push(diagnostic(def.file, def.span(path), rule, message));

  if (RESERVED_NAMES.includes(d.name))
    report(
      ["name"],
      "name/reserved",
      `name '${d.name}' is reserved: <lxcPath>/${d.name} holds the bind of each host's root filesystem, so no container may use it`,
    );

  // LXC config lines cannot carry a control character (a newline or CR would start a new entry,
  // NUL ends the line) and exec(2) cannot carry NUL: refused in every path, not escaped.
  const paths: Array<[ValuePath, string, string]> = [
    ...d.hide.map((p, i): [ValuePath, string, string] => [["hide", i], p, "hide path"]),
    ...d.mounts.flatMap(
      (m, i): Array<[ValuePath, string, string]> => [
        [["mounts", i, "source"], m.source, "mount source"],
        [["mounts", i, "target"], m.target, "mount target"],
      ],
    ),
    ...(d.service?.workdir === undefined
      ? []
      : [[["service", "workdir"], d.service.workdir, "workdir"] as [ValuePath, string, string]]),
  ];
  for (const [path, value, what] of paths)
    if (/\p{Cc}/u.test(value))
      report(
        path,
        "path/control-character",
        `${what} '${shown(value)}' has a control character, which an LXC config line or a host command cannot carry`,
      );

  // The kernel refuses a multicast or all-zero address on a network device: lxc-start would fail.
  const mac = d.network.hwaddr;
  if (mac !== undefined && (Number.parseInt(mac.slice(0, 2), 16) & 1 || /^(00:){5}00$/.test(mac)))
    report(
      ["network", "hwaddr"],
      "network/hwaddr-unusable",
      `hwaddr ${mac} is ${/^(00:){5}00$/.test(mac) ? "all zeros" : "a multicast address (first byte odd)"}: no network device can carry it; use a unicast address such as 02:${mac.slice(3)}`,
    );

  for (const [key, value] of Object.entries(d.service?.env ?? {}))
    if (value.includes("\0"))
      report(
        ["service", "env", key],
        "service/env-value",
        `env ${key} has a NUL byte, which no environment variable can hold`,
      );

  type Command = [ValuePath, readonly string[], string];
  const commands: Command[] = d.setup.map((argv, i): Command => [["setup", i], argv, "setup step"]);
  if (d.service) commands.push([["service", "command"], d.service.command, "service command"]);
  if (d.health) commands.push([["health", "command"], d.health.command, "health command"]);
  for (const [path, argv, what] of commands) {
    const program = argv[0];
    if (program?.startsWith("-"))
      report(
        [...path, 0],
        "command/option-like",
        `${what} starts with '${shown(program)}': the program to run comes first, and no program is named like an option (setsid, which starts a service, would read it as its own)`,
      );
  }

  for (const kind of ["pip", "npm", "gem"] as PackageKind[])
    d.packages[kind].forEach((spec, i) => {
      const problem = packageSpecProblem(kind, spec);
      if (problem) report(["packages", kind, i], problem.rule, problem.message);
    });
  return out;
}
