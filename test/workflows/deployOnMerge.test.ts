import { describe, expect, it } from "vitest";
import { type Config, configSchema } from "../../src/core/configSchema.js";
import { githubOwner } from "../../src/core/owner.js";
import type { AuditEntry } from "../../src/ports/auditEntry.js";
import type { RemoteExecutor } from "../../src/ports/remoteExecutor.js";
import { type DeployOnMergePorts, deployOnMerge, type MergePush } from "../../src/workflows/deployOnMerge.js";
import { OperationRegistry } from "../../src/workflows/operationRegistry.js";

const config = (commands: object): Config =>
  configSchema.parse({
    apiVersion: "hostroot/v1",
    pool: {
      platforms: {
        "debian-12": { hosts: [{ name: "h1", address: "192.0.2.1", hostKey: "ssh-ed25519 AAAA" }] },
      },
    },
    policy: { commands },
  });

const AFTER = "a".repeat(40);
const push = (over: Partial<MergePush> = {}): MergePush => ({
  ref: "refs/heads/main",
  defaultBranch: "main",
  deleted: false,
  after: AFTER,
  before: "b".repeat(40),
  pusher: { login: "octo", isBot: false },
  repo: "acme/containers",
  owner: githubOwner({ id: 1, full_name: "acme/containers" }),
  url: `https://example.com/commit/${AFTER}`,
  ...over,
});

/** Ports over an in-memory repository; records what the code host was asked and told. */
function fakePorts(current: Config, before: Config | undefined, permission: "write" | "maintain" | "admin") {
  const asked: string[] = [];
  const reports: string[] = [];
  const statuses: string[] = [];
  const audits: AuditEntry[] = [];
  const executor: RemoteExecutor = {
    exec: async () => {
      throw new Error("no host in this test");
    },
    close: async () => {},
  };
  const ports: DeployOnMergePorts = {
    configAt: async () => ({ kind: "ok", config: current }),
    policyAt: async () => before?.policy,
    access: {
      permission: async (login) => {
        asked.push(`permission:${login}`);
        return permission;
      },
      memberOf: async () => [],
    },
    loadSources: async (commit) => ({ commit, definitions: [], errors: 1 }),
    executor: () => executor,
    report: async (markdown) => {
      reports.push(markdown);
      return { issue: 7, url: "https://example.com/pull/7#c" };
    },
    deployments: {
      create: async () => ({
        setStatus: async (state) => {
          statuses.push(state);
        },
      }),
    },
    audit: (e) => audits.push(e),
    operations: new OperationRegistry(),
  };
  return { ports, asked, reports, statuses, audits };
}

describe("deployOnMerge", () => {
  it("ignores pushes to other branches, tags and deletions without asking anything", async () => {
    const f = fakePorts(config({}), undefined, "admin");
    for (const p of [push({ ref: "refs/heads/dev" }), push({ ref: "refs/tags/v1" }), push({ deleted: true })])
      expect(await deployOnMerge(p, f.ports)).toEqual({ kind: "ignored" });
    expect(f.asked).toEqual([]);
  });

  it("never deploys for a bot, and never asks the code host about it", async () => {
    const f = fakePorts(config({ deploy: { permission: "write" } }), undefined, "admin");
    const out = await deployOnMerge(push({ pusher: { login: "renovate[bot]", isBot: false } }), f.ports);
    expect(out.kind).toBe("denied");
    expect(f.asked).toEqual([]);
    expect(f.reports[0]).toMatch(/did not deploy `aaaaaaa` \(pushed by @renovate\[bot\]\)/);
    expect(f.audits).toMatchObject([{ trigger: "deploy-on-merge", outcome: "denied", issue: 7 }]);
  });

  it("judges a push that loosens the deploy rule by the rule before it", async () => {
    const f = fakePorts(
      config({ deploy: { permission: "write" } }),
      config({ deploy: { permission: "admin" } }),
      "maintain",
    );
    const out = await deployOnMerge(push(), f.ports);
    expect(out).toMatchObject({ kind: "denied", reason: expect.stringMatching(/needs admin permission/) });
  });

  it("takes the built-in defaults when there is no policy before the push", async () => {
    const f = fakePorts(config({ deploy: { permission: "write" } }), undefined, "write");
    const out = await deployOnMerge(push({ before: "0".repeat(40) }), f.ports);
    expect(out).toMatchObject({ kind: "denied", reason: expect.stringMatching(/needs maintain permission/) });
  });

  it("takes the operator's pool policy as the floor when there is no policy before the push", async () => {
    const f = fakePorts(config({ deploy: { permission: "write" } }), undefined, "maintain");
    f.ports.poolPolicy = () => config({ deploy: { permission: "admin" } }).policy;
    const out = await deployOnMerge(push(), f.ports);
    expect(out).toMatchObject({ kind: "denied", reason: expect.stringMatching(/needs admin permission/) });
  });

  it("refuses a repository that may never deploy before any lookup", async () => {
    const f = fakePorts(config({}), undefined, "admin");
    f.ports.refusal = "no pool is bound to this repository";
    expect(await deployOnMerge(push(), f.ports)).toEqual({
      kind: "refused",
      reason: "no pool is bound to this repository.",
    });
    expect(f.asked).toEqual([]);
  });

  it("records the deployment and deploys nothing from definitions with errors", async () => {
    const f = fakePorts(config({}), config({}), "admin");
    const out = await deployOnMerge(push(), f.ports);
    if (out.kind !== "started") throw new Error(`not started: ${out.kind}`);
    expect(await out.done).toMatchObject({ kind: "refused" });
    expect(f.statuses).toEqual(["in_progress", "failure"]);
    expect(f.reports.at(-1)).toContain("### ❌ deploy refused");
    expect(f.audits).toMatchObject([{ outcome: "refused", permission: "admin", issue: 7 }]);
  });
});
