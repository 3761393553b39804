// Attack: Probot verifies webhooks with the public secret "development" when WEBHOOK_SECRET is
// unset or empty. Anyone who can reach the App's URL then signs their own `issue_comment` naming
// an admin as its author, and the App runs `/upgrade-hosts` as that admin. The App must refuse to
// start with that secret; started with a real one, a delivery signed with "development" is refused.
//
// The App is started as `npm start` starts it (`probot run` on the app module, here through tsx so
// the sources are tested), in an empty directory so no stray `.env` is read, with GitHub's API
// pointed at a local recorder (Probot's GHE_HOST): every API call the App makes is seen here.
import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startApp as start, stopApps } from "../github/appProcess.js";
import { commentPayload } from "../github/commandHarness.js";

const SECRET = "8c1f3b5e0a9d47e2b6c4d1f0e7a2938b";

let cwd: string;
let api: Server;
let apiHost: string;
/** Every request the App made to "GitHub", as "METHOD /path". */
const apiCalls: string[] = [];

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
  stopApps();
  apiCalls.length = 0;
});

const startApp = (secret: string | undefined) =>
  start(cwd, apiHost, secret === undefined ? {} : { WEBHOOK_SECRET: secret });

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
