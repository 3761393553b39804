import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  annotations,
  closedPorts,
  DEFS,
  deployKey,
  examplePayload,
  lineOf,
  loopbackPool,
  makeWorkspace,
  REPO_ROOT,
  runBundled,
  runnerEnv,
  type Workspace,
} from "./actionHarness.js";

// The committed dist/index.js, started as a runner starts a JavaScript action: a child process
// with the runner's variables, an event payload file, and output and summary files.
const opened = () => examplePayload("pull_request", (p) => p.action === "opened");
const pushToMaster = () => examplePayload("push", (p) => p.ref === "refs/heads/master");
const broken = (name: string) => readFileSync(path.join(REPO_ROOT, "examples/broken", name), "utf8");

let ws: Workspace | undefined;
afterEach(() => ws?.cleanup());

describe("a pull request with errors", () => {
  it("annotates each finding at its file and line, fails, and lists them in the summary", () => {
    ws = makeWorkspace();
    ws.commitAsDefaultBranch();
    const hidesUsr = broken("hides-usr.yml");
    ws.write(`${DEFS}/hides-usr.yml`, hidesUsr);
    ws.write(`${DEFS}/typos.yml`, broken("typos.yml"));
    const runner = runnerEnv(ws, "pull_request", opened());
    const run = runBundled(runner);

    expect(run.code).toBe(1);
    const found = annotations(run.stdout).filter((a) => a.file !== undefined);
    const errors = found.filter((a) => a.level === "error");
    expect(new Set(found.map((a) => a.file))).toEqual(
      new Set([`${DEFS}/hides-usr.yml`, `${DEFS}/typos.yml`]),
    );
    // Hiding /usr/lib would hide host libraries: flagged on the line that does it.
    expect(errors).toContainEqual(
      expect.objectContaining({ file: `${DEFS}/hides-usr.yml`, line: lineOf(hidesUsr, "/usr/lib") }),
    );
    const outputs = runner.outputs();
    expect(Number(outputs["error-count"])).toBe(errors.length);
    expect(outputs.outcome).toBe("failure");
    expect(outputs.plan).toBe("");
    const summary = runner.summary();
    expect(summary).toContain(`${errors.length} errors`);
    expect(summary).toContain(`${DEFS}/hides-usr.yml:${lineOf(hidesUsr, "/usr/lib")}`);
    expect(summary).toMatch(/No plan for `ec26c3e`/);
    // The step fails with a reason of its own, besides the annotations.
    expect(run.stdout).toMatch(/^::error::\d+ validation error\(s\)/m);
  });

  it("checks definitions against the default branch's policy, not the one the pull request brings", () => {
    ws = makeWorkspace();
    ws.commitAsDefaultBranch();
    // The PR widens the allowed mount sources so its own mount of /data would pass.
    ws.write(
      ".github/hostroot.yml",
      ws.read(".github/hostroot.yml").replace("allowedSources: [/srv]", "allowedSources: [/srv, /data]"),
    );
    const app = ws.read(`${DEFS}/ledger.yml`).replace("source: /srv/ledger", "source: /data/ledger");
    ws.write(`${DEFS}/ledger.yml`, app);
    const runner = runnerEnv(ws, "pull_request", opened());
    const run = runBundled(runner);

    expect(run.code).toBe(1);
    expect(annotations(run.stdout)).toContainEqual(
      expect.objectContaining({
        level: "error",
        file: `${DEFS}/ledger.yml`,
        line: lineOf(app, "/data/ledger"),
      }),
    );
  });
});

