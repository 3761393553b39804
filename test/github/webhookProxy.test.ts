import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import examples from "@octokit/webhooks-examples";
import { afterAll, afterEach, expect, it } from "vitest";
import { startApp, stopApps } from "./appProcess.js";

// WEBHOOK_PROXY_URL in development: Probot starts smee-client, which reads a smee.io channel
// (server-sent events) and posts each delivery to the App. A local channel stands in for smee.io.
const cwd = mkdtempSync(join(tmpdir(), "hostroot-smee-"));
afterEach(() => stopApps());
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

const SECRET = "0d6e4b1a9c8f7e2d5b3a1c0f9e8d7c6b";

it("npm start with WEBHOOK_PROXY_URL receives deliveries through smee-client, signature checked", async () => {
  let channel: ServerResponse | undefined;
  let connected: () => void = () => {};
  const open = new Promise<void>((r) => {
    connected = r;
  });
  const smee = createServer((req, res) => {
    if (req.url !== "/hostroot-dev") return res.writeHead(404).end();
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    res.write(": ready\n\n");
    channel = res;
    connected();
  });
  await new Promise<void>((r) => smee.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(smee.address() as AddressInfo).port}/hostroot-dev`;
  try {
    const started = await startApp(cwd, "127.0.0.1:9", { WEBHOOK_SECRET: SECRET, WEBHOOK_PROXY_URL: url });
    expect(started.kind).toBe("listening");
    if (started.kind !== "listening") return;
    await open;

    const ping = (examples as unknown as Array<{ name: string; examples: unknown[] }>).find(
      (e) => e.name === "ping",
    )?.examples[0];
    // smee-client posts JSON.stringify(body): the signature is over those bytes, as smee.io relays them.
    const body = JSON.stringify(ping);
    const deliver = (signature: string, id: string) =>
      channel?.write(
        `data: ${JSON.stringify({
          "x-github-event": "ping",
          "x-github-delivery": id,
          "x-hub-signature-256": signature,
          body: ping,
        })}\n\n`,
      );
    const good = `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`;
    const forwarded = (status: number) =>
      new RegExp(`POST ${started.url.replace(/[.]/g, "\\.")}/api/github/webhooks - ${status}`);

    deliver(good, "d-1");
    await expect.poll(() => started.output(), { timeout: 10_000 }).toMatch(forwarded(200));
    deliver(`sha256=${"0".repeat(64)}`, "d-2");
    await expect.poll(() => started.output(), { timeout: 10_000 }).toMatch(forwarded(400));
  } finally {
    channel?.end();
    smee.close();
  }
  // Starting `probot run` is a process start plus module loading: seconds on a busy machine.
}, 60_000);
