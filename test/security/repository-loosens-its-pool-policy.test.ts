import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import nock from "nock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { CommandAppOptions } from "../../src/adapters/github/commandOptions.js";
import {
  commandProbot,
  expectWrite,
  mockToken,
  mockTree,
  pushPayload,
  REPO,
} from "../github/commandHarness.js";
import { github, mockReads, pullRequestPayload, resetGithub, testProbot } from "../github/fakeGithub.js";
import { definition, lineOf, SERVER_CONFIG } from "../github/fixtures.js";

// Attack: the repository's own config loosens what its pool allows: mount sources anywhere
// (`allowedSources: [/]`, so a definition can bind the host's /etc) and deploy for anyone with
// write. The server's pool allows /srv and needs maintain. The repository may only narrow: each
// loosening is a diagnostic at its line, the config is refused, and nothing deploys.
const CFG = ".github/hostroot.yml";
const LOOSER = `apiVersion: hostroot/v1
pool: { name: web }
policy:
  commands:
    deploy: { permission: write }
  mounts: { allowedSources: [/] }
`;
const ETC = definition("web", "mounts:\n  - { source: /etc, target: /mnt/etc }\n");
const AFTER = "a".repeat(40);
const BEFORE = "b".repeat(40);

beforeEach(resetGithub);
afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  vi.unstubAllEnvs();
});

describe("a repository config that loosens its pool's policy", () => {
  it("fails the pull request's check with each loosening annotated at its line", async () => {
    // The App as it starts in production: the server config from HOSTROOT_SERVER_CONFIG.
    const dir = mkdtempSync(path.join(tmpdir(), "hostroot-server-"));
    writeFileSync(path.join(dir, "server.yml"), SERVER_CONFIG);
    vi.stubEnv("HOSTROOT_SERVER_CONFIG", path.join(dir, "server.yml"));
    vi.stubEnv(
      "HOSTROOT_WEB_KEY",
      generateKeyPairSync("rsa", {
        modulusLength: 2048,
        privateKeyEncoding: { type: "pkcs1", format: "pem" },
        publicKeyEncoding: { type: "spki", format: "pem" },
      }).privateKey,
    );
    const payload = pullRequestPayload("opened");
    const repo = { base: { [CFG]: LOOSER }, head: { [CFG]: LOOSER, "containers/web.yml": ETC } };
    mockReads(payload, repo, { base: [CFG], head: ["containers/web.yml"] });
    const checks: Array<Record<string, unknown>> = [];
    github()
      .post(`${REPO}/check-runs`, (b: Record<string, unknown>) => checks.push(b) > 0)
      .reply(201, { id: 1 });
    github().post(`${REPO}/issues/2/comments`).reply(201, { id: 2 });

    await (await testProbot()).receive({ id: "1", name: "pull_request", payload } as never);

    expect(checks[0]).toMatchObject({ conclusion: "failure" });
    const annotations = (checks[0]?.output as { annotations?: Array<Record<string, unknown>> } | undefined)
      ?.annotations;
    expect(annotations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          path: CFG,
          start_line: lineOf(LOOSER, "deploy:"),
          title: "policy/loosens",
          message: expect.stringContaining(
            "policy.commands.deploy may only be raised: pool 'web' requires maintain",
          ),
        }),
        expect.objectContaining({
          path: CFG,
          start_line: lineOf(LOOSER, "allowedSources"),
          title: "policy/loosens",
          message: expect.stringContaining(
            "mount source prefix '/' is not under the allowed sources of pool 'web' (/srv)",
          ),
        }),
      ]),
    );
  });

  it("a writer's push deploys nothing: the config is refused before anyone is authorized", async () => {
    let made = 0;
    const executor: CommandAppOptions["executor"] = () => {
      made += 1;
      throw new Error("no executor");
    };
    const { probot, operations } = await commandProbot({ executor });
    mockToken();
    mockTree(AFTER, { [CFG]: LOOSER, "containers/web.yml": ETC }, [CFG]);
    mockTree(BEFORE, { [CFG]: LOOSER }, []);
    github()
      .get(`${REPO}/commits/${AFTER}/pulls`)
      .reply(200, [{ number: 7, merged_at: "2024-01-01T00:00:00Z", merge_commit_sha: AFTER }]);
    const comments = expectWrite("POST", `${REPO}/issues/7/comments`, { id: 9 });
    await probot.receive({
      id: "2",
      name: "push",
      payload: pushPayload("refs/heads/master", BEFORE, AFTER),
    } as never);
    await operations.idle();
    expect(comments[0]?.body).toMatch(
      /did not deploy `aaaaaaa`.*is invalid \(line 5: policy.commands.deploy may only be raised/,
    );
    expect(made).toBe(0);
  });
});
