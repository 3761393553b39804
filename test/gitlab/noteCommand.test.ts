import { afterEach, describe, expect, it } from "vitest";
import { FakeExecutor, STATUS_EMPTY, upgradeAnswer } from "../github/commandHarness.js";
import { definition } from "../github/fixtures.js";
import { fixture, issueNote, mrNote, PROJECT } from "./fakeGitlab.js";
import { gitlabServer, PROJECT_CONFIG } from "./gitlabHarness.js";

const CFG = ".gitlab/hostroot.yml";
const FILES = { [CFG]: PROJECT_CONFIG, "containers/web.yml": definition("web") };
const ROOT_USER = 1; // the author of GitLab's example notes ("root")
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function started(executor: FakeExecutor, files: Record<string, string> = FILES) {
  const s = await gitlabServer({ executor: () => executor });
  close = s.close;
  s.fake.files = { ...files };
  return s;
}

describe("a note command on a merge request", () => {
  it("runs /upgrade-hosts for an Owner: 👀 first, one status note edited into the report, 🚀, with exactly these API calls", async () => {
    const awardsBeforeSsh: string[][] = [];
    const executor = new FakeExecutor((host) => {
      awardsBeforeSsh.push(s.fake.awards.map((a) => a.name));
      return upgradeAnswer("demo-libfoo", [host.name === "web-1" ? "web" : "api"]);
    });
    const s = await started(executor);
    s.fake.members.set(ROOT_USER, { access_level: 50 });
    const sent = Date.now();
    expect(await s.deliver(mrNote("/upgrade-hosts demo-libfoo"))).toBe(202);
    await s.settle();
    expect(awardsBeforeSsh).toEqual([["eyes"], ["eyes"]]);
    expect(s.fake.awardedAt[0] ?? Number.POSITIVE_INFINITY).toBeLessThan(sent + 1000);

    const p = `/projects/${PROJECT.id}`;
    const notes = s.fake.thread("merge_requests/1");
    const report = notes[0]?.body ?? "";
    expect(s.fake.unknown).toEqual([]);
    expect(s.fake.lines()).toEqual([
      "GET /user",
      `GET ${p}/repository/tree?ref=master&recursive=true&per_page=100`,
      `GET ${p}/repository/blobs/${s.fake.calls[2]?.path.split("/")[7]}/raw`,
      `GET ${p}/members/all/${ROOT_USER}`,
      `POST ${p}/merge_requests/1/notes/1244/award_emoji`,
      `POST ${p}/merge_requests/1/notes`,
      `GET ${p}/repository/blobs/${s.fake.calls[6]?.path.split("/")[7]}/raw`,
      `PUT ${p}/merge_requests/1/notes/${notes[0]?.id}`,
      `POST ${p}/merge_requests/1/notes/1244/award_emoji`,
    ]);
    expect(s.fake.awards.map((a) => a.name)).toEqual(["eyes", "rocket"]);
    const writes = s.fake.calls.filter((c) => c.method !== "GET");
    expect(writes.map((c) => c.body)).toEqual([
      { name: "eyes" },
      { body: expect.stringContaining("is running `/upgrade-hosts demo-libfoo` for @root on 2 hosts") },
      { body: report },
      { name: "rocket" },
    ]);
    expect(notes).toHaveLength(1);
    expect(report).toContain("demo-libfoo");
    expect(report).toMatch(/1\.0.*1\.1/s);
    expect(report).toContain("### ✅ upgrade-hosts succeeded");
    expect(report).toContain("| `demo-libfoo` | `1.0` | `1.1` |");
    expect(executor.execs.map((e) => e.host).sort()).toEqual(["web-1", "web-2"]);
    const [audit] = s.audits();
    expect(audit).toMatchObject({
      trigger: "slash-command",
      actor: "root",
      permission: "admin",
      command: "/upgrade-hosts demo-libfoo",
      repo: PROJECT.path,
      issue: 1,
      outcome: "ran",
      result: "succeeded",
    });
    console.log(`API calls for one note command:\n${s.fake.lines().join("\n")}\n\nstatus note:\n${report}`);
  });

  it("answers a note on an issue in the issue's thread", async () => {
    const s = await started(new FakeExecutor(() => STATUS_EMPTY));
    s.fake.members.set(ROOT_USER, { access_level: 20 });
    expect(await s.deliver(issueNote("/status"))).toBe(202);
    await s.settle();
    expect(s.fake.awards.map((a) => `${a.thread} ${a.note} ${a.name}`)).toEqual([
      "issues/17 1241 eyes",
      "issues/17 1241 rocket",
    ]);
    expect(s.fake.thread("issues/17")).toHaveLength(1);
    expect(s.fake.thread("issues/17")[0]?.body).toContain("web-1");
  });

  it("a merge request or push event is answered 200 and makes no API call (the CI/CD component handles them)", async () => {
    const s = await started(new FakeExecutor(() => STATUS_EMPTY));
    const token = { "X-Gitlab-Token": "f3a9c1e07b2d4c58a6e1b0d9c7f25e34" };
    expect(
      await s.deliver(fixture("merge-request-hook"), { ...token, "X-Gitlab-Event": "Merge Request Hook" }),
    ).toBe(200);
    expect(await s.deliver(fixture("push-hook"), { ...token, "X-Gitlab-Event": "Push Hook" })).toBe(200);
    await s.settle();
    expect(s.fake.calls).toEqual([]);
  });

  it("a note without a command makes no API call", async () => {
    const s = await started(new FakeExecutor(() => STATUS_EMPTY));
    expect(await s.deliver(fixture("note-merge-request"))).toBe(202);
    expect(await s.deliver(mrNote("Run this:\n```\n/upgrade-hosts libc6\n```\n> /restart --all\n"))).toBe(
      202,
    );
    await s.settle();
    expect(s.fake.calls).toEqual([]);
  });
});
