import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { formatOperationText } from "../../src/adapters/cli/operationText.js";
import type { PoolHost } from "../../src/core/configSchema.js";
import { renderOperationResult } from "../../src/core/markdown/renderOperationResult.js";
import { parseStatusOutput } from "../../src/core/parseStatusOutput.js";
import { statusScript } from "../../src/core/statusScript.js";
import type { ExecResult, RemoteExecutor } from "../../src/ports/remoteExecutor.js";
import { observePool } from "../../src/workflows/observePool.js";
import { poolConfig } from "../core/locatedFixture.js";

// Attack: the unattended journal is written on the host, so a host (or anything that can write
// its lxcPath) controls it. Garbage, a giant line, a journal of gigabytes, or a well-formed line
// carrying markdown, mentions or fields of its own must not crash status, flood the report, or
// be shown as a run: each host reads "unattended journal unreadable" and the rest of its report
// stands.
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Runs the real status script over a scratch lxcPath whose journal holds `journal`. */
function statusOver(journal: string | Buffer): string {
  const lxc = mkdtempSync(join(tmpdir(), "hostroot-journal-"));
  dirs.push(lxc);
  mkdirSync(join(lxc, ".hostroot"));
  writeFileSync(join(lxc, ".hostroot", "unattended.jsonl"), journal);
  const r = spawnSync("sh", ["-c", statusScript(lxc)], { encoding: "utf8", maxBuffer: 1 << 20 });
  expect(r.status).toBe(0);
  return r.stdout;
}

const good = {
  v: 1,
  at: "2026-01-02T03:04:05Z",
  finishedAt: "2026-01-02T03:04:09Z",
  outcome: "ok",
  upgraded: [{ package: "libssl3", before: "3.0.11-1", after: "3.0.13-1" }],
  containers: [{ name: "web", action: "restarted", healthy: true, sees: { libssl3: "3.0.13-1" } }],
};

describe("a hostile unattended journal reads as unreadable, never as a run or a crash", () => {
  it("a well-formed last line is the run (the control case)", () => {
    const s = parseStatusOutput("h1", statusOver(`garbage\n${JSON.stringify(good)}\n`));
    expect(s.complete).toBe(true);
    expect(s.unattended).toEqual({ kind: "run", run: good });
  });

  it.each([
    ["binary garbage", Buffer.from([0, 1, 2, 255, 254, 10, 27, 91, 50, 74])],
    ["not JSON", "{{{{ not json\n"],
    ["a 5 MiB line with no newline", "x".repeat(5 << 20)],
    ["JSON of another shape", `${JSON.stringify({ ...good, v: 2 })}\n`],
    ["a field of its own", `${JSON.stringify({ ...good, note: "hi" })}\n`],
    [
      "markdown and a mention in a reason",
      `${JSON.stringify({ ...good, outcome: "attention", why: "[click](https://evil.example) @admin" })}\n`,
    ],
    [
      "a container name that is no DNS label",
      `${JSON.stringify({ ...good, containers: [{ name: "../../etc", action: "restarted" }] })}\n`,
    ],
    [
      "ten thousand containers",
      `${JSON.stringify({ ...good, containers: Array.from({ length: 10_000 }, () => ({ name: "a", action: "clean" })) })}\n`,
    ],
  ])("%s", (_what, journal) => {
    const out = statusOver(journal);
    // The script sends at most the journal's last 64 KiB, however big the file.
    expect(out.length).toBeLessThan(90_000);
    const s = parseStatusOutput("h1", out);
    expect(s.complete).toBe(true);
    expect(s.unattended?.kind).toBe("unreadable");
    const reason = s.unattended?.kind === "unreadable" ? s.unattended.reason : "";
    expect(reason).toMatch(/^its last line /);
    expect(reason).not.toMatch(/evil|@admin|etc|xxxx/);
  });

  it("status reports the host succeeded, with the journal unreadable, in text and markdown", async () => {
    const stdout = statusOver("<!-- x --> @admin\n");
    const executor: RemoteExecutor = {
      exec: async (_h: PoolHost): Promise<ExecResult> => ({
        code: 0,
        signal: null,
        stdout,
        stderr: "",
        durationMs: 1,
      }),
      close: async () => {},
    };
    const seen = await observePool(executor, poolConfig({ "debian-12": [{ name: "h1" }] }));
    expect(seen.result.outcome).toBe("succeeded");
    expect(seen.result.hosts[0]?.unattended).toEqual({
      kind: "unreadable",
      reason: "its last line is not JSON",
    });
    expect(formatOperationText(seen.result)).toContain(
      "    unattended: unattended journal unreadable: its last line is not JSON\n",
    );
    const md = renderOperationResult(seen.result);
    expect(md).toContain("- unattended journal unreadable: its last line is not JSON");
    expect(md).not.toContain("@admin");
  });
});
