import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { renderStateFile } from "../../src/core/stateFile.js";
import {
  COMMENT_ID,
  COMMENT_URL,
  commandProbot,
  commentPayload,
  type Exec,
  expectWrite,
  FakeExecutor,
  mockPermission,
  mockToken,
  mockTree,
  REPO,
  STATUS_EMPTY,
  serverConfigOf,
  upgradeAnswer,
} from "./commandHarness.js";
import { blobSha, calls, github, resetGithub } from "./fakeGithub.js";
import { APP_CONFIG, bigPoolServerConfig, definition } from "./fixtures.js";

const CFG = ".github/hostroot.yml";
const WEB = definition("web");
const FILES = { [CFG]: APP_CONFIG, "containers/web.yml": WEB };
const COMMENTS = `POST ${REPO}/issues/1/comments`;
const REACTIONS = `POST ${REPO}/issues/comments/${COMMENT_ID}/reactions`;
const unexpected: string[] = [];
nock.emitter.on("no match", (req: { method?: string; path?: string }) =>
  unexpected.push(`${req.method} ${req.path}`),
);

beforeEach(() => {
  resetGithub();
  unexpected.length = 0;
});
afterEach(() => {
  expect(unexpected).toEqual([]);
  expect(nock.pendingMocks()).toEqual([]);
  expect(nock.isDone()).toBe(true);
});

const receive = (probot: { receive: (e: never) => Promise<void> }, payload: object) =>
  probot.receive({ id: "1", name: "issue_comment", payload } as never);

/** The token, the default branch's tree and its config blob: what every command reads first. */
function mockConfigRead(files: Record<string, string> = FILES) {
  mockToken();
  mockTree("master", files, [CFG]);
}

describe("comments that run nothing", () => {
  const executor = new FakeExecutor(() => STATUS_EMPTY);

  it("an edited or deleted comment makes no call at all, even with a valid command", async () => {
    const { probot, audits } = await commandProbot({ executor: () => executor });
    for (const action of ["edited", "deleted"]) {
      const payload = {
        ...commentPayload("/upgrade-hosts libc6"),
        action,
        changes: { body: { from: "hi" } },
      };
      await receive(probot, payload);
    }
    expect(calls).toEqual([]);
    expect(audits()).toEqual([]);
  });

  it("a bot's comment makes no call, whether GitHub marks it a Bot or only its login says [bot]", async () => {
    const { probot } = await commandProbot({ executor: () => executor });
    await receive(probot, commentPayload("/upgrade-hosts libc6", { login: "hostroot[bot]", type: "Bot" }));
    await receive(probot, commentPayload("/deploy", { login: "renovate[bot]", type: "User" }));
    expect(calls).toEqual([]);
  });

  it("a command inside a quote or a code block makes no call", async () => {
    const { probot } = await commandProbot({ executor: () => executor });
    await receive(probot, commentPayload("As you said:\n> /upgrade-hosts libc6\n"));
    await receive(probot, commentPayload("Run this:\n```\n/upgrade-hosts libc6\n```\n"));
    await receive(probot, commentPayload("We could `/deploy` later."));
    expect(calls).toEqual([]);
    expect(executor.execs).toEqual([]);
  });

  it("a repository without hostroot's config gets no reply", async () => {
    const { probot } = await commandProbot({ executor: () => executor });
    mockToken();
    mockTree("master", { "README.md": "hi\n" }, []);
    await receive(probot, commentPayload("/status"));
    expect(calls).toEqual([
      "POST /app/installations/1/access_tokens",
      `GET ${REPO}/git/trees/master?recursive=1`,
    ]);
  });
});

