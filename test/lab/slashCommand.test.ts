import nock from "nock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { appOperations } from "../../src/adapters/github/commandOptions.js";
import { publishDemoPackage } from "../../src/adapters/lab/index.js";
import type { Definition } from "../../src/core/definitionSchema.js";
import {
  COMMENT_ID,
  commentPayload,
  expectWrite,
  mockPermission,
  mockToken,
  mockTree,
  REPO,
} from "../github/commandHarness.js";
import { blobSha, calls, github, resetGithub, testProbot } from "../github/fakeGithub.js";
import {
  createContainer,
  inContainer,
  labSkipReason,
  startUpgradeLab,
  takeLabTestLock,
  type UpgradeLab,
  VERSION_FILE,
  webDefinition,
} from "./upgradeFixture.js";

const CFG = ".github/hostroot.yml";

// End to end: a real issue_comment payload through the real app (as `probot run` loads it), GitHub
// mocked by nock, and REAL SSH to the lab with the key the server config names, as in production:
// the server config (HOSTROOT_SERVER_CONFIG) binds the lab's pool to the example repository, whose
// own config names that pool.
describe.skipIf(labSkipReason !== undefined).sequential("/upgrade-hosts from a comment, on the lab", () => {
  let release: () => void = () => {};
  let lab: UpgradeLab;
  const placed: Array<[string, Definition]> = [
    ["h1", webDefinition("web-a")],
    ["h2", webDefinition("web-b")],
  ];
  const files: Record<string, string> = {};

  beforeAll(async () => {
    release = await takeLabTestLock();
    lab = await startUpgradeLab("slash-command", 2);
    for (const [host, def] of placed) await createContainer(lab, host, def);
    const published = await publishDemoPackage("1.1", { stateDir: lab.stateDir });
    expect(published.kind).toBe("published");
    // The operator's server config: the lab's hosts and policy as pool `lab`, with the lab's key.
    const serverPath = lab.configCopy("server", (raw) => {
      const { apiVersion, pool, policy } = raw as unknown as Record<string, { platforms?: unknown }>;
      for (const key of Object.keys(raw)) delete (raw as unknown as Record<string, unknown>)[key];
      Object.assign(raw, {
        apiVersion,
        pools: {
          lab: {
            repositories: ["Codertocat/Hello-World"],
            sshKey: { file: lab.info.privateKeyPath },
            platforms: pool?.platforms,
            ...(policy ? { policy } : {}),
          },
        },
      });
    });
    process.env.HOSTROOT_SERVER_CONFIG = serverPath;
    // The repository's config on the default branch names the pool; definitions under containers/.
    files[CFG] = stringify({
      apiVersion: "hostroot/v1",
      pool: { name: "lab" },
      policy: { definitionsPath: "containers" },
    });
    for (const [, def] of placed) files[`containers/${def.name}.yml`] = stringify(def);
  }, 600_000);

  afterAll(async () => {
    delete process.env.HOSTROOT_SERVER_CONFIG;
    nock.cleanAll();
    await lab?.close();
    release();
  }, 120_000);

  it("makes every container see demo-libfoo 1.1, and the final comment says so", async () => {
    resetGithub();
    mockToken();
    mockTree("master", files, [CFG]);
    mockPermission("Codertocat", "admin");
    const reactions = expectWrite(
      "POST",
      `${REPO}/issues/comments/${COMMENT_ID}/reactions`,
      { id: 1 },
      [],
      2,
    );
    const created = expectWrite("POST", `${REPO}/issues/1/comments`, { id: 321 });
    for (const [, def] of placed) {
      const text = files[`containers/${def.name}.yml`] as string;
      github()
        .get(`${REPO}/git/blobs/${blobSha(text)}`)
        .reply(200, { content: Buffer.from(text).toString("base64"), encoding: "base64" });
    }
    const edits: Array<{ body: string }> = [];
    github()
      .persist()
      .intercept(`${REPO}/issues/comments/321`, "PATCH", (b: { body: string }) => {
        edits.push(b);
        return true;
      })
      .reply(200, { id: 321 });

    const probot = await testProbot();
    await probot.receive({
      id: "lab",
      name: "issue_comment",
      payload: commentPayload("/upgrade-hosts demo-libfoo"),
    } as never);
    await appOperations.idle();

    expect(reactions.map((r) => r.content)).toEqual(["eyes", "rocket"]);
    expect(created[0]?.body).toContain("on 2 hosts");
    const final = edits.at(-1)?.body as string;
    expect(final).toContain("### ✅ upgrade-hosts succeeded");
    for (const [host, def] of placed) {
      expect(final).toMatch(new RegExp(`#### \`${host}\` · debian-12 · ✅ succeeded`));
      expect(final).toMatch(
        new RegExp(`\\| \`${def.name}\` \\| running \\| ✅ healthy \\|.*\`demo-libfoo\` \`1\\.1\``),
      );
      // What the comment says is what the container sees.
      expect((await inContainer(lab, host, def.name, ["cat", VERSION_FILE])).trim()).toBe("1.1");
    }
    expect(calls.filter((c) => c.startsWith("PATCH")).length).toBe(edits.length);
  }, 180_000);
});
