import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  blobSha,
  calls,
  comment,
  github,
  mockReads,
  pullRequestPayload,
  type RepoState,
  resetGithub,
  testProbot,
} from "./fakeGithub.js";
import { bigPoolConfig, CONFIG, definition, hidingUsr, LOOSER_CONFIG, lineOf } from "./fixtures.js";

const REPO = "/repos/Codertocat/Hello-World";
const CFG = ".github/hostroot.yml";
/** The parts of a request body the assertions read. */
interface Body {
  [key: string]: unknown;
  body?: string;
  output?: { title?: string; summary?: string; annotations?: Array<Record<string, unknown>> };
}

/** Registers a write and keeps the bodies it receives. */
function expectWrite(method: "post" | "patch" | "delete", path: string, reply: object, bodies: Body[] = []) {
  github()
    .intercept(path, method.toUpperCase(), (body: Body) => {
      bodies.push(body);
      return true;
    })
    .reply(method === "post" ? 201 : method === "delete" ? 204 : 200, method === "delete" ? "" : reply);
  return bodies;
}

const sorted = (xs: readonly string[]) => [...xs].sort();
const blobCall = (content: string) => `GET ${REPO}/git/blobs/${blobSha(content)}`;

beforeEach(resetGithub);
afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  expect(nock.isDone()).toBe(true);
});

