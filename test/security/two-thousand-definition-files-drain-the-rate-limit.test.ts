import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_MAX_DEFINITION_FILES } from "../../src/core/serverConfigSchema.js";
import { blobSha, calls, github, pullRequestPayload, resetGithub, testProbot } from "../github/fakeGithub.js";
import { CONFIG, definition } from "../github/fixtures.js";

// Attack: a pull request (from a fork, by anyone) adds 2,000 definition files. Read one blob
// request each, that is 2,000 requests from the installation's shared hourly rate limit, per
// push, and a fork can hold far more. The App reads at most 500 definition files per event:
// beyond that the check fails with the reason, from the tree listing alone, and no definition
// blob is fetched.
const REPO = "/repos/Codertocat/Hello-World";
const CFG = ".github/hostroot.yml";
const COUNT = 2000;

function tree(files: Record<string, string>) {
  return {
    sha: "0".repeat(40),
    truncated: false,
    tree: Object.entries(files).map(([path, content]) => ({
      path,
      mode: "100644",
      type: "blob",
      sha: blobSha(content),
      size: Buffer.byteLength(content),
    })),
  };
}

const blobRequests: string[] = [];
beforeEach(() => {
  resetGithub();
  blobRequests.length = 0;
});
afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
});

describe("a pull request with 2,000 definition files", () => {
  it("fails its check with the cap and the count, and fetches no definition", async () => {
    expect(DEFAULT_MAX_DEFINITION_FILES).toBe(500);
    const payload = pullRequestPayload("opened");
    const head: Record<string, string> = { [CFG]: CONFIG };
    for (let i = 0; i < COUNT; i++) head[`containers/app-${i}.yml`] = definition(`app-${i}`);
    const scope = github();
    scope.post("/app/installations/1/access_tokens").reply(201, {
      token: "ghs_installation",
      expires_at: new Date(Date.now() + 3_600_000).toISOString(),
    });
    scope.get(`${REPO}/git/trees/master?recursive=1`).reply(200, tree({ [CFG]: CONFIG }));
    scope.get(`${REPO}/git/trees/${payload.pull_request.head.sha}?recursive=1`).reply(200, tree(head));
    scope.get(`${REPO}/git/blobs/${blobSha(CONFIG)}`).reply(200, {
      content: Buffer.from(CONFIG).toString("base64"),
      encoding: "base64",
    });
    // Any other blob request is recorded (and answered) so the test can say how many there were.
    nock("https://api.github.com")
      .persist()
      .get(/\/git\/blobs\//)
      .reply((uri) => {
        blobRequests.push(uri);
        return [200, { content: "", encoding: "base64" }];
      });
    scope.get(`${REPO}/issues/2/comments?per_page=100`).reply(200, []);
    const checks: Array<Record<string, unknown>> = [];
    scope
      .post(`${REPO}/check-runs`, (b: Record<string, unknown>) => checks.push(b) > 0)
      .reply(201, { id: 1 });
    scope.post(`${REPO}/issues/2/comments`).reply(201, { id: 2 });

    await (await testProbot()).receive({ id: "1", name: "pull_request", payload } as never);

    expect(blobRequests).toEqual([]);
    expect(calls.filter((c) => c.includes("/git/blobs/"))).toEqual([
      `GET ${REPO}/git/blobs/${blobSha(CONFIG)}`,
    ]);
    expect(checks[0]).toMatchObject({ conclusion: "failure" });
    const output = checks[0]?.output as { annotations?: Array<Record<string, unknown>> } | undefined;
    expect(output?.annotations).toEqual([
      expect.objectContaining({
        path: CFG,
        title: "config/too-many-files",
        message: expect.stringContaining(
          "2000 definition files under containers: hostroot reads at most 500 for one event, so none was read or checked",
        ),
      }),
    ]);
    // Only the catch-all for blobs is left unused; everything else was asked for.
    expect(nock.pendingMocks()).toEqual([expect.stringMatching(/blobs/)]);
    nock.cleanAll();
  });
});
