#!/usr/bin/env node
// Benchmark: `hostroot validate` as a whole process on generated definition sets.
// Prints wall time and peak RSS per size; targets: 1,000 files < 1 s, 10,000 < 5 s, RSS < 200 MB,
// cost linear in the number of files. Needs `npm run build` first (npm ci does it).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = path.join(root, "bin", "hostroot.js");
const sizes = (process.argv[2] ?? "1000,10000").split(",").map(Number);
const runs = Number(process.env.BENCH_RUNS ?? 3);

function makeTree(n) {
  const dir = mkdtempSync(path.join(tmpdir(), "hostroot-bench-"));
  // Room to spare: a full pool is a placement error, not what this measures.
  const hosts = Math.max(4, Math.ceil((n * 2) / 400));
  const hostLines = [];
  const key = readFileSync(path.join(root, "examples", "hostroot.yml"), "utf8").match(/hostKey: (.*)/)[1];
  for (let h = 0; h < hosts; h++) {
    hostLines.push(
      `        - { name: host-${h}, address: 192.0.2.${h % 250}, port: ${2200 + h}, hostKey: ${key}, capacity: 500 }`,
    );
  }
  writeFileSync(
    path.join(dir, "hostroot.yml"),
    `apiVersion: hostroot/v1\npool:\n  platforms:\n    debian-12:\n      hosts:\n${hostLines.join("\n")}\npolicy:\n  definitionsPath: containers\n  mounts: { allowedSources: [/srv] }\n`,
  );
  mkdirSync(path.join(dir, "containers"));
  for (let i = 0; i < n; i++) {
    const name = `app-${i}`;
    writeFileSync(
      path.join(dir, "containers", `${name}.yml`),
      `apiVersion: hostroot/v1\nname: ${name}\nplatform: debian-12\nreplicas: 2\nhide: [/srv/legacy]\nmounts:\n  - { source: /srv/${name}, target: /srv/app, readOnly: true }\npackages: { pip: [flask==3.0.3] }\nsetup: [["useradd", "-r", "app"]]\nservice: { command: ["/usr/bin/python3", "-m", "http.server", "8080"], user: app }\nhealth: { command: ["/usr/bin/python3", "-c", "print(1)"], timeoutSeconds: 5, retries: 3 }\nresources: { memory: 512M, cpus: 1, pids: 512 }\n`,
    );
  }
  return dir;
}

function measure(dir) {
  const useTime = existsSync("/usr/bin/time");
  const args = ["validate", "--config", "hostroot.yml", "--format", "json"];
  const start = process.hrtime.bigint();
  const r = useTime
    ? spawnSync("/usr/bin/time", ["-f", "%M", process.execPath, bin, ...args], {
        cwd: dir,
        encoding: "utf8",
        maxBuffer: 1 << 28,
      })
    : spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: "utf8", maxBuffer: 1 << 28 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const diagnostics = r.stdout ? JSON.parse(r.stdout).diagnostics : [];
  const errors = diagnostics.filter((d) => d.severity === "error");
  if (r.status !== 0 || errors.length) {
    throw new Error(
      `validate exited ${r.status}: ${JSON.stringify(errors.slice(0, 3))} ${r.stderr.slice(0, 2000)}`,
    );
  }
  const rssMb = useTime ? Number(r.stderr.trim().split("\n").pop()) / 1024 : Number.NaN;
  return { seconds, rssMb };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = [];
for (const n of sizes) {
  const dir = makeTree(n);
  try {
    const samples = Array.from({ length: runs }, () => measure(dir));
    rows.push({
      n,
      seconds: median(samples.map((s) => s.seconds)),
      rssMb: Math.max(...samples.map((s) => s.rssMb)),
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
console.log(`hostroot validate, whole process, median of ${runs} runs (node ${process.version})`);
console.log("files      wall s   peak RSS MB   us/file");
for (const r of rows) {
  console.log(
    `${String(r.n).padStart(6)}   ${r.seconds.toFixed(3).padStart(7)}   ${r.rssMb.toFixed(1).padStart(11)}   ${((r.seconds * 1e6) / r.n).toFixed(0).padStart(7)}`,
  );
}
