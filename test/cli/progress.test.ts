import { describe, expect, it } from "vitest";
import { Progress } from "../../src/adapters/cli/progress.js";
import type { PoolHost } from "../../src/core/configSchema.js";
import type { HostResult } from "../../src/core/operationResult.js";
import type { ExecResult, RemoteExecutor } from "../../src/ports/remoteExecutor.js";

const host = (name: string) => ({ name }) as PoolHost;
const result = (name: string, outcome: HostResult["outcome"], error?: string): HostResult => ({
  host: name,
  platform: "debian-12",
  outcome,
  steps: [
    { id: "web.start", description: "start web", status: outcome === "succeeded" ? "applied" : "failed" },
  ],
  ...(error ? { error } : {}),
});

/** An executor whose commands end when the test says so: no timing decides the order. */
function gatedExecutor() {
  const gates = new Map<string, (r: ExecResult) => void>();
  const executor: RemoteExecutor = {
    exec: (h) =>
      new Promise<ExecResult>((resolve) => {
        gates.set(h.name, resolve);
      }),
    close: async () => {},
  };
  const end = (name: string) =>
    gates.get(name)?.({ code: 0, signal: null, stdout: "", stderr: "", durationMs: 12 });
  return { executor, end };
}

function sink(isTTY: boolean, columns = 80) {
  const writes: string[] = [];
  return { writes, stream: { write: (t: string) => writes.push(t), isTTY, columns } };
}

describe("Progress", () => {
  it("on a terminal, rewrites one live line with hosts done, failed and running", async () => {
    const out = sink(true);
    const progress = new Progress(out.stream, "deploy");
    const { executor, end } = gatedExecutor();
    const tracked = progress.track(executor);
    const a = tracked.exec(host("h1"), "true\n");
    const b = tracked.exec(host("h2"), "true\n");
    expect(out.writes.at(-1)).toBe("\r\x1b[2Khostroot deploy: 0 done, 0 failed, 2 running: h1, h2");
    end("h1");
    await a;
    expect(out.writes.at(-1)).toBe("\r\x1b[2Khostroot deploy: 0 done, 0 failed, 1 running: h2");
    progress.hostDone(result("h1", "failed", "web.start exited 1"));
    // The host's line is printed for good above the live line, which is drawn again after it.
    expect(out.writes.slice(-2)).toEqual([
      "\r\x1b[2Kh1: failed — web.start exited 1\n",
      "\r\x1b[2Khostroot deploy: 1 done, 1 failed, 1 running: h2",
    ]);
    end("h2");
    await b;
    progress.hostDone(result("h2", "succeeded"));
    expect(out.writes.at(-1)).toBe("\r\x1b[2Khostroot deploy: 2 done, 1 failed, 0 running");
    progress.finish();
    expect(out.writes.at(-1)).toBe("\r\x1b[2K");
    // Nothing but the live line is ever left without a newline.
    expect(
      out.writes
        .filter((w) => !w.endsWith("\n") && w !== "\r\x1b[2K")
        .every((w) => w.includes("hostroot deploy:")),
    ).toBe(true);
  });

  it("cuts the live line to the terminal's width", () => {
    const out = sink(true, 30);
    const progress = new Progress(out.stream, "status");
    void progress.track(gatedExecutor().executor).exec(host("a-very-long-host-name"), "x");
    const line = (out.writes.at(-1) ?? "").replace("\r\x1b[2K", "");
    expect(line).toHaveLength(29);
    expect(line.endsWith("…")).toBe(true);
  });

  it("elsewhere, prints one plain line per finished host with the counts, and no escape codes", async () => {
    const out = sink(false);
    const progress = new Progress(out.stream, "status");
    const { executor, end } = gatedExecutor();
    const tracked = progress.track(executor);
    const a = tracked.exec(host("h1"), "x");
    void tracked.exec(host("h2"), "x");
    end("h1");
    await a;
    progress.hostDone(result("h1", "succeeded"));
    progress.hostDone(result("h3", "unreachable", "h3 (10.0.0.3:22): cannot connect: ECONNREFUSED"));
    progress.finish();
    expect(out.writes.join("")).toBe(
      "h1: succeeded  (1 done, 0 failed, 1 running)\n" +
        "h3: unreachable — h3 (10.0.0.3:22): cannot connect: ECONNREFUSED  (2 done, 1 failed, 1 running)\n",
    );
  });

  it("-v says which steps run on which host and how each ended; -vv passes SSH logs, never key material", async () => {
    const out = sink(false);
    const progress = new Progress(out.stream, "deploy", 2);
    const { executor, end } = gatedExecutor();
    const script =
      "printf '%s\\n' '::hostroot-step host.guard begin -'\nprintf '%s\\n' '::hostroot-step web.start begin -'\n";
    const run = progress.track(executor).exec(host("h1"), script);
    end("h1");
    await run;
    progress.hostDone(result("h1", "succeeded"));
    progress.sshLog("h1", "Outbound: Sending KEXINIT");
    progress.sshLog("h1", "-----BEGIN OPENSSH PRIVATE KEY-----");
    expect(out.writes.join("")).toBe(
      `h1: runs a ${Buffer.byteLength(script)}-byte script: host.guard, web.start\n` +
        "h1: exit 0 in 12 ms\n" +
        "h1:   web.start applied (start web)\n" +
        "h1: succeeded  (1 done, 0 failed, 0 running)\n" +
        "h1: ssh: Outbound: Sending KEXINIT\n",
    );
  });

  it("without -vv drops SSH logs", () => {
    const out = sink(false);
    new Progress(out.stream, "deploy", 1).sshLog("h1", "Outbound: Sending KEXINIT");
    expect(out.writes).toEqual([]);
  });
});
