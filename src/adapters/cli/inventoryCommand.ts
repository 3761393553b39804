import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { type Command, Option } from "commander";
import { ansibleInventory, knownHostsFile } from "../../core/ansibleInventory.js";
import type { ContainerReport } from "../../core/operationResult.js";
import { observePool } from "../../workflows/observePool.js";
import { type CliIo, EXIT } from "./cliIo.js";
import { configOption, guarded, keyOption } from "./commonOptions.js";
import { loadSources, withExecutor } from "./operationContext.js";

/** Output formats of `hostroot inventory`. */
export const INVENTORY_FORMATS = ["ansible"] as const;

/**
 * `hostroot inventory --format ansible`: the pool as an Ansible YAML inventory on stdout.
 * `--known-hosts FILE` writes the pinned host keys there and points ssh at them, strictly;
 * `--containers` reads every host (one status exec each) and lists its containers as a host
 * variable; `--key FILE` names the private key for Ansible (never read here).
 */
export function registerInventoryCommand(program: Command, io: CliIo, result: { code: number }): void {
  program
    .command("inventory")
    .description("print the pool as an inventory for other tools (Ansible)")
    .addOption(
      new Option("-f, --format <format>", "inventory format").choices(INVENTORY_FORMATS).default("ansible"),
    )
    .addOption(configOption(io))
    .option("--known-hosts <file>", "write the pool's pinned host keys to FILE; ssh checks them strictly")
    .option("--containers", "read every host over SSH and list its containers as a host variable")
    .addOption(keyOption())
    .action((opts) =>
      guarded(
        io,
        result,
      )(async () => {
        const loaded = await loadSources(io, opts.config, [], false);
        if (loaded.kind === "exit") return loaded.code;
        const cfg = loaded.outcome.config;
        let known: string | undefined;
        if (opts.knownHosts !== undefined) {
          known = resolve(io.cwd, opts.knownHosts);
          writeFileSync(known, knownHostsFile(cfg.value), { mode: 0o644 });
        }
        let containers: Map<string, readonly ContainerReport[]> | undefined;
        let code: number = EXIT.ok;
        if (opts.containers === true) {
          const seen = await withExecutor(io, opts.key, cfg, (executor) => observePool(executor, cfg.value));
          containers = new Map(
            seen.result.hosts
              .filter((h) => h.outcome === "succeeded")
              .map((h) => [h.host, h.containers ?? []]),
          );
          for (const h of seen.result.hosts.filter((h) => h.outcome !== "succeeded")) {
            io.stderr(
              `hostroot inventory: ${h.host}: ${h.outcome}${h.error ? ` (${h.error})` : ""}: no containers listed\n`,
            );
            code = EXIT.findings;
          }
        }
        io.stdout(
          ansibleInventory(cfg.value, {
            ...(known === undefined ? {} : { knownHostsPath: known }),
            ...(opts.key === undefined ? {} : { privateKeyPath: resolve(io.cwd, opts.key) }),
            ...(containers === undefined ? {} : { containers }),
          }),
        );
        return code;
      })(),
    );
}