describe("replies and refusals", () => {
  it("shell injection in a package name gets a usage reply, no permission lookup and no SSH", async () => {
    const executor = new FakeExecutor(() => STATUS_EMPTY);
    const { probot, audits } = await commandProbot({ executor: () => executor });
    mockConfigRead();
    const replies = expectWrite("POST", `${REPO}/issues/1/comments`, { id: 5 });
    await receive(probot, commentPayload("/upgrade-hosts libc6;reboot"));
    expect(calls.slice(3)).toEqual([COMMENTS]);
    expect(replies[0]?.body).toMatch(/did not run anything/);
    expect(replies[0]?.body).toContain("`libc6;reboot`");
    expect(replies[0]?.body).toContain("Usage:");
    expect(executor.execs).toEqual([]);
    expect(audits()).toMatchObject([
      { command: null, outcome: "usage", actor: "Codertocat", url: COMMENT_URL },
    ]);
  });

  it("/help is answered with the command table", async () => {
    const { probot } = await commandProbot({ executor: () => new FakeExecutor(() => STATUS_EMPTY) });
    mockConfigRead();
    const replies = expectWrite("POST", `${REPO}/issues/1/comments`, { id: 5 });
    await receive(probot, commentPayload("/help"));
    expect(replies[0]?.body).toContain("| Command | What it does |");
  });

  it("a writer asking for /upgrade-hosts is told it needs admin, gets 👎, and nothing runs", async () => {
    const executor = new FakeExecutor(() => STATUS_EMPTY);
    const { probot, audits } = await commandProbot({ executor: () => executor });
    mockConfigRead();
    mockPermission("Codertocat", "write");
    const replies = expectWrite("POST", `${REPO}/issues/1/comments`, { id: 5 });
    const reactions = expectWrite("POST", `${REPO}/issues/comments/${COMMENT_ID}/reactions`, { id: 1 });
    await receive(probot, commentPayload("/upgrade-hosts libc6"));
    expect(calls.slice(3)).toEqual([`GET ${REPO}/collaborators/Codertocat/permission`, COMMENTS, REACTIONS]);
    expect(replies[0]?.body).toContain("needs admin permission (or higher) on this repository");
    expect(replies[0]?.body).toContain("You have write permission");
    expect(reactions).toEqual([{ content: "-1" }]);
    expect(executor.execs).toEqual([]);
    expect(audits()).toMatchObject([
      { command: "/upgrade-hosts libc6", permission: "write", outcome: "denied" },
    ]);
  });

  it("/deploy in a fork's pull request is refused, saying why", async () => {
    const executor = new FakeExecutor(() => STATUS_EMPTY);
    const { probot, audits } = await commandProbot({ executor: () => executor });
    const payload = commentPayload("/deploy");
    (payload.issue as unknown as { pull_request: object }).pull_request = {
      url: `https://api.github.com${REPO}/pulls/1`,
    };
    mockConfigRead();
    mockPermission("Codertocat", "admin");
    nock("https://api.github.com")
      .get(`${REPO}/pulls/1`)
      .reply(200, { number: 1, head: { sha: "c".repeat(40), repo: { id: 999 } }, base: { repo: { id: 1 } } });
    const replies = expectWrite("POST", `${REPO}/issues/1/comments`, { id: 5 });
    expectWrite("POST", `${REPO}/issues/comments/${COMMENT_ID}/reactions`, { id: 1 });
    await receive(probot, payload);
    expect(replies[0]?.body).toContain("comes from a fork");
    expect(executor.execs).toEqual([]);
    expect(audits()).toMatchObject([{ command: "/deploy", outcome: "refused" }]);
  });
});

