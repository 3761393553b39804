// Benchmark: hostroot's SSH fan-out against parallel-ssh and ansible on N lab hosts.
// Usage (as root): npm run bench:fanout -- [--hosts 10,50] [--runs 5] [--workloads true,apt]
// Takes the machine's lab lock, brings a lab of N hosts up, times every tool R times per workload
// (tools interleaved run by run), always takes the lab down, and prints one table with hostroot's ratio
// to every tool. Needs `npm run build` (the npm script runs it) for the hostroot worker.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { labUnavailableReason, publishDemoPackage } from "../src/adapters/lab/index.js";
import { hasTool } from "../src/adapters/lab/preflight.js";
import { atInterrupt, installInterruptHandlers } from "./benchProcess.js";
import { resultTable, type Sample, targetLines } from "./fanoutReport.js";
import { fanoutTools, missingTools, staleBuildReason } from "./fanoutTools.js";
import { LabHosts, labPoolHosts, UPGRADE_TO, WORKLOADS, type Workload } from "./fanoutWorkloads.js";
import { withExclusiveLab } from "./labSession.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const { values } = parseArgs({
  options: {
    hosts: { type: "string", default: "10" },
    runs: { type: "string", default: "5" },
    workloads: { type: "string", default: "true,apt" },
    "state-dir": { type: "string", default: join(root, ".lab", "bench-fanout") },
  },
});
const hostCounts = values.hosts.split(",").map(Number);
const runs = Number(values.runs);
const workloads = values.workloads.split(",") as Workload[];
const stateDir = values["state-dir"];
const log = (line: string) => process.stderr.write(`[fanout] ${line}\n`);
const loadavg = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");

function refuse(why: string): never {
  process.stderr.write(`bench:fanout: ${why}\n`);
  process.exit(2);
}
if (hostCounts.some((n) => !Number.isInteger(n) || n < 1))
  refuse(`--hosts wants counts like 10,50, not ${values.hosts}`);
if (!Number.isInteger(runs) || runs < 1) refuse(`--runs wants a whole number >= 1, not ${values.runs}`);
const unknown = workloads.filter((w) => !(w in WORKLOADS));
if (unknown.length)
  refuse(`unknown workloads ${unknown.join(", ")} (known: ${Object.keys(WORKLOADS).join(", ")})`);
const unavailable = labUnavailableReason();
if (unavailable) refuse(`the lab cannot run here: ${unavailable}`);
const missing = missingTools(hasTool);
if (missing.length) refuse(`missing ${missing.join(", ")}; install them, then run again`);
const stale = staleBuildReason();
if (stale) refuse(stale);

/** All runs for one lab size; the lab is up (and the lock held) only inside this. */
async function benchHosts(n: number): Promise<Sample[]> {
  return withExclusiveLab({ hosts: n, stateDir, log }, async (info) => {
    const workDir = mkdtempSync(join(tmpdir(), "hostroot-fanout-"));
    const labHosts = new LabHosts(info);
    const dropWorkDir = atInterrupt(async () => rmSync(workDir, { recursive: true, force: true }));
    const tools = fanoutTools({ info, pool: labPoolHosts(info), workDir });
    for (const t of tools) notes.set(t.name, t.notes);
    try {
      log(`N=${n}: warm-up (one untimed \`true\` per tool)`);
      for (const tool of tools) {
        await tool.run("true");
        await tool.afterRun?.();
      }
      const samples: Sample[] = [];
      for (const workload of workloads) {
        if (workload === "apt") {
          const published = await publishDemoPackage(UPGRADE_TO, { stateDir });
          if (published.kind !== "published") throw new Error(`publish failed: ${published.reason}`);
        }
        const byTool = new Map(tools.map((t) => [t.name, [] as number[]]));
        for (let r = 0; r < runs; r++) {
          // Rotate the order run by run, so that no tool always runs right after the same neighbour.
          for (const tool of [...tools.slice(r % tools.length), ...tools.slice(0, r % tools.length)]) {
            if (workload === "apt") await labHosts.resetPackage();
            const started = performance.now();
            await tool.run(workload);
            byTool.get(tool.name)?.push((performance.now() - started) / 1000);
            await tool.afterRun?.();
            if (workload === "apt") await labHosts.expectVersion(UPGRADE_TO, tool.name);
          }
          log(`N=${n} ${workload}: run ${r + 1}/${runs} done (load ${loadavg()})`);
        }
        for (const [tool, seconds] of byTool) samples.push({ hosts: n, tool, workload, seconds });
      }
      return samples;
    } finally {
      await labHosts.close();
      rmSync(workDir, { recursive: true, force: true });
      dropWorkDir();
    }
  });
}

installInterruptHandlers();
const command = `npm run bench:fanout -- ${process.argv.slice(2).join(" ")}`.trim();
const header = [
  `started: ${new Date().toISOString()}`,
  `machine: ${cpus().length} cores (${cpus()[0]?.model.trim() ?? "unknown CPU"})`,
  `command: ${command}`,
  `runs per tool and workload: ${runs} (median reported)`,
];
const samples: Sample[] = [];
const notes = new Map<string, string>();
const loads: string[] = [];
const failures: string[] = [];
for (const n of hostCounts) {
  const before = loadavg();
  try {
    samples.push(...(await benchHosts(n)));
  } catch (error) {
    failures.push(`N=${n}: ${(error as Error).message}`);
    log(`N=${n} failed: ${(error as Error).message}`);
  }
  loads.push(`N=${n}: load average ${before} before, ${loadavg()} after`);
}

console.log([...header, `finished: ${new Date().toISOString()}`, ...loads, ""].join("\n"));
if (samples.length) {
  console.log(resultTable(samples, (w) => WORKLOADS[w].label));
  console.log(
    "\nratio = hostroot median / tool median (below 1: hostroot is faster); `hostroot` is a fresh process per run",
  );
  console.log(`tools:\n${[...notes].map(([t, n]) => `  ${t}: ${n}`).join("\n")}`);
  console.log(
    `targets on the trivial command:\n${targetLines(samples)
      .map((l) => `  ${l}`)
      .join("\n")}`,
  );
}
if (failures.length) console.log(`\nfailed:\n${failures.map((f) => `  ${f}`).join("\n")}`);
process.exitCode = failures.length ? 1 : 0;
