import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import {
  type LabInfo,
  labUnavailableReason,
  labUp,
  tearDownLabQuietly,
} from "../../src/adapters/lab/index.js";
import { SshExecutor } from "../../src/adapters/ssh/sshExecutor.js";
import { type Config, configSchema, type PoolHost, poolHosts } from "../../src/core/configSchema.js";
import { shellQuote } from "../../src/core/shellQuote.js";

/** Why lab tests cannot run here (not root, a tool missing), or undefined. */
export const labSkipReason = labUnavailableReason();
if (labSkipReason) console.warn(`lab tests skipped: ${labSkipReason}`);

/** The lock every lab test file holds for its whole run: there is one lab per machine. */
export const LAB_TEST_LOCK = "/run/hostroot-lab-test.lock";

/**
 * Takes the machine-wide lab test lock with a child `flock` (waiting up to `waitSeconds`); the
 * lock is released when that child ends, which the returned function makes happen.
 */
export async function takeLabTestLock(waitSeconds = 900): Promise<() => void> {
  const child: ChildProcess = spawn(
    "flock",
    ["--exclusive", "-w", String(waitSeconds), LAB_TEST_LOCK, "sh", "-c", "echo locked; read x"],
    { stdio: ["pipe", "pipe", "inherit"] },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", (d: Buffer) => {
      if (d.toString().includes("locked")) resolve();
    });
    child.on("exit", (code) => reject(new Error(`could not take ${LAB_TEST_LOCK}: flock exited ${code}`)));
  });
  // Closing stdin ends `read`, hence the lock; the child is ours, ended by its own PID if need be.
  return () => {
    child.stdin?.end();
    if (child.exitCode === null) setTimeout(() => child.kill("SIGKILL"), 2000).unref();
  };
}

/** A running lab, with the product's SSH executor over its pool. */
export interface TestLab {
  info: LabInfo;
  config: Config;
  hosts: PoolHost[];
  executor: SshExecutor;
  stateDir: string;
  /** Runs argv on a host through the product's executor; throws on a non-zero exit. */
  sh(host: string, argv: readonly string[]): Promise<string>;
  /** Tears the lab down (never throws) and closes connections. */
  close(): Promise<void>;
}

/**
 * Brings up `hosts` lab hosts in `.lab/<stateDirName>`, after clearing any lab left behind;
 * `plainRoots` gives them roots that support idmapped mounts (see LabUpOptions).
 */
export async function startTestLab(
  stateDirName: string,
  hosts = 3,
  options: { plainRoots?: boolean } = {},
): Promise<TestLab> {
  const stateDir = fileURLToPath(new URL(`../../.lab/${stateDirName}`, import.meta.url));
  await tearDownLabQuietly({ stateDir });
  const info = await labUp({ hosts, stateDir, plainRoots: options.plainRoots === true });
  const config = configSchema.parse(parse(readFileSync(info.configPath, "utf8")));
  const executor = new SshExecutor({ privateKey: readFileSync(info.privateKeyPath), connectTimeoutMs: 5000 });
  const pool = poolHosts(config);
  const sh = async (host: string, argv: readonly string[]) => {
    const h = pool.find((p) => p.name === host);
    if (!h) throw new Error(`no host ${host}`);
    const r = await executor.exec(h, `${shellQuote(argv)}\n`, { timeoutMs: 60_000 });
    if (r.code !== 0) throw new Error(`${host}: ${argv.join(" ")} exited ${r.code}: ${r.stderr}`);
    return r.stdout;
  };
  return {
    info,
    config,
    hosts: pool,
    executor,
    stateDir,
    sh,
    async close() {
      await executor.close();
      await tearDownLabQuietly({ stateDir });
    },
  };
}