describe("an allowed /upgrade-hosts", () => {
  it("reacts 👀 before any SSH, returns at once, then edits its status comment into the result table", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const seenBeforeSsh: string[][] = [];
    const executor = new FakeExecutor(async (host) => {
      seenBeforeSsh.push([...calls]);
      await gate;
      return upgradeAnswer("demo-libfoo", [host.name === "web-1" ? "web" : "api"]);
    });
    const { probot, operations, audits } = await commandProbot({ executor: () => executor });
    mockConfigRead();
    mockPermission("Codertocat", "admin");
    const reactions = expectWrite(
      "POST",
      `${REPO}/issues/comments/${COMMENT_ID}/reactions`,
      { id: 1 },
      [],
      2,
    );
    const created = expectWrite("POST", `${REPO}/issues/1/comments`, {
      id: 77,
      html_url: `${COMMENT_URL}-77`,
    });
    github()
      .get(`${REPO}/git/blobs/${blobSha(WEB)}`)
      .reply(200, { content: Buffer.from(WEB).toString("base64"), encoding: "base64" });
    const edits = expectWrite("PATCH", `${REPO}/issues/comments/77`, { id: 77 });

    await receive(probot, commentPayload("/upgrade-hosts demo-libfoo"));
    // The handler has returned while the hosts still work.
    expect(executor.execs.length).toBeLessThanOrEqual(1);
    expect(calls).toContain(REACTIONS);
    release();
    await operations.idle();

    expect(calls).toEqual([
      "POST /app/installations/1/access_tokens",
      `GET ${REPO}/git/trees/master?recursive=1`,
      `GET ${REPO}/git/blobs/${blobSha(APP_CONFIG)}`,
      `GET ${REPO}/collaborators/Codertocat/permission`,
      REACTIONS,
      COMMENTS,
      `GET ${REPO}/git/blobs/${blobSha(WEB)}`,
      `PATCH ${REPO}/issues/comments/77`,
      REACTIONS,
    ]);
    for (const before of seenBeforeSsh) expect(before).toContain(REACTIONS);
    expect(reactions.map((r) => r.content)).toEqual(["eyes", "rocket"]);
    expect(created[0]?.body).toMatch(/is running `\/upgrade-hosts demo-libfoo` for @Codertocat on 2 hosts/);
    const result = edits[0]?.body as string;
    expect(result).toContain("### ✅ upgrade-hosts succeeded");
    expect(result).toMatch(/\| `demo-libfoo` \| `1\.0` \| `1\.1` \|/);
    expect(result).toMatch(/\| `web` \| running \|.*\| `demo-libfoo` `1\.1` \|/);
    expect(result).toMatch(/\| `api` \| running \|.*\| `demo-libfoo` `1\.1` \|/);
    expect(executor.execs.map((e: Exec) => e.host).sort()).toEqual(["web-1", "web-2"]);
    expect(executor.execs.every((e) => e.script.includes("demo-libfoo"))).toBe(true);
    expect(executor.closed).toBe(1);
    expect(audits()).toEqual([
      expect.objectContaining({
        trigger: "slash-command",
        actor: "Codertocat",
        permission: "admin",
        command: "/upgrade-hosts demo-libfoo",
        repo: "Codertocat/Hello-World",
        issue: 1,
        url: COMMENT_URL,
        outcome: "ran",
        result: "succeeded",
        hosts: { succeeded: 2 },
        packages: [{ name: "demo-libfoo", before: ["1.0"], after: ["1.1"] }],
      }),
    ]);
  });

  it("throttles progress: many hosts finishing quickly make a few edits, and the final edit is complete", async () => {
    const hostCount = 24;
    let clock = 0;
    const executor = new FakeExecutor((host) => {
      clock += 500; // each host takes half a second of the test's clock
      return upgradeAnswer("demo-libfoo", [`c-${host.name}`]);
    });
    const { probot, operations } = await commandProbot({
      executor: () => executor,
      throttle: { intervalMs: 2000, now: () => clock },
      server: serverConfigOf(bigPoolServerConfig(hostCount)),
    });
    mockConfigRead({ [CFG]: APP_CONFIG });
    mockPermission("Codertocat", "admin");
    expectWrite("POST", `${REPO}/issues/comments/${COMMENT_ID}/reactions`, { id: 1 }, [], 2);
    expectWrite("POST", `${REPO}/issues/1/comments`, { id: 78 });
    const edits: Array<Record<string, unknown>> = [];
    github()
      .intercept(`${REPO}/issues/comments/78`, "PATCH", (b: Record<string, unknown>) => {
        edits.push(b);
        return true;
      })
      .times(1 + Math.ceil((hostCount * 500) / 2000))
      .reply(200, { id: 78 });
    await receive(probot, commentPayload("/upgrade-hosts demo-libfoo"));
    await operations.idle();
    nock.cleanAll(); // the edit budget above is an upper bound, not an expectation

    // 24 hosts over 12 s of clock with at most one edit per 2 s: at most 6 progress edits + the final one.
    expect(edits.length).toBeGreaterThanOrEqual(2);
    expect(edits.length).toBeLessThanOrEqual(7);
    const progress = edits.slice(0, -1).map((e) => e.body as string);
    for (const p of progress) expect(p).toMatch(/: \d+ of 24 hosts done\./);
    const final = edits.at(-1)?.body as string;
    expect(final).toContain("### ✅ upgrade-hosts succeeded");
    for (let i = 0; i < hostCount; i++) expect(final).toContain(`| \`c-h${i}\` | running |`);
  });

  it("a result over 65,536 characters is split: the status comment holds part 1, further parts follow", async () => {
    const hosts = 30;
    const state = (name: string) =>
      Buffer.from(
        renderStateFile({
          name,
          definitionHash: "a".repeat(64),
          commit: "c0ffee1",
          deployedAt: "2024-01-01T00:00:00Z",
          replica: 0,
          owner: { id: "github:1296269", name: "Codertocat/Hello-World" },
        }),
      ).toString("base64");
    const executor = new FakeExecutor((host) => {
      const lines = ["::hostroot-status root mounted", `::hostroot-status digest ${"0".repeat(64)}`];
      for (let i = 0; i < 60; i++)
        lines.push(`::hostroot-status state ${host.name}-app-${i} RUNNING ${state(`${host.name}-app-${i}`)}`);
      return {
        code: 0,
        signal: null,
        stdout: `${[...lines, "::hostroot-status done"].join("\n")}\n`,
        stderr: "",
        durationMs: 1,
      };
    });
    const { probot, operations } = await commandProbot({
      executor: () => executor,
      server: serverConfigOf(bigPoolServerConfig(hosts)),
    });
    mockConfigRead({ [CFG]: APP_CONFIG });
    mockPermission("Codertocat", "triage");
    expectWrite("POST", `${REPO}/issues/comments/${COMMENT_ID}/reactions`, { id: 1 }, [], 2);
    const posted: Array<Record<string, unknown>> = [];
    github()
      .persist()
      .intercept(`${REPO}/issues/1/comments`, "POST", (b: Record<string, unknown>) => {
        posted.push(b);
        return true;
      })
      .reply(201, { id: 79 });
    const edits = expectWrite("PATCH", `${REPO}/issues/comments/79`, { id: 79 });
    await receive(probot, commentPayload("/status"));
    await operations.idle();

    nock.cleanAll(); // the persisted comment interceptor above
    const parts = [edits[0]?.body, ...posted.slice(1).map((p) => p.body)] as string[];
    expect(parts.length).toBeGreaterThanOrEqual(2);
    parts.forEach((p, i) => {
      expect(p.length).toBeLessThanOrEqual(65_536);
      expect(p.startsWith(`_(part ${i + 1}/${parts.length})_`)).toBe(true);
    });
    expect(posted[0]?.body).toMatch(/is running `\/status`/);
    const rows = parts.join("").match(/\| `h\d+-app-\d+` \| running \|/g) ?? [];
    expect(rows).toHaveLength(hosts * 60);
  });
});

