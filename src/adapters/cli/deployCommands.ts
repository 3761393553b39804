import { type Command, Option } from "commander";
import { DEBIAN_PACKAGE } from "../../core/debianPackage.js";
import { originPatternProblem } from "../../core/unattendedAptConf.js";
import { adoptContainer } from "../../workflows/adoptContainer.js";
import { deploy } from "../../workflows/deploy.js";
import { observePool } from "../../workflows/observePool.js";
import { prepareHosts } from "../../workflows/prepareHosts.js";
import { restart } from "../../workflows/restart.js";
import { type CliIo, EXIT } from "./cliIo.js";
import {
  cliProgress,
  configOption,
  guarded,
  keyOption,
  commaList as list,
  operationFormatOption,
  ownerNameOption,
  ownerOption,
  verboseOption,
} from "./commonOptions.js";
import { registerKeyscanCommand } from "./keyscanCommand.js";
import {
  cliOwner,
  currentCommit,
  holderName,
  loadSources,
  printResult,
  withExecutor,
} from "./operationContext.js";
import { formatPlanText, planCommand } from "./planCommand.js";

/** Output formats of `hostroot status`; `observed` is the snapshot `hostroot plan --observed` reads. */
export const STATUS_FORMATS = ["text", "json", "observed"] as const;

/**
 * Registers the pool operations: deploy, status, restart, hosts prepare. Also lets `plan` observe
 * the hosts over SSH when it is not given `--observed FILE`.
 */
