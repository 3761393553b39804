import { readFileSync } from "node:fs";
import nock from "nock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { publishDemoPackage } from "../../src/adapters/lab/index.js";
import { executorFor } from "../../src/adapters/ssh/executorFor.js";
import type { Definition } from "../../src/core/definitionSchema.js";
import { parseServerConfig } from "../../src/core/parseServerConfig.js";
import { mrNote, PROJECT } from "../gitlab/fakeGitlab.js";
import { gitlabServer } from "../gitlab/gitlabHarness.js";
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

// End to end: GitLab's own "Comment on a merge request" Note Hook, saying /upgrade-hosts
// demo-libfoo, posted over HTTP to the webhook handler `npm start` serves, GitLab's API behind
// nock, and REAL SSH to the lab with the key the server config names: the server config binds the
// lab's pool to the example project, whose own .gitlab/hostroot.yml names that pool.
describe
  .skipIf(labSkipReason !== undefined)
  .sequential("/upgrade-hosts from a GitLab note, on the lab", () => {
    let release: () => void = () => {};
    let lab: UpgradeLab;
    const placed: Array<[string, Definition]> = [
      ["h1", webDefinition("web-a")],
      ["h2", webDefinition("web-b")],
    ];
    const files: Record<string, string> = {};
    let serverPath = "";

    beforeAll(async () => {
      release = await takeLabTestLock();
      lab = await startUpgradeLab("gitlab-note", 2);
      for (const [host, def] of placed) await createContainer(lab, host, def);
      const published = await publishDemoPackage("1.1", { stateDir: lab.stateDir });
      expect(published.kind).toBe("published");
      serverPath = lab.configCopy("server", (raw) => {
        const { apiVersion, pool, policy } = raw as unknown as Record<string, { platforms?: unknown }>;
        for (const key of Object.keys(raw)) delete (raw as unknown as Record<string, unknown>)[key];
        Object.assign(raw, {
          apiVersion,
          pools: {
            lab: {
              repositories: [`gitlab:${PROJECT.path}`],
              sshKey: { file: lab.info.privateKeyPath },
              platforms: pool?.platforms,
              ...(policy ? { policy } : {}),
            },
          },
        });
      });
      files[".gitlab/hostroot.yml"] = stringify({
        apiVersion: "hostroot/v1",
        pool: { name: "lab" },
        policy: { definitionsPath: "containers" },
      });
      for (const [, def] of placed) files[`containers/${def.name}.yml`] = stringify(def);
    }, 600_000);

    afterAll(async () => {
      nock.cleanAll();
      await lab?.close();
      release();
    }, 120_000);

    it("makes every container see demo-libfoo 1.1, the final note says so, 👀 then 🚀", async () => {
      const parsed = parseServerConfig(serverPath, readFileSync(serverPath));
      if (!parsed.config) throw new Error(JSON.stringify(parsed.diagnostics));
      const server = parsed.config.value;
      const key = server.pools.lab?.sshKey.file as string;
      const s = await gitlabServer({
        server,
        executor: (config) => executorFor({ key: { path: key } }, config.policy.rollout),
        throttleMs: 2000,
      });
      try {
        s.fake.files = files;
        s.fake.members.set(1, { access_level: 50 });
        expect(await s.deliver(mrNote("/upgrade-hosts demo-libfoo"))).toBe(202);
        await s.settle();
        expect(s.fake.unknown).toEqual([]);
        expect(s.fake.awards.map((a) => a.name)).toEqual(["eyes", "rocket"]);
        const notes = s.fake.thread("merge_requests/1");
        expect(notes).toHaveLength(1);
        const final = notes[0]?.body ?? "";
        expect(final).toContain("### ✅ upgrade-hosts succeeded");
        for (const [host, def] of placed) {
          expect(final).toMatch(new RegExp(`#### \`${host}\` · debian-12 · ✅ succeeded`));
          expect(final).toMatch(
            new RegExp(`\\| \`${def.name}\` \\| running \\| ✅ healthy \\|.*\`demo-libfoo\` \`1\\.1\``),
          );
          // What the note says is what the container sees.
          expect((await inContainer(lab, host, def.name, ["cat", VERSION_FILE])).trim()).toBe("1.1");
        }
        console.log(`GitLab API calls:\n${s.fake.lines().join("\n")}\n\nfinal note:\n${final}`);
      } finally {
        await s.close();
      }
    }, 300_000);
  });
