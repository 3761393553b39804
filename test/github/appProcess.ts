import { type ChildProcess, spawn } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../..");
const PROBOT = join(ROOT, "node_modules/probot/bin/probot.js");
const TSX = join(ROOT, "node_modules/tsx/dist/loader.mjs");
const APP = join(ROOT, "src/adapters/github/app.ts");
const KEY = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
}).privateKey;

/** How a start ended: the process exited, or the server said it is listening. */
export type Started =
  | { kind: "exited"; code: number | null; output: string }
  | { kind: "listening"; url: string; port: number; output: () => string };

/** App processes started by {@link startApp}; the caller kills those still running. */
export const appProcesses: ChildProcess[] = [];

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, "127.0.0.1", done));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((done) => probe.close(() => done()));
  return port;
}

/**
 * Starts the App as `npm start` does (`probot run` on the app module, here through tsx so the
 * sources are tested) in `cwd`, with only PATH, an app id and key, a port, GitHub's API at
 * `apiHost` (Probot's GHE_HOST) and `env`; resolves once it listens or exits. `command` (argv
 * after `node`) runs another start command instead, e.g. the Dockerfile's.
 */
export async function startApp(
  cwd: string,
  apiHost: string,
  env: Record<string, string>,
  command: string[] = ["--import", TSX, PROBOT, "run", APP],
): Promise<Started> {
  const port = await freePort();
  const child = spawn(process.execPath, command, {
    cwd,
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      APP_ID: "123",
      PRIVATE_KEY: KEY,
      HOST: "127.0.0.1",
      PORT: String(port),
      GHE_HOST: apiHost,
      GHE_PROTOCOL: "http",
      LOG_LEVEL: "info",
      ...env,
    },
  });
  appProcesses.push(child);
  let output = "";
  return new Promise<Started>((done) => {
    const seen = (chunk: Buffer) => {
      output += chunk.toString();
      if (/Listening on http/.test(output))
        done({ kind: "listening", url: `http://127.0.0.1:${port}`, port, output: () => output });
    };
    child.stdout.on("data", seen);
    child.stderr.on("data", seen);
    child.on("exit", (code) => done({ kind: "exited", code, output }));
  });
}

/** Kills every App process still running. */
export function stopApps(): void {
  for (const child of appProcesses.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
}
