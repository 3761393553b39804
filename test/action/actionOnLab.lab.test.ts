import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import nock from "nock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { publishDemoPackage } from "../../src/adapters/lab/index.js";
import type { Definition } from "../../src/core/definitionSchema.js";
import {
  inContainer,
  labSkipReason,
  startUpgradeLab,
  takeLabTestLock,
  type UpgradeLab,
  VERSION_FILE,
  webDefinition,
} from "../lab/upgradeFixture.js";
import { DEFS, examplePayload, makeWorkspace, runnerEnv, type Workspace } from "./actionHarness.js";
import { runInProcess } from "./inProcessRun.js";

// The GitHub Action as a runner runs it, against the lab: a real event payload in the file
// GITHUB_EVENT_PATH names, the GITHUB_* variables a runner sets, the inputs as INPUT_* variables,
// the lab's deploy key as the ssh-key secret, GitHub's API mocked by nock, and real SSH to real
// hosts. What the containers see afterwards is the proof, not what the Action says.
const API = "https://api.github.com";
const REPO = "/repos/Codertocat/Hello-World";
const COMMENT_ID = 492700400;
const CFG = ".github/hostroot.yml";

/** Answers the permission lookup of Codertocat with a repository role. */
function permission(role: string): nock.Scope {
  const legacy = role === "maintain" ? "write" : role;
  return nock(API)
    .get(`${REPO}/collaborators/Codertocat/permission`)
    .reply(200, { permission: legacy, role_name: role, user: { login: "Codertocat" } });
}

/** Which lab hosts run container `name`. */
async function runningOn(lab: UpgradeLab, name: string): Promise<string[]> {
  const hosts: string[] = [];
  for (const h of lab.hosts) {
    const out = await lab.sh(h.name, ["lxc-ls", "--running", "-P", "/var/lib/lxc", "-1"]);
    if (out.split("\n").includes(name)) hosts.push(h.name);
  }
  return hosts;
}

describe.skipIf(labSkipReason !== undefined).sequential("the GitHub Action on the lab", () => {
  let release: () => void = () => {};
  let lab: UpgradeLab;
  let ws: Workspace;
  let key: string;
  // One container per host, each pinned to its host, so the upgrade restarts containers on both.
  const placed: Array<[string, Definition]> = [
    ["h1", { ...webDefinition("web-a"), placement: { hosts: ["h1"] } } as Definition],
    ["h2", { ...webDefinition("web-b"), placement: { hosts: ["h2"] } } as Definition],
  ];

  beforeAll(async () => {
    release = await takeLabTestLock();
    lab = await startUpgradeLab("action", 2);
    key = readFileSync(lab.info.privateKeyPath, "utf8");
    // The repository: the lab's pool and policy as its config, two definitions of its own.
    ws = makeWorkspace();
    ws.write(CFG, readFileSync(lab.info.configPath, "utf8"));
    rmSync(path.join(ws.dir, DEFS), { recursive: true, force: true });
    for (const [, def] of placed) ws.write(`${DEFS}/${def.name}.yml`, stringify(def));
    nock.disableNetConnect();
  }, 600_000);

  afterAll(async () => {
    nock.cleanAll();
    nock.enableNetConnect();
    ws?.cleanup();
    await lab?.close();
    release();
  }, 120_000);

  it("deploys a push to the default branch: the containers run on their hosts, the summary says so", async () => {
    const lookup = permission("maintain");
    const push = examplePayload("push", (p) => p.ref === "refs/heads/master");
    const runner = runnerEnv(ws, "push", push, { "github-token": "ghs_test", "ssh-key": key });
    const { outcome, stdout } = await runInProcess(runner);

    expect(outcome.message).toBeUndefined();
    expect(outcome.outcome).toBe("success");
    expect(lookup.isDone()).toBe(true);
    expect(nock.pendingMocks()).toEqual([]);
    const outputs = runner.outputs();
    expect(outputs.outcome).toBe("success");
    const result = JSON.parse(outputs.result ?? "") as { operation: string; outcome: string; commit: string };
    expect(result).toMatchObject({
      operation: "deploy",
      outcome: "succeeded",
      commit: runner.env.GITHUB_SHA,
    });
    const summary = runner.summary();
    expect(summary).toContain("hostroot deploy plan");
    expect(summary).toContain("### ✅ deploy succeeded");
    for (const [host, def] of placed) {
      expect(await runningOn(lab, def.name)).toEqual([host]);
      expect((await inContainer(lab, host, def.name, ["cat", "/srv/www/index.html"])).trim()).toBe("hello");
    }
    // The key was masked and never printed.
    expect(stdout).toContain(`::add-mask::${key.split("\n")[1]}`);
    expect(stdout.replace(/^::add-mask::.*$/gm, "")).not.toContain(key.split("\n")[1]);
  }, 300_000);

  it("runs /upgrade-hosts demo-libfoo from a comment: every container sees 1.1, the thread is told", async () => {
    const published = await publishDemoPackage("1.1", { stateDir: lab.stateDir });
    expect(published.kind).toBe("published");
    for (const [host, def] of placed)
      expect((await inContainer(lab, host, def.name, ["cat", VERSION_FILE])).trim()).not.toBe("1.1");

    const lookup = permission("admin");
    const comments: string[] = [];
    const reactions: string[] = [];
    nock(API)
      .persist()
      .post(`${REPO}/issues/1/comments`, (b: { body: string }) => comments.push(b.body) > 0)
      .reply(201, {
        id: 7001,
        html_url: "https://github.com/Codertocat/Hello-World/issues/1#issuecomment-7001",
      })
      .patch(`${REPO}/issues/comments/7001`, (b: { body: string }) => comments.push(b.body) > 0)
      .reply(200, { id: 7001 })
      .post(
        `${REPO}/issues/comments/${COMMENT_ID}/reactions`,
        (b: { content: string }) => reactions.push(b.content) > 0,
      )
      .reply(201, { id: 1 });
    const payload = examplePayload("issue_comment", (p) => p.action === "created");
    (payload.comment as { body: string }).body = "/upgrade-hosts demo-libfoo";
    const runner = runnerEnv(ws, "issue_comment", payload, { "github-token": "ghs_test", "ssh-key": key });
    const { outcome } = await runInProcess(runner);

    expect(outcome.message).toBeUndefined();
    expect(outcome.outcome).toBe("success");
    expect(lookup.isDone()).toBe(true);
    expect(reactions).toEqual(["eyes", "rocket"]);
    expect(comments[0]).toContain("is running `/upgrade-hosts demo-libfoo` for @Codertocat on 2 hosts");
    const final = comments.at(-1) as string;
    expect(final).toContain("### ✅ upgrade-hosts succeeded");
    for (const [host, def] of placed) {
      expect(final).toMatch(new RegExp(`#### \`${host}\` · debian-12 · ✅ succeeded`));
      expect(final).toMatch(
        new RegExp(`\\| \`${def.name}\` \\| running \\| ✅ healthy \\|.*\`demo-libfoo\` \`1\\.1\``),
      );
      // What the comment says is what the container sees.
      expect((await inContainer(lab, host, def.name, ["cat", VERSION_FILE])).trim()).toBe("1.1");
    }
    expect(runner.summary()).toContain("### ✅ upgrade-hosts succeeded");
    const audit = JSON.parse(runner.outputs().result ?? "") as Record<string, unknown>;
    expect(audit).toMatchObject({
      command: "/upgrade-hosts demo-libfoo",
      outcome: "ran",
      result: "succeeded",
    });
  }, 300_000);
});
