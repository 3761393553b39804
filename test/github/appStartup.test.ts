import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { startApp, stopApps } from "./appProcess.js";

const cwd = mkdtempSync(join(tmpdir(), "hostroot-app-start-"));
afterEach(() => stopApps());
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

// Nothing is delivered here, so GitHub's API is never called: an unused local address stands in.
const API = "127.0.0.1:9";
const SECRET = { WEBHOOK_SECRET: "8c1f3b5e0a9d47e2b6c4d1f0e7a2938b" };

describe("starting the App", () => {
  it("starts with a real secret and the default operation limits", async () => {
    expect((await startApp(cwd, API, SECRET)).kind).toBe("listening");
  });

  it("refuses to start with an operation limit that is not a whole number from 1 to 1000", async () => {
    const started = await startApp(cwd, API, { ...SECRET, HOSTROOT_MAX_OPERATIONS_PER_ACTOR: "0" });
    expect(started).toMatchObject({ kind: "exited" });
    if (started.kind !== "exited") return;
    expect(started.code).not.toBe(0);
    expect(started.output).toContain(
      "HOSTROOT_MAX_OPERATIONS_PER_ACTOR must be a whole number from 1 to 1000",
    );
  });
});