export function registerDeployCommands(program: Command, io: CliIo, result: { code: number }): void {
  const config = () => configOption(io);
  const key = keyOption;
  const format = operationFormatOption;
  const guard = guarded(io, result);

  program
    .command("deploy")
    .description("apply the definitions to the hosts: create, reconfigure, destroy containers")
    .argument("[paths...]", "definition files or directories (default: the policy's definitionsPath)")
    .addOption(config())
    .addOption(key())
    .addOption(verboseOption())
    .option("--commit <sha>", "commit recorded in state files (default: git HEAD, or none)")
    .option("--dry-run", "plan and list the steps; write nothing")
    .addOption(format())
    .addOption(ownerOption())
    .addOption(ownerNameOption())
    .action((paths: string[], opts) =>
      guard(async () => {
        const loaded = await loadSources(io, opts.config, paths, true);
        if (loaded.kind === "exit") return loaded.code;
        const { outcome } = loaded;
        const commit = currentCommit(io, opts.commit);
        const progress = cliProgress(io, "deploy", opts.verbose);
        const out = await withExecutor(
          io,
          opts.key,
          outcome.config,
          (executor) =>
            deploy({
              config: outcome.config.value,
              definitions: outcome.definitions.map((d) => ({ file: d.file, definition: d.value })),
              executor,
              commit,
              holder: holderName(io, `deploy${commit ? ` of ${commit.slice(0, 12)}` : ""}`),
              owner: cliOwner(io, opts),
              dryRun: opts.dryRun === true,
              onHostDone: progress.hostDone,
            }),
          progress,
        );
        if (opts.format === "text") io.stdout(formatPlanText(out.plan));
        return printResult(io, out.result, opts.format);
      })(),
    );

  program
    .command("status")
    .description("what runs where: state files, LXC state, and package versions on request")
    .argument("[name]", "only this container")
    .addOption(config())
    .addOption(key())
    .addOption(verboseOption())
    .option("--packages <list>", "host packages to report, also as seen from inside each container (p1,p2)")
    .addOption(new Option("-f, --format <format>", "output format").choices(STATUS_FORMATS).default("text"))
    .action((name: string | undefined, opts) =>
      guard(async () => {
        const packages = opts.packages ? list(opts.packages) : [];
        const badPkg = packages.find((p) => !DEBIAN_PACKAGE.test(p));
        if (badPkg) {
          io.stderr(`hostroot: not a Debian package name: ${JSON.stringify(badPkg)}\n`);
          return EXIT.usage;
        }
        const loaded = await loadSources(io, opts.config, [], false);
        if (loaded.kind === "exit") return loaded.code;
        const cfg = loaded.outcome.config;
        const progress = cliProgress(io, "status", opts.verbose);
        const seen = await withExecutor(
          io,
          opts.key,
          cfg,
          (executor) =>
            observePool(executor, cfg.value, {
              packages,
              ...(name ? { container: name } : {}),
              onHostDone: progress.hostDone,
            }),
          progress,
        );
        if (opts.format === "observed") {
          io.stdout(`${JSON.stringify(seen.observed, null, 2)}\n`);
          return seen.result.outcome === "succeeded" ? EXIT.ok : EXIT.findings;
        }
        return printResult(io, seen.result, opts.format === "json" ? "json" : "text", seen.notes);
      })(),
    );

  program
    .command("restart")
    .description("full stop and start of containers (never lxc-stop -r), then service and health check")
    .argument("[name]", "container to restart")
    .option("--all", "every container hostroot manages")
    .option("--host <host>", "only on this host")
    .addOption(config())
    .addOption(key())
    .addOption(verboseOption())
    .option("--dry-run", "list the steps; write nothing")
    .addOption(format())
    .addOption(ownerOption())
    .addOption(ownerNameOption())
    .action((name: string | undefined, opts) =>
      guard(async () => {
        if ((name === undefined) === (opts.all !== true)) {
          io.stderr("hostroot restart: give a container NAME or --all (not both)\n");
          return EXIT.usage;
        }
        const loaded = await loadSources(io, opts.config, [], false);
        if (loaded.kind === "exit") return loaded.code;
        const { outcome } = loaded;
        const progress = cliProgress(io, "restart", opts.verbose);
        const res = await withExecutor(
          io,
          opts.key,
          outcome.config,
          (executor) =>
            restart({
              config: outcome.config.value,
              definitions: outcome.definitions.map((d) => ({ file: d.file, definition: d.value })),
              executor,
              target: name === undefined ? { all: true } : { name },
              ...(opts.host ? { host: opts.host } : {}),
              holder: holderName(io, `restart of ${name ?? "all containers"}`),
              owner: cliOwner(io, opts),
              dryRun: opts.dryRun === true,
              onHostDone: progress.hostDone,
            }),
          progress,
        );
        return printResult(io, res, opts.format);
      })(),
    );

  program
    .command("adopt")
    .description("claim a container deployed before hostroot recorded owners (writes only its owner)")
    .argument("<name>", "container to claim")
    .requiredOption("--host <host>", "the host it runs on")
    .addOption(config())
    .addOption(key())
    .addOption(verboseOption())
    .addOption(ownerOption())
    .addOption(ownerNameOption())
    .addOption(format())
    .action((name: string, opts) =>
      guard(async () => {
        if (opts.owner === undefined && io.env.HOSTROOT_OWNER === undefined) {
          io.stderr("hostroot adopt: say which repository claims it: --owner ID (e.g. github:123456)\n");
          return EXIT.usage;
        }
        const loaded = await loadSources(io, opts.config, [], false);
        if (loaded.kind === "exit") return loaded.code;
        const cfg = loaded.outcome.config;
        const progress = cliProgress(io, "adopt", opts.verbose);
        const res = await withExecutor(
          io,
          opts.key,
          cfg,
          (executor) =>
            adoptContainer({
              config: cfg.value,
              executor,
              host: opts.host,
              name,
              owner: cliOwner(io, opts),
              holder: holderName(io, `adopt of ${name}`),
            }),
          progress,
        );
        return printResult(io, res, opts.format);
      })(),
    );

  const hosts = program.command("hosts").description("host setup");
  hosts
    .command("prepare")
    .description("make hosts ready: LXC, read-only bind of / as the lower layer, bridges, lock dir")
    .addOption(config())
    .addOption(key())
    .addOption(verboseOption())
    .option("--install", "apt-get install lxc (and unattended-upgrades) where missing (default: report it)")
    .option(
      "--unattended",
      "configure unattended-upgrades and the post-dpkg hook that restarts containers mapping replaced files",
    )
    .option(
      "--origin <pattern>",
      "with --unattended: an Origins-Pattern entry (repeatable; default: the security archives)",
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option("--definitions <paths...>", "definition files or dirs (default: the policy's definitionsPath)")
    .option("--hosts <list>", "only these hosts (h1,h2)")
    .option("--dry-run", "list the steps; connect to no host")
    .addOption(format())
    .action((opts) =>
      guard(async () => {
        const origins: string[] = opts.origin ?? [];
        if (origins.length > 0 && opts.unattended !== true) {
          io.stderr("hostroot: --origin is only read with --unattended\n");
          return EXIT.usage;
        }
        for (const o of origins) {
          const why = originPatternProblem(o);
          if (why) {
            io.stderr(`hostroot: --origin ${JSON.stringify(o)}: ${why}\n`);
            return EXIT.usage;
          }
        }
        const loaded = await loadSources(io, opts.config, opts.definitions ?? [], false);
        if (loaded.kind === "exit") return loaded.code;
        const { outcome } = loaded;
        const progress = cliProgress(io, "hosts prepare", opts.verbose);
        const run = (executor?: Parameters<typeof prepareHosts>[0]["executor"]) =>
          prepareHosts({
            config: outcome.config.value,
            definitions: outcome.definitions.map((d) => ({ definition: d.value })),
            executor: executor ?? noExecutor,
            install: opts.install === true,
            ...(opts.unattended === true ? { unattended: { origins } } : {}),
            ...(opts.hosts ? { hosts: list(opts.hosts) } : {}),
            holder: holderName(io, "hosts prepare"),
            dryRun: opts.dryRun === true,
            onHostDone: progress.hostDone,
          });
        const res = opts.dryRun
          ? await run()
          : await withExecutor(io, opts.key, outcome.config, run, progress);
        return printResult(io, res, opts.format);
      })(),
    );

  registerKeyscanCommand(hosts, io, result);

  // `plan` without --observed reads the hosts over SSH.
  const plan = program.commands.find((c) => c.name() === "plan");
  if (plan) {
    plan.addOption(key());
    plan.addOption(verboseOption());
    plan.action((paths: string[], opts) =>
      guard(() =>
        planCommand(io, paths, opts, async (outcome) => {
          if (!outcome.config) throw new Error("no config");
          const cfg = outcome.config;
          const progress = cliProgress(io, "plan", opts.verbose);
          return withExecutor(
            io,
            opts.key,
            cfg,
            async (executor) =>
              (await observePool(executor, cfg.value, { onHostDone: progress.hostDone })).observed,
            progress,
          );
        }),
      )(),
    );
  }
}

/** A dry run connects nowhere: any use of this executor is a bug. */
const noExecutor = {
  exec: () => Promise.reject(new Error("hostroot: a dry run must not connect to hosts")),
  close: () => Promise.resolve(),
};