describe("/cancel", () => {
  it("aborts the repository's running operation: hosts not reached are not run, and the result says cancelled", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const executor = new FakeExecutor(async (host) => {
      await gate;
      return upgradeAnswer("demo-libfoo", [`c-${host.name}`]);
    });
    const { probot, operations, audits } = await commandProbot({ executor: () => executor });
    mockConfigRead();
    mockPermission("Codertocat", "admin");
    const reactions = expectWrite(
      "POST",
      `${REPO}/issues/comments/${COMMENT_ID}/reactions`,
      { id: 1 },
      [],
      3,
    );
    const posted = expectWrite("POST", `${REPO}/issues/1/comments`, { id: 80 }, [], 2);
    github()
      .get(`${REPO}/git/blobs/${blobSha(WEB)}`)
      .reply(200, { content: Buffer.from(WEB).toString("base64"), encoding: "base64" });
    const edits = expectWrite("PATCH", `${REPO}/issues/comments/80`, { id: 80 });
    mockTree("master", FILES, [CFG]); // the second delivery lists the tree again (token cached)
    mockPermission("Codertocat", "maintain");

    await receive(probot, commentPayload("/upgrade-hosts demo-libfoo"));
    while (executor.execs.length === 0) await new Promise((r) => setTimeout(r, 5));
    await receive(probot, commentPayload("/cancel"));
    release();
    await operations.idle();

    expect(executor.execs.map((e) => e.host)).toEqual(["web-1"]); // the canary; web-2 never started
    expect(posted[1]?.body).toMatch(
      /cancelled 1 operation[\s\S]*`\/upgrade-hosts demo-libfoo` by @Codertocat/,
    );
    expect(edits[0]?.body).toContain("### 🚫 upgrade-hosts cancelled");
    expect(edits[0]?.body).toMatch(/`web-2`: no step ran \(not run/);
    expect(reactions.map((r) => r.content)).toEqual(["eyes", "rocket", "-1"]);
    expect(audits().map((a) => [a.command, a.outcome, a.result])).toEqual([
      ["/cancel", "answered", undefined],
      ["/upgrade-hosts demo-libfoo", "ran", "cancelled"],
    ]);
  });
});
