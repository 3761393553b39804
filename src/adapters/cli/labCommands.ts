import path from "node:path";
import type { Command } from "commander";
import { DEFAULT_STATE_DIR, LabError, labDown, labStatus, labUp, publishDemoPackage } from "../lab/index.js";
import { type CliIo, EXIT } from "./cliIo.js";
import { guarded } from "./commonOptions.js";

const whole = (what: string) => (v: string) => {
  if (!/^[0-9]+$/.test(v)) throw new Error(`${what} must be a whole number, not ${JSON.stringify(v)}`);
  return Number(v);
};

/**
 * Registers `hostroot lab up|down|status|publish`: a real pool of test hosts on this machine (root only).
 * `lab up` prints where the generated config and key are and how to point hostroot at them.
 */
export function registerLabCommands(program: Command, io: CliIo, result: { code: number }): void {
  const lab = program.command("lab").description("a real pool of test hosts on this machine (root only)");
  const stateDir = (opts: { stateDir?: string }) => path.resolve(io.cwd, opts.stateDir ?? DEFAULT_STATE_DIR);
  const guard = guarded(io, result, {
    prefix: "hostroot lab",
    codeFor: (error) =>
      error instanceof LabError && error.code === "step-failed" ? EXIT.findings : EXIT.usage,
  });

  lab
    .command("up")
    .description("bring up test hosts (network namespaces with sshd and LXC) and write their pool config")
    .option("--hosts <n>", "number of hosts", whole("--hosts"), 3)
    .option(
      "--containers <m>",
      "containers per host you mean to deploy (sets the pool's capacity)",
      whole("--containers"),
      0,
    )
    .option("--state-dir <dir>", "where the lab keeps its files", DEFAULT_STATE_DIR)
    .option(
      "--plain-roots",
      "give each host a copy of the base as its root, not an overlay (idmapped mounts, for unprivileged containers)",
    )
    .action((opts) =>
      guard(async () => {
        const info = await labUp({
          hosts: opts.hosts,
          containers: opts.containers,
          plainRoots: opts.plainRoots === true,
          stateDir: stateDir(opts),
          log: (l) => io.stderr(`lab: ${l}\n`),
        });
        const rel = (p: string) => path.relative(io.cwd, p) || ".";
        io.stdout(
          [
            `lab ${info.reused ? "already up" : "up"}: ${info.hosts.length} hosts (${info.hosts.map((h) => `${h.name} ${h.address}`).join(", ")})`,
            `config: ${rel(info.configPath)}`,
            `key:    ${rel(info.privateKeyPath)}`,
            "use it with:",
            `  export HOSTROOT_CONFIG=${info.configPath}`,
            `  export HOSTROOT_SSH_KEY_FILE=${info.privateKeyPath}`,
            "  npx hostroot hosts prepare && npx hostroot deploy && npx hostroot status",
            `take it down with: npx hostroot lab down${opts.stateDir === DEFAULT_STATE_DIR ? "" : ` --state-dir ${opts.stateDir}`}`,
            "",
          ].join("\n"),
        );
        return EXIT.ok;
      })(),
    );

  lab
    .command("down")
    .description("remove every host, mount, cgroup and file the lab made")
    .option("--state-dir <dir>", "where the lab keeps its files", DEFAULT_STATE_DIR)
    .action((opts) =>
      guard(async () => {
        const { removed } = await labDown({ stateDir: stateDir(opts) });
        // Entries read "process 123", "netns hrlab-h1", ...: counted by kind, one line, not dozens.
        const kinds = new Map<string, number>();
        for (const r of removed) {
          const kind = r.split(" ")[0] ?? r;
          kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
        }
        const plural = (k: string) => (k === "netns" ? k : /(s|x|sh)$/.test(k) ? `${k}es` : `${k}s`);
        const counts = [...kinds].map(([k, n]) => `${n} ${n === 1 ? k : plural(k)}`).join(", ");
        io.stdout(removed.length === 0 ? "lab down: nothing to remove\n" : `lab down: removed ${counts}\n`);
        return EXIT.ok;
      })(),
    );

  lab
    .command("publish")
    .description("publish a version of the demo package (demo-libfoo) in the lab's apt repository")
    .argument("<version>", "Debian version, e.g. 1.1")
    .option("--state-dir <dir>", "where the lab keeps its files", DEFAULT_STATE_DIR)
    .action((version: string, opts) =>
      guard(async () => {
        const r = await publishDemoPackage(version, { stateDir: stateDir(opts) });
        if (r.kind === "invalid") {
          io.stderr(`hostroot lab publish: ${r.reason}\n`);
          return EXIT.usage;
        }
        io.stdout(
          `published ${r.package} ${r.version} in the lab repository${r.reused ? " (already built)" : ""}\n`,
        );
        return EXIT.ok;
      })(),
    );

  lab
    .command("status")
    .description("whether the lab is up, per host: netns, sshd, containers (no SSH)")
    .option("--state-dir <dir>", "where the lab keeps its files", DEFAULT_STATE_DIR)
    .option("--format <format>", "text or json", "text")
    .action((opts) =>
      guard(async () => {
        const s = await labStatus({ stateDir: stateDir(opts) });
        if (opts.format === "json") {
          io.stdout(`${JSON.stringify(s, null, 2)}\n`);
          return s.kind === "up" ? EXIT.ok : EXIT.findings;
        }
        if (s.kind === "down") {
          const left =
            s.leftovers.length > 0 ? `; leftovers: ${s.leftovers.join(", ")} (run hostroot lab down)` : "";
          io.stdout(`lab down${left}\n`);
          return EXIT.findings;
        }
        const lines = [`lab ${s.kind}: config ${s.configPath}, ${s.containers} container(s) running`];
        for (const h of s.hosts)
          lines.push(
            `  ${h.name} ${h.address}: netns ${h.netns ? "yes" : "MISSING"}, sshd ${h.sshdAlive ? `pid ${h.sshdPid}` : "DOWN"}, ${h.containers} container(s)`,
          );
        io.stdout(`${lines.join("\n")}\n`);
        return s.kind === "up" ? EXIT.ok : EXIT.findings;
      })(),
    );
}
