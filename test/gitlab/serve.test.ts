import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const TSX = path.join(ROOT, "node_modules/tsx/dist/loader.mjs");
const CLI = path.join(ROOT, "test/gitlab/hostrootSource.ts");
const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, "127.0.0.1", done));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((done) => probe.close(() => done()));
  return port;
}

/** `hostroot gitlab serve` with `env`: resolves when it listens (its URL) or exits (code and output). */
async function serve(env: Record<string, string>) {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ["--import", TSX, CLI, "gitlab", "serve", "--host", "127.0.0.1", "--port", String(port)],
    {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env },
    },
  );
  started.push(child);
  let output = "";
  return new Promise<{ url?: string; code?: number | null; output: string }>((done) => {
    const seen = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("GitLab notes from"))
        done({ url: `http://127.0.0.1:${port}/api/gitlab/webhooks`, output });
    };
    child.stdout.on("data", seen);
    child.stderr.on("data", seen);
    child.on("exit", (code) => done({ code, output }));
  });
}

const GITLAB = { HOSTROOT_GITLAB_URL: "http://127.0.0.1:9", HOSTROOT_GITLAB_TOKEN: "glpat-test" };

describe("hostroot gitlab serve (GitLab without a GitHub App)", () => {
  it("refuses to start without a webhook secret, naming the variable", async () => {
    const r = await serve(GITLAB);
    expect(r.code).toBe(2);
    expect(r.output).toContain("HOSTROOT_GITLAB_WEBHOOK_SECRET is unset");
  });

  it("serves the webhook: a forged token gets 401", async () => {
    const r = await serve({ ...GITLAB, HOSTROOT_GITLAB_WEBHOOK_SECRET: "5a1e0c9b8d7f46e3a2b1c0d9e8f7a6b5" });
    expect(r.url, r.output).toBeDefined();
    const status = await fetch(r.url as string, {
      method: "POST",
      headers: { "X-Gitlab-Event": "Note Hook", "X-Gitlab-Token": "forged" },
      body: "{}",
    }).then((res) => res.status);
    expect(status).toBe(401);
  });
});
