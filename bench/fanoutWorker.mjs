#!/usr/bin/env node
// hostroot's fan-out as a command-line run pays it: a fresh Node process loads the compiled
// adapter from build/, reads the pool config and the key, opens one SSH connection per host, runs
// the script on all hosts at once, closes, exits. The benchmark times this whole process, as it
// times each parallel-ssh and ansible process.
// Usage: node bench/fanoutWorker.mjs CONFIG KEYFILE SCRIPT  (exit 0 only if every host exited 0)
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { loadPrivateKey } from "../build/adapters/ssh/loadPrivateKey.js";
import { SshExecutor } from "../build/adapters/ssh/sshExecutor.js";
import { configSchema, poolHosts } from "../build/core/configSchema.js";

const [configPath, keyPath, script] = process.argv.slice(2);
if (!configPath || !keyPath || script === undefined) {
  process.stderr.write("usage: fanoutWorker.mjs CONFIG KEYFILE SCRIPT\n");
  process.exit(2);
}
const hosts = poolHosts(configSchema.parse(parse(readFileSync(configPath, "utf8"))));
const executor = new SshExecutor({
  privateKey: loadPrivateKey({ path: keyPath }),
  maxConcurrentHosts: hosts.length,
});
let failed = 0;
try {
  const results = await Promise.all(
    hosts.map((host) =>
      executor.exec(host, script).catch((error) => ({ code: null, failure: error.message, stderr: "" })),
    ),
  );
  for (const [i, r] of results.entries()) {
    if (r.code === 0) {
      process.stdout.write(`ok ${hosts[i].name}\n`);
      continue;
    }
    failed++;
    process.stderr.write(`${hosts[i].name}: ${r.failure ?? r.code ?? r.signal} ${r.stderr.trim()}\n`);
  }
} finally {
  await executor.close();
}
process.exit(failed === 0 ? 0 : 1);
