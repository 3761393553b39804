// Attack: Probot verifies webhooks with the public secret "development" when WEBHOOK_SECRET is
// unset or empty. Anyone who can reach the App's URL then signs their own `issue_comment` naming
// an admin as its author, and the App runs `/upgrade-hosts` as that admin. The App must refuse to
// start with that secret; started with a real one, a delivery signed with "development" is refused.
//
// The App is started as `npm start` starts it (`probot run` on the app module, here through tsx so
// the sources are tested), in an empty directory so no stray `.env` is read, with GitHub's API
// pointed at a local recorder (Probot's GHE_HOST): every API call the App makes is seen here.
import { type ChildProcess, spawn } from "node:child_process";
import { createHmac, generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { commentPayload } from "../github/commandHarness.js";

const ROOT = resolve(import.meta.dirname, "../..");
const PROBOT = join(ROOT, "node_modules/probot/bin/probot.js");
const TSX = join(ROOT, "node_modules/tsx/dist/loader.mjs");
const APP = join(ROOT, "src/adapters/github/app.ts");
const SECRET = "8c1f3b5e0a9d47e2b6c4d1f0e7a2938b";
const KEY = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
}).privateKey;

let cwd: string;
let api: Server;
let apiHost: string;
/** Every request the App made to "GitHub", as "METHOD /path". */
const apiCalls: string[] = [];
const children: ChildProcess[] = [];

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "hostroot-app-start-"));
  api = createServer((req, res) => {
    apiCalls.push(`${req.method} ${req.url}`);
    res.writeHead(404, { "content-type": "application/json" }).end('{"message":"Not Found"}');
  });
  await new Promise<void>((done) => api.listen(0, "127.0.0.1", done));
  apiHost = `127.0.0.1:${(api.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((done) => api.close(() => done()));
  rmSync(cwd, { recursive: true, force: true });
});
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  apiCalls.length = 0;
});

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, "127.0.0.1", done));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((done) => probe.close(() => done()));
  return port;
}

/** How a start ended: the process exited, or the server said it is listening. */
type Started = { kind: "exited"; code: number | null; output: string } | { kind: "listening"; url: string };

/** Starts the App with exactly `env` (plus PATH), and waits until it listens or exits. */
async function startApp(secret: string | undefined): Promise<Started> {
  const port = await freePort();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    APP_ID: "123",
    PRIVATE_KEY: KEY,
    HOST: "127.0.0.1",
    PORT: String(port),
    GHE_HOST: apiHost,
    GHE_PROTOCOL: "http",
    LOG_LEVEL: "info",
    ...(secret === undefined ? {} : { WEBHOOK_SECRET: secret }),
  };
  const child = spawn(process.execPath, ["--import", TSX, PROBOT, "run", APP], { cwd, env });
  children.push(child);
  let output = "";
  return new Promise<Started>((done) => {
    const seen = (chunk: Buffer) => {
      output += chunk.toString();
      if (/Listening on http/.test(output)) done({ kind: "listening", url: `http://127.0.0.1:${port}` });
    };
    child.stdout.on("data", seen);
    child.stderr.on("data", seen);
    child.on("exit", (code) => done({ kind: "exited", code, output }));
  });
}

const sign = (secret: string, text: string) =>
  `sha256=${createHmac("sha256", secret).update(text).digest("hex")}`;

function deliver(url: string, body: string, signature: string): Promise<Response> {
  return fetch(`${url}/api/github/webhooks`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": "issue_comment",
      "x-github-delivery": "d1f0e7a2-cc78-11e3-81ab-4c9367dc0958",
      "x-hub-signature-256": signature,
    },
    body,
  });
}

describe("the App and Probot's public default webhook secret", () => {
  it.each([
    ["unset", undefined],
    ["empty", ""],
    ["the public default", "development"],
  ])("refuses to start when WEBHOOK_SECRET is %s", async (_name, secret) => {
    const started = await startApp(secret);
    expect(started.kind).toBe("exited");
    if (started.kind !== "exited") return;
    expect(started.code).not.toBe(0);
    expect(started.output).toContain("hostroot refuses to start");
    expect(started.output).toContain("Set WEBHOOK_SECRET");
    expect(apiCalls).toEqual([]);
  });

  it("with a real secret, refuses a comment forged with the default secret and serves a genuine one", async () => {
    const started = await startApp(SECRET);
    expect(started.kind).toBe("listening");
    if (started.kind !== "listening") return;
    // The forger names the repository's admin as the author of a fleet-wide upgrade.
    const forged = JSON.stringify(commentPayload("/upgrade-hosts libc6", { login: "Codertocat" }));
    const refused = await deliver(started.url, forged, sign("development", forged));
    expect(refused.status).toBe(400);
    expect(apiCalls).toEqual([]);

    // The same delivery signed with the App's secret reaches the handler, which asks GitHub first.
    const genuine = await deliver(started.url, forged, sign(SECRET, forged));
    expect(genuine.status).toBeGreaterThanOrEqual(200);
    expect(apiCalls[0]).toBe("POST /api/v3/app/installations/1/access_tokens");
  });
});
