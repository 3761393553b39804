import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ROOT } from "../cli/runCli.js";
import { appProcesses, startApp, stopApps } from "./appProcess.js";

// Docker is not needed to check what the image runs: its start command and health check are
// run here, as the Dockerfile says, against the built App.
const dockerfile = readFileSync(join(ROOT, "Dockerfile"), "utf8");
/** The JSON argv of a Dockerfile instruction (`CMD [...]`, `HEALTHCHECK ... CMD [...]`). */
function execForm(instruction: RegExp): string[] {
  const line = dockerfile.split("\n").find((l) => instruction.test(l));
  const json = line?.slice(line.indexOf("["));
  if (!json) throw new Error(`no ${instruction} in the Dockerfile`);
  return JSON.parse(json) as string[];
}
const start = execForm(/^CMD \[/);
const health = execForm(/^HEALTHCHECK .* CMD \[/);

afterEach(() => stopApps());

describe("the App's container image", () => {
  it("runs as the unprivileged node user, with production dependencies only", () => {
    const lines = dockerfile.split("\n");
    const final = lines.slice(lines.lastIndexOf(lines.filter((l) => l.startsWith("FROM ")).at(-1) as string));
    expect(final).toContain("RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force");
    expect(final.indexOf("USER node")).toBeLessThan(final.findIndex((l) => l.startsWith("CMD ")));
    expect(final.filter((l) => l.startsWith("USER ")).at(-1)).toBe("USER node");
  });

  it("starts with the Dockerfile's CMD, answers /ping, and its HEALTHCHECK passes (and fails once it is gone)", async () => {
    expect(existsSync(join(ROOT, "build/adapters/github/app.js")), "run `npm run build` first").toBe(true);
    expect(start[0]).toBe("node");
    const started = await startApp(
      ROOT,
      "127.0.0.1:9",
      { WEBHOOK_SECRET: "5f0c2b8e9a1d4c7f8e3b6a2d0c9f1e4a", NODE_ENV: "production" },
      start.slice(1),
    );
    expect(started.kind).toBe("listening");
    if (started.kind !== "listening") return;
    const ping = await fetch(`${started.url}/ping`);
    expect(ping.status).toBe(200);
    expect(await ping.text()).toBe("PONG");

    expect(health[0]).toBe("node");
    const check = (port: number) =>
      spawnSync(process.execPath, health.slice(1), { env: { PORT: String(port) }, timeout: 10_000 }).status;
    expect(check(started.port)).toBe(0);
    const app = appProcesses.at(-1);
    const exited = new Promise((r) => app?.once("exit", r));
    stopApps();
    await exited;
    expect(check(started.port)).toBe(1);
  });
});