describe("a clean pull request", () => {
  it("succeeds and outputs the plan of what merging changes, compared with the default branch", () => {
    ws = makeWorkspace();
    ws.commitAsDefaultBranch();
    const worker = ws.read(`${DEFS}/invoice-worker.yml`);
    ws.write(`${DEFS}/invoice-worker.yml`, worker.replace("memory: 256M", "memory: 384M"));
    const ledger = ws.read(`${DEFS}/ledger.yml`);
    ws.write(
      `${DEFS}/ledger-eu.yml`,
      ledger
        .replace("name: ledger", "name: ledger-eu")
        .replace('hwaddr: "00:16:3e:4c:65:01"', 'hwaddr: "00:16:3e:4c:65:02"'),
    );
    const runner = runnerEnv(ws, "pull_request", opened());
    const run = runBundled(runner);

    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(annotations(run.stdout).filter((a) => a.level === "error")).toEqual([]);
    const outputs = runner.outputs();
    expect(outputs["error-count"]).toBe("0");
    expect(outputs.outcome).toBe("success");
    const plan = JSON.parse(outputs.plan ?? "") as {
      steps: Array<{ kind: string; container: string; reason: string }>;
    };
    const changed = plan.steps.filter((s) => s.kind !== "noop").map((s) => [s.kind, s.container]);
    expect(changed.sort()).toEqual([
      ["create", "ledger-eu"],
      ["reconfigure", "invoice-worker"],
    ]);
    expect(plan.steps.find((s) => s.container === "invoice-worker")?.reason).toMatch(/resources/);
    const summary = runner.summary();
    expect(summary).toContain("1 to create, 1 to reconfigure");
    expect(summary).toContain("Compared with the definitions on `master`");
  });

  it("without the default branch in the clone and without a key, validates and says how to get a plan", () => {
    ws = makeWorkspace();
    const runner = runnerEnv(ws, "pull_request", opened());
    const run = runBundled(runner);

    expect(run.code).toBe(0);
    expect(runner.outputs()).toMatchObject({ outcome: "success", "error-count": "0", plan: "" });
    expect(runner.summary()).toContain("4 files valid");
    expect(runner.summary()).toContain("No plan: `master` is not fetched");
  });

  it("annotates paths from the repository root when the definitions are in a working-directory", () => {
    ws = makeWorkspace("infra");
    ws.write(`${DEFS}/hides-usr.yml`, broken("hides-usr.yml"));
    const runner = runnerEnv(ws, "pull_request", opened(), { "working-directory": "infra" });
    const run = runBundled(runner);

    expect(run.code).toBe(1);
    const files = annotations(run.stdout).flatMap((a) => (a.file ? [a.file] : []));
    expect(files.length).toBeGreaterThan(0);
    expect(new Set(files)).toEqual(new Set([`infra/${DEFS}/hides-usr.yml`]));
  });
});

describe("a push to the default branch", () => {
  it("with errors deploys nothing: annotations and a failed step, before any key is needed", () => {
    ws = makeWorkspace();
    ws.write(`${DEFS}/hides-usr.yml`, broken("hides-usr.yml"));
    const runner = runnerEnv(ws, "push", pushToMaster());
    const run = runBundled(runner);

    expect(run.code).toBe(1);
    expect(
      annotations(run.stdout).some((a) => a.level === "error" && a.file === `${DEFS}/hides-usr.yml`),
    ).toBe(true);
    expect(runner.outputs()).toMatchObject({ outcome: "failure", result: "" });
    expect(run.stdout).toMatch(/::error::\d+ validation error\(s\): nothing deployed/);
  });

  it("without an ssh-key fails and says so", () => {
    ws = makeWorkspace();
    const run = runBundled(runnerEnv(ws, "push", pushToMaster()));
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("::error::deploy needs the ssh-key input");
  });

  it("to another branch only validates", () => {
    ws = makeWorkspace();
    const payload = { ...pushToMaster(), ref: "refs/heads/feature" };
    const runner = runnerEnv(ws, "push", payload);
    const run = runBundled(runner);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("push -> validate");
    expect(runner.outputs()).toMatchObject({ outcome: "success", "error-count": "0" });
  });
});

describe("an explicit command", () => {
  it("status over SSH reports unreachable hosts in the summary and outputs, fails, and never logs the key", async () => {
    ws = makeWorkspace();
    ws.write(".github/hostroot.yml", loopbackPool(ws.read(".github/hostroot.yml"), await closedPorts(3)));
    const key = deployKey();
    const runner = runnerEnv(ws, "workflow_dispatch", {}, { command: "status", "ssh-key": key });
    const run = runBundled(runner);

    expect(run.code).toBe(1);
    const result = JSON.parse(runner.outputs().result ?? "") as {
      operation: string;
      outcome: string;
      hosts: Array<{ host: string; outcome: string }>;
    };
    expect(result.operation).toBe("status");
    expect(result.outcome).toBe("failed");
    expect(result.hosts.map((h) => [h.host, h.outcome])).toEqual([
      ["web-1", "unreachable"],
      ["web-2", "unreachable"],
      ["web-3", "unreachable"],
    ]);
    expect(runner.summary()).toContain("status failed");
    // The key's lines appear only in the mask commands the runner consumes.
    const body = key.split("\n")[1] as string;
    const outside = `${run.stdout}${run.stderr}${runner.summary()}`
      .split("\n")
      .filter((l) => !l.startsWith("::add-mask::"));
    expect(outside.some((l) => l.includes(body))).toBe(false);
    expect(run.stdout).toContain(`::add-mask::${body}`);
  });

  it("refuses an unknown command and bad arguments with a usage message", () => {
    ws = makeWorkspace();
    const bogus = runBundled(runnerEnv(ws, "workflow_dispatch", {}, { command: "destroy-all" }));
    expect(bogus.code).toBe(1);
    expect(bogus.stdout).toContain("::error::input command: expected one of auto, validate");
    const badArgs = runBundled(
      runnerEnv(ws, "workflow_dispatch", {}, { command: "upgrade-hosts", args: "libc6;reboot" }),
    );
    expect(badArgs.code).toBe(1);
    expect(badArgs.stdout).toMatch(/::error::input args: .*libc6;reboot/);
  });
});
