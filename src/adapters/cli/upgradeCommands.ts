import type { Command } from "commander";
import { affected } from "../../workflows/affected.js";
import { type UpgradeHostsOutcome, upgradeHosts } from "../../workflows/upgradeHosts.js";
import { type CliIo, EXIT } from "./cliIo.js";
import {
  cliProgress,
  configOption,
  guarded,
  keyOption,
  commaList as list,
  operationFormatOption,
  verboseOption,
} from "./commonOptions.js";
import {
  holderName,
  loadSources,
  type OPERATION_FORMATS,
  printResult,
  withExecutor,
} from "./operationContext.js";

/**
 * Prints a usage problem (exit 2) or the result in the asked format (exit 0 or 1). In text, the
 * evidence of `affected` (which file each container shadows, and how, and which processes still
 * map replaced files) is shown under its host.
 */
function finish(io: CliIo, out: UpgradeHostsOutcome, format: (typeof OPERATION_FORMATS)[number]): number {
  if (out.kind === "usage") {
    io.stderr(`hostroot: ${out.message}\n`);
    return EXIT.usage;
  }
  const notes = new Map<string, string[]>();
  if (out.result.operation === "affected") {
    for (const h of out.result.hosts) {
      const scan = h.steps.find((s) => s.id === "scan")?.output;
      // Processes still running replaced code (after an upgrade without restart), or unknown.
      const stale = h.steps.find((s) => s.id === "stale")?.output;
      const lines = [
        ...(scan ? scan.split("\n").map((l) => `shadows ${l}`) : []),
        ...(stale ? stale.split("\n").map((l) => `stale ${l}`) : []),
      ];
      if (lines.length > 0) notes.set(h.host, lines);
    }
  }
  return printResult(io, out.result, format, notes);
}

/** Registers `upgrade-hosts` and `affected`. */
export function registerUpgradeCommands(program: Command, io: CliIo, result: { code: number }): void {
  const config = () => configOption(io);
  const key = keyOption;
  const format = operationFormatOption;
  const guard = guarded(io, result);

  program
    .command("upgrade-hosts")
    .description(
      "rolling host-package upgrade: canary first, then batches; restart every container; check from inside",
    )
    .argument(
      "<packages...>",
      "Debian packages to upgrade (only ones already installed); PKG=VERSION installs exactly that version",
    )
    .addOption(config())
    .addOption(key())
    .addOption(verboseOption())
    .option("--platform <platform>", "only hosts of this platform")
    .option("--hosts <names>", "only these hosts (comma-separated)", list)
    .option(
      "--dry-run",
      "simulate with apt-get -s: show versions that would change; write nothing, restart nothing",
    )
    .option("--allow-downgrade", "let a pinned version (PKG=VERSION) be older than the installed one")
    .option("--definitions <paths...>", "definition files or dirs (default: the policy's definitionsPath)")
    .option("--dpkg-lock-timeout <seconds>", "how long apt waits for a held dpkg lock before failing", (v) =>
      Number(v),
    )
    .addOption(format())
    .action((packages: string[], opts) =>
      guard(async () => {
        // Definitions only add service and health checks: a broken one must not block a security fix.
        const loaded = await loadSources(io, opts.config, opts.definitions ?? [], false);
        if (loaded.kind === "exit") return loaded.code;
        const { outcome } = loaded;
        const lockWait = opts.dpkgLockTimeout;
        if (lockWait !== undefined && (!Number.isInteger(lockWait) || lockWait < 0)) {
          io.stderr("hostroot: --dpkg-lock-timeout must be a whole number of seconds\n");
          return EXIT.usage;
        }
        const progress = cliProgress(io, "upgrade-hosts", opts.verbose);
        const out = await withExecutor(
          io,
          opts.key,
          outcome.config,
          (executor) =>
            upgradeHosts(
              {
                config: outcome.config.value,
                packages,
                ...(opts.platform === undefined ? {} : { platform: opts.platform }),
                ...(opts.hosts === undefined ? {} : { hosts: opts.hosts }),
                dryRun: opts.dryRun === true,
                ...(opts.allowDowngrade === true ? { allowDowngrade: true } : {}),
                definitions: outcome.definitions.map((d) => d.value),
                ...(lockWait === undefined ? {} : { dpkgLockTimeoutSeconds: lockWait }),
                holder: holderName(io, `upgrade-hosts ${packages.join(" ")}`),
              },
              { executor, onHostDone: progress.hostDone },
            ),
          progress,
        );
        return finish(io, out, opts.format);
      })(),
    );

  program
    .command("affected")
    .description("which containers use the host's copy of a package and which shadow it in their delta")
    .argument("<packages...>", "Debian packages")
    .addOption(config())
    .addOption(key())
    .addOption(verboseOption())
    .option("--platform <platform>", "only hosts of this platform")
    .option("--hosts <names>", "only these hosts (comma-separated)", list)
    .addOption(format())
    .action((packages: string[], opts) =>
      guard(async () => {
        const loaded = await loadSources(io, opts.config, [], false);
        if (loaded.kind === "exit") return loaded.code;
        const { outcome } = loaded;
        const progress = cliProgress(io, "affected", opts.verbose);
        const out = await withExecutor(
          io,
          opts.key,
          outcome.config,
          (executor) =>
            affected(
              {
                config: outcome.config.value,
                packages,
                ...(opts.platform === undefined ? {} : { platform: opts.platform }),
                ...(opts.hosts === undefined ? {} : { hosts: opts.hosts }),
                holder: holderName(io, `affected ${packages.join(" ")}`),
              },
              { executor, onHostDone: progress.hostDone },
            ),
          progress,
        );
        return finish(io, out, opts.format);
      })(),
    );
}