describe("a pull request with valid definitions", () => {
  const billingV1 = definition("billing-api", "resources: { memory: 512M }\n", 2);
  const billingV2 = definition("billing-api", "resources: { memory: 1G }\n", 2);
  const mail = definition("mail-worker");
  const repo: RepoState = {
    base: {
      [CFG]: CONFIG,
      "README.md": "# containers\n",
      "containers/billing-api.yml": billingV1,
      "containers/mail-worker.yml": mail,
      "containers/old-app.yml": definition("old-app"),
    },
    head: {
      [CFG]: LOOSER_CONFIG,
      "README.md": "# containers\n",
      "containers/billing-api.yml": billingV2,
      "containers/mail-worker.yml": mail,
      "containers/status-page.yml": definition("status-page"),
    },
  };
  const reads = {
    base: [CFG, "containers/billing-api.yml", "containers/mail-worker.yml", "containers/old-app.yml"],
    head: ["containers/billing-api.yml", "containers/mail-worker.yml", "containers/status-page.yml"],
  };

  it("gets a successful check and one new plan comment, reading each blob once", async () => {
    const payload = pullRequestPayload("opened");
    mockReads(payload, repo, reads);
    const checks = expectWrite("post", `${REPO}/check-runs`, { id: 7 });
    const comments = expectWrite("post", `${REPO}/issues/2/comments`, { id: 1001 });

    await (await testProbot()).receive({ id: "1", name: "pull_request", payload } as never);

    const head = payload.pull_request.head.sha;
    expect(sorted(calls)).toEqual(
      sorted([
        "POST /app/installations/1/access_tokens",
        `GET ${REPO}/git/trees/master?recursive=1`,
        `GET ${REPO}/git/trees/${head}?recursive=1`,
        blobCall(CONFIG),
        blobCall(billingV1),
        blobCall(mail), // unchanged in the PR: fetched once, for both sides
        blobCall(repo.base["containers/old-app.yml"] as string),
        blobCall(billingV2),
        blobCall(repo.head["containers/status-page.yml"] as string),
        `GET ${REPO}/issues/2/comments?per_page=100`,
        `POST ${REPO}/check-runs`,
        `POST ${REPO}/issues/2/comments`,
      ]),
    );
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({
      name: "hostroot / validate",
      head_sha: head,
      status: "completed",
      conclusion: "success",
      output: { title: "4 files valid", annotations: [] },
    });
    expect(checks[0]?.output?.summary).toContain("4 files valid");

    const body = comments[0]?.body as string;
    expect(body.startsWith("<!-- hostroot:plan -->\n")).toBe(true);
    expect(body).toContain("1 to create, 2 to reconfigure, 0 to restart, 1 to DESTROY");
    expect(body).toMatch(/➕ create \| `status-page`/);
    expect(body.match(/🔧 reconfigure \| `billing-api` .*definition changed: resources/g)).toHaveLength(2);
    expect(body).toMatch(/\[!CAUTION\][\s\S]*`old-app`/);
    expect(body).toContain("Compared with the definitions on `master`");
  });

  it("edits the same plan comment on the next push instead of adding one", async () => {
    const payload = pullRequestPayload("synchronize");
    payload.pull_request.head.sha = "a".repeat(40);
    const quoted = "<!-- hostroot:plan -->\nA person pasting the marker does not make this the plan comment.";
    mockReads(payload, repo, reads, [
      comment(1000, quoted, { login: "octocat", type: "User" }),
      comment(1001, "<!-- hostroot:plan -->\n### 📋 hostroot plan at `ec26c3e`\n"),
    ]);
    expectWrite("post", `${REPO}/check-runs`, { id: 8 });
    const edits = expectWrite("patch", `${REPO}/issues/comments/1001`, { id: 1001 });

    await (await testProbot()).receive({ id: "2", name: "pull_request", payload } as never);

    expect(calls.filter((c) => !c.startsWith("GET"))).toEqual([
      "POST /app/installations/1/access_tokens",
      `POST ${REPO}/check-runs`,
      `PATCH ${REPO}/issues/comments/1001`,
    ]);
    expect(edits[0]?.body).toMatch(/^<!-- hostroot:plan -->\n### 📋 hostroot plan at `aaaaaaa`/);
  });

  it("validates a fork's head the same way and says it will never deploy", async () => {
    const payload = pullRequestPayload("opened");
    const fork = payload.pull_request.head;
    fork.repo = {
      ...structuredClone(payload.pull_request.base.repo),
      id: 999,
      full_name: "forker/Hello-World",
    };
    fork.label = "forker:changes";
    mockReads(payload, repo, reads);
    const checks = expectWrite("post", `${REPO}/check-runs`, { id: 9 });
    const comments = expectWrite("post", `${REPO}/issues/2/comments`, { id: 1003 });

    await (await testProbot()).receive({ id: "3", name: "pull_request", payload } as never);

    expect(calls.every((c) => c.includes(REPO) || c.includes("/app/installations/1/"))).toBe(true);
    expect(checks[0]).toMatchObject({ conclusion: "success", head_sha: fork.sha });
    expect(checks[0]?.output?.summary).toContain("comes from a fork");
    expect(comments[0]?.body).toContain("never deploys it");
    expect(comments[0]?.body).toContain("1 to create, 2 to reconfigure");
  });
});

describe("a pull request with errors", () => {
  it("fails the check with annotations on the offending lines and posts no plan", async () => {
    const bad = `${definition("bad")}hide: [/srv/ok]\nmounts:\n  - { source: /etc/ssl, target: /srv/certs }\n`;
    const payload = pullRequestPayload("opened");
    const repo = { base: { [CFG]: CONFIG }, head: { "containers/bad.yml": bad } };
    mockReads(payload, repo, { base: [CFG], head: ["containers/bad.yml"] });
    const checks = expectWrite("post", `${REPO}/check-runs`, { id: 10 });
    const comments = expectWrite("post", `${REPO}/issues/2/comments`, { id: 1004 });

    await (await testProbot()).receive({ id: "4", name: "pull_request", payload } as never);

    expect(checks[0]).toMatchObject({ status: "completed", conclusion: "failure" });
    const annotations = checks[0]?.output?.annotations ?? [];
    expect(annotations.length).toBeGreaterThan(0);
    expect(annotations).toContainEqual(
      expect.objectContaining({
        path: "containers/bad.yml",
        start_line: lineOf(bad, "source: /etc/ssl"),
        annotation_level: "failure",
        title: "mount/source-not-allowed",
      }),
    );
    expect(comments[0]?.body).toMatch(
      /^<!-- hostroot:plan -->\n### 📋 hostroot plan\n\nNo plan for `ec26c3e`/,
    );
  });

  it("sends 120 annotations as a create with 50 and two updates with 50 and 20", async () => {
    const bad = hidingUsr("bad", 120);
    const payload = pullRequestPayload("opened");
    const repo = { base: { [CFG]: CONFIG }, head: { "containers/bad.yml": bad } };
    mockReads(payload, repo, { base: [CFG], head: ["containers/bad.yml"] });
    const created = expectWrite("post", `${REPO}/check-runs`, { id: 11 });
    const updates = expectWrite("patch", `${REPO}/check-runs/11`, { id: 11 });
    expectWrite("patch", `${REPO}/check-runs/11`, { id: 11 }, updates);
    expectWrite("post", `${REPO}/issues/2/comments`, { id: 1005 });

    await (await testProbot()).receive({ id: "5", name: "pull_request", payload } as never);

    const all = [created[0], ...updates].map((b) => b?.output?.annotations ?? []);
    expect(all.map((a) => a.length)).toEqual([50, 50, 20]);
    expect(all.flat().map((a) => a.start_line)).toEqual(
      Array.from({ length: 120 }, (_, i) => lineOf(bad, `/usr/lib/x${i}`)),
    );
    // Only the last request completes the run, so a finished run never misses annotations.
    expect(created[0]).toMatchObject({ status: "in_progress" });
    expect(created[0]).not.toHaveProperty("conclusion");
    expect(updates[0]).not.toHaveProperty("conclusion");
    expect(updates[1]).toMatchObject({ status: "completed", conclusion: "failure" });
  });
});

describe("a plan too long for one comment", () => {
  it("is split into marked parts: part 1 edited, part 2 added, a stale part 3 deleted", async () => {
    const config = bigPoolConfig(40);
    const head: Record<string, string> = {};
    for (let i = 0; i < 30; i++) head[`containers/app-${i}.yml`] = definition(`app-${i}`, "", 40);
    const payload = pullRequestPayload("synchronize");
    mockReads(payload, { base: { [CFG]: config }, head }, { base: [CFG], head: Object.keys(head) }, [
      comment(2001, "<!-- hostroot:plan -->\nold"),
      comment(2003, "<!-- hostroot:plan part 3 -->\nold"),
    ]);
    expectWrite("post", `${REPO}/check-runs`, { id: 12 });
    const first = expectWrite("patch", `${REPO}/issues/comments/2001`, { id: 2001 });
    const second = expectWrite("post", `${REPO}/issues/2/comments`, { id: 2002 });
    expectWrite("delete", `${REPO}/issues/comments/2003`, {});

    await (await testProbot()).receive({ id: "6", name: "pull_request", payload } as never);

    const parts = [first[0]?.body, second[0]?.body] as string[];
    expect(parts[0]).toMatch(/^<!-- hostroot:plan -->\n_\(part 1\/2\)_/);
    expect(parts[1]).toMatch(/^<!-- hostroot:plan part 2 -->\n_\(part 2\/2\)_/);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(65_536);
    const rows = parts.join("").match(/➕ create \| `app-\d+`/g) ?? [];
    expect(rows).toHaveLength(30 * 40);
  });
});
