import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { SshExecutor } from "../src/adapters/ssh/sshExecutor.js";
import { quoteArg } from "../src/core/shellQuote.js";
import { ansibleTools } from "./ansibleTool.js";
import { runOkCommand } from "./benchProcess.js";
import { WORKLOADS } from "./fanoutWorkloads.js";
import { expectSuccesses, type FanoutTool, opensshOptions, type ToolContext } from "./toolContext.js";

const benchDir = fileURLToPath(new URL(".", import.meta.url));
const buildDir = join(benchDir, "..", "build");
const WORKER = join(benchDir, "fanoutWorker.mjs");

/** Why the compiled adapter the worker loads cannot be used, or undefined when it can. */
export function staleBuildReason(): string | undefined {
  const compiled = join(buildDir, "adapters/ssh/sshExecutor.js");
  if (!existsSync(compiled)) return "build/ has no SSH adapter: run `npm run build` first";
  const built = statSync(compiled).mtimeMs;
  const sources = join(benchDir, "..", "src/adapters/ssh");
  const newer = [
    "sshExecutor.ts",
    "hostConnection.ts",
    "connectHost.ts",
    "runChannel.ts",
    "remoteBootstrap.ts",
  ].filter((f) => existsSync(join(sources, f)) && statSync(join(sources, f)).mtimeMs > built);
  return newer.length
    ? `build/ is older than src/adapters/ssh/${newer.join(", ")}: run \`npm run build\``
    : undefined;
}

/** hostroot as a command-line run: a fresh Node process on build/ per run (see fanoutWorker.mjs). */
function hostrootProcess(ctx: ToolContext): FanoutTool {
  const env = { ...process.env };
  // Plain node: whatever loader runs this benchmark must not slow the worker's start.
  delete env.NODE_OPTIONS;
  return {
    name: "hostroot",
    notes:
      "fresh Node process per run on build/: SshExecutor, one ssh2 connection per host, all hosts at once",
    run: async (workload) => {
      const { script } = WORKLOADS[workload];
      const argv = [process.execPath, WORKER, ctx.info.configPath, ctx.info.privateKeyPath, script];
      const out = await runOkCommand(argv, { env });
      expectSuccesses("hostroot", out, /^ok /gm, ctx.pool.length);
    },
  };
}

/** The same executor inside an already running process: what each phase of a hostroot operation pays. */
function hostrootInProcess(ctx: ToolContext): FanoutTool {
  const privateKey = readFileSync(ctx.info.privateKeyPath);
  return {
    name: "hostroot (in-process)",
    notes: "new SshExecutor per run in the benchmark's own process: connect + exec + close, no process start",
    run: async (workload) => {
      const executor = new SshExecutor({ privateKey, maxConcurrentHosts: ctx.pool.length });
      try {
        const { script } = WORKLOADS[workload];
        const results = await Promise.all(ctx.pool.map((h) => executor.exec(h, script)));
        const bad = results.filter((r) => r.code !== 0);
        if (bad.length) throw new Error(`hostroot in-process: ${bad.length} hosts failed: ${bad[0]?.stderr}`);
      } finally {
        await executor.close();
      }
    },
  };
}

/** parallel-ssh (pssh): one OpenSSH client process per host, all at once (`-p N`). */
function parallelSsh(ctx: ToolContext): FanoutTool {
  const hostsFile = join(ctx.workDir, "pssh-hosts");
  writeFileSync(hostsFile, `${ctx.pool.map((h) => h.address).join("\n")}\n`);
  const extra = opensshOptions(ctx.info).map(quoteArg).join(" ");
  const n = String(ctx.pool.length);
  return {
    name: "parallel-ssh",
    notes: `-p ${n}, one OpenSSH client per host, no ControlMaster`,
    run: async (workload) => {
      const { script } = WORKLOADS[workload];
      const argv = ["parallel-ssh", "-h", hostsFile, "-l", "root", "-p", n, "-t", "300", "-x", extra];
      const out = await runOkCommand([...argv, script]);
      expectSuccesses("parallel-ssh", out, /\[SUCCESS\]/g, ctx.pool.length);
    },
  };
}

/** Every tool in the order each run visits them (hostroot first as the reference). */
export function fanoutTools(ctx: ToolContext): FanoutTool[] {
  return [hostrootProcess(ctx), hostrootInProcess(ctx), parallelSsh(ctx), ...ansibleTools(ctx)];
}

/** The commands the comparison needs, with how to install each that is missing. */
export function missingTools(hasTool: (tool: string) => boolean): string[] {
  return [
    ["parallel-ssh", "pssh"],
    ["ansible", "ansible"],
    ["flock", "util-linux"],
  ].flatMap(([tool, pkg]) => (hasTool(tool as string) ? [] : [`${tool} (apt-get install -y ${pkg})`]));
}
