import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { type Actor, authorize } from "../../src/core/authorize.js";
import { COMMAND_NAMES, PERMISSION_LEVELS, poolHosts } from "../../src/core/configSchema.js";
import { poolNameOf } from "../../src/core/effectiveConfig.js";
import { parseAppConfig } from "../../src/core/parseAppConfig.js";
import { parseServerConfig } from "../../src/core/parseServerConfig.js";
import { repositoryAccess } from "../../src/core/repositoryAccess.js";
import type { ServerConfig } from "../../src/core/serverConfigSchema.js";
import { isSameOrUnder } from "../../src/core/systemPaths.js";
import { SERVER } from "./serverFixtures.js";

const server = parseServerConfig("server.yml", SERVER).config?.value as ServerConfig;
const web = repositoryAccess(server, "acme/web-shop");
const parse = (yaml: string, access = web) => parseAppConfig(".github/hostroot.yml", yaml, access);
const show = (yaml: string, access = web) =>
  parse(yaml, access).diagnostics.map((d) => `${d.line}:${d.column} ${d.rule}: ${d.message}`);
const repo = (body: string) => `apiVersion: hostroot/v1\npool: { name: web }\n${body}`;

describe("repositoryAccess", () => {
  it("binds a repository to the pools whose patterns match its full name, ignoring case", () => {
    expect(web.kind === "bound" && Object.keys(web.pools)).toEqual(["web"]);
    const billing = repositoryAccess(server, "ACME/Billing");
    expect(billing.kind === "bound" && Object.keys(billing.pools)).toEqual(["web"]);
  });

  it("leaves every other repository, and every repository without a server config, plan-only with the reason", () => {
    expect(repositoryAccess(server, "acme/website")).toMatchObject({
      kind: "plan-only",
      reason: expect.stringContaining("binds no pool of hosts to acme/website"),
    });
    expect(repositoryAccess(undefined, "acme/web-shop")).toMatchObject({
      kind: "plan-only",
      reason: expect.stringContaining("without a server config (HOSTROOT_SERVER_CONFIG)"),
      maxDefinitionFiles: 500,
    });
  });
});

describe("parseAppConfig in a bound repository", () => {
  it("takes hosts, key and policy from the pool the repository names", () => {
    const config = parse(repo("")).config?.value;
    expect(config && poolNameOf(config)).toBe("web");
    expect(config && poolHosts(config).map((h) => h.name)).toEqual(["web-1", "web-2", "edge-1"]);
    expect(config?.policy.mounts.allowedSources).toEqual(["/srv", "/data/web"]);
    expect(config?.policy.apparmorProfile).toBe("lxc-container-default-cgns");
  });

  it("narrows: a subset of hosts, a raised permission, fewer teams, sources under the pool's, more masks, a slower rollout", () => {
    const config = parse(
      repo(`  hosts: [web-2]
policy:
  definitionsPath: deploy/containers
  commands:
    deploy: { permission: admin, teams: [ACME/ops] }
  mounts: { allowedSources: [/srv/shop] }
  masks: { dirs: [/srv/shop/private] }
  rollout: { concurrency: 2, canary: 2 }
`).replace("pool: { name: web }\n  hosts: [web-2]", "pool:\n  name: web\n  hosts: [web-2]"),
    );
    expect(config.diagnostics).toEqual([]);
    const c = config.config?.value;
    expect(c && poolHosts(c).map((h) => h.name)).toEqual(["web-2"]);
    expect(Object.keys(c?.pool.platforms ?? {})).toEqual(["debian-12"]);
    expect(c?.policy.definitionsPath).toBe("deploy/containers");
    expect(c?.policy.commands.deploy).toEqual({ permission: "admin", teams: ["acme/ops"] });
    expect(c?.policy.mounts.allowedSources).toEqual(["/srv/shop"]);
    expect(c?.policy.masks).toEqual({ files: ["/etc/web-secret"], dirs: ["/srv/shop/private"] });
    expect(c?.policy.rollout).toMatchObject({ concurrency: 2, canary: 2, batchSize: 4, maxFailures: 1 });
  });

  it("reports every loosening at its line instead of dropping it", () => {
    expect(
      show(
        repo(`policy:
  commands:
    deploy: { permission: write, teams: [acme/interns] }
    status: { teams: [acme/ops] }
  mounts: { allowedSources: [/, /srv/ok, /data] }
  rollout: { concurrency: 50, canary: 0, maxFailures: 3 }
`),
      ),
    ).toEqual([
      "5:27 policy/loosens: policy.commands.deploy may only be raised: pool 'web' requires maintain, this sets write",
      "5:42 policy/loosens: policy.commands.deploy: team 'acme/interns' is not in the rule of pool 'web'; a repository may only drop teams, not add them",
      "6:23 policy/loosens: policy.commands.status: team 'acme/ops' is not in the rule of pool 'web'; a repository may only drop teams, not add them",
      "7:30 policy/loosens: mount source prefix '/' is not under the allowed sources of pool 'web' (/srv, /data/web)",
      "7:42 policy/loosens: mount source prefix '/data' is not under the allowed sources of pool 'web' (/srv, /data/web)",
      "8:27 policy/loosens: policy.rollout.concurrency may only be lowered: pool 'web' sets 8",
      "8:39 policy/loosens: policy.rollout.canary may only be raised: pool 'web' sets 1",
      "8:55 policy/loosens: policy.rollout.maxFailures may only be lowered: pool 'web' sets 1",
    ]);
  });

  it("refuses keys only the server sets, and groups the server fixes", () => {
    expect(
      show(repo("policy:\n  deployKeyPath: /srv/not-the-key\n  apparmorProfile: unconfined\n")).map((l) =>
        l.slice(0, 40),
      ),
    ).toEqual(["4:18 policy/server-only: policy.deployKe", "5:20 policy/server-only: policy.apparmor"]);
    const payments = repositoryAccess(server, "acme/payments");
    expect(
      show(
        "apiVersion: hostroot/v1\npool: { name: payments }\npolicy:\n  rollout: { concurrency: 1 }\n",
        payments,
      ),
    ).toEqual([
      "4:12 policy/server-only: policy.rollout is set by the App's server config for pool 'payments'; a repository may not set it",
    ]);
  });

  it("refuses hosts of its own, another team's pool, and a host outside its pool", () => {
    const own = `apiVersion: hostroot/v1
pool:
  name: web
  platforms:
    debian-12:
      hosts:
        - { name: pay-1, address: 192.0.2.31, hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGUEVL46j3cNe8Z/8jpjZYk4F0tG6qUBk5MNhmKBVO+9" }
`;
    expect(show(own)[0]).toMatch(
      /^4:3 config\/pool-from-server: this repository's hosts come from the App's server config \(pool 'web'\)/,
    );
    expect(show("apiVersion: hostroot/v1\npool: { name: payments }\n")).toEqual([
      "2:9 config/pool-not-bound: pool 'payments' is not bound to acme/web-shop by the App's server config; it may use 'web'",
    ]);
    expect(show("apiVersion: hostroot/v1\npool: { name: web, hosts: [web-1, pay-1] }\n")).toEqual([
      "2:35 config/pool-unknown-host: host 'pay-1' is not in pool 'web' (its hosts: web-1, web-2, edge-1)",
    ]);
  });
});

describe("parseAppConfig in a repository without a pool", () => {
  const none = repositoryAccess(server, "acme/website");
  it("reads a config that lists its own hosts as the CLI does (for validation and plans only)", () => {
    const yaml = `apiVersion: hostroot/v1
pool:
  platforms:
    debian-12:
      hosts:
        - { name: h1, address: 192.0.2.99, hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEtd0hrgY63x5CDH0suroeeWutFgAbnyGFVYFTHKKKBr" }
`;
    const c = parse(yaml, none).config?.value;
    expect(c && poolNameOf(c)).toBeUndefined();
  });

  it("refuses a config that names a server pool, saying why none is available", () => {
    expect(show("apiVersion: hostroot/v1\npool: { name: web }\n", none)).toEqual([
      expect.stringMatching(
        /^2:9 config\/pool-not-bound: pool 'web' is not available: the App's server config binds no pool of hosts to acme\/website/,
      ),
    ]);
  });
});

/** Whether `actor` may run `name` under `policy`. */
const allows = (
  policy: Parameters<typeof authorize>[2],
  name: (typeof COMMAND_NAMES)[number],
  actor: Actor,
) => authorize({ kind: name } as never, actor, policy).kind === "allowed";

describe("a repository can only narrow its pool (property)", () => {
  const perm = fc.constantFrom(...PERMISSION_LEVELS);
  const team = fc.constantFrom("acme/ops", "acme/deployers", "acme/interns", "ACME/OPS");
  const rule = fc.record({ permission: perm, teams: fc.array(team, { maxLength: 3 }) }, { requiredKeys: [] });
  const path = fc.constantFrom("/", "/srv", "/srv/a", "/data", "/data/web", "/data/web/x", "/etc");
  const repoPolicy = fc.record(
    {
      commands: fc.dictionary(fc.constantFrom(...COMMAND_NAMES), rule, { maxKeys: 4 }),
      mounts: fc.record({ allowedSources: fc.array(path, { maxLength: 3 }) }),
      masks: fc.record({ files: fc.array(path, { maxLength: 2 }), dirs: fc.array(path, { maxLength: 2 }) }),
      rollout: fc.record(
        {
          canary: fc.integer({ min: 0, max: 5 }),
          batchSize: fc.integer({ min: 1, max: 10 }),
          maxFailures: fc.integer({ min: 0, max: 5 }),
          concurrency: fc.integer({ min: 1, max: 20 }),
        },
        { requiredKeys: [] },
      ),
      deployKeyPath: fc.constant("/srv/elsewhere"),
    },
    { requiredKeys: [] },
  );
  const hosts = fc.option(fc.subarray(["web-1", "web-2", "edge-1", "pay-1"], { minLength: 1 }), {
    nil: undefined,
  });
  const actor = fc.record({
    login: fc.constant("someone"),
    permission: perm,
    teams: fc.subarray(["acme/ops", "acme/deployers", "acme/interns"]),
    isBot: fc.constant(false),
  });
  const pool = server.pools.web as NonNullable<ServerConfig["pools"]["web"]>;

  it("for any repository config, the effective policy is never looser than the server's", () => {
    fc.assert(
      fc.property(
        repoPolicy,
        hosts,
        fc.array(actor, { minLength: 5, maxLength: 5 }),
        (policy, only, actors) => {
          const value = {
            apiVersion: "hostroot/v1",
            pool: { name: "web", ...(only ? { hosts: only } : {}) },
            policy,
          };
          const parsed = parse(stringify(value));
          const c = parsed.config?.value;
          if (!c) {
            expect(parsed.diagnostics.length).toBeGreaterThan(0);
            return;
          }
          for (const a of actors)
            for (const name of COMMAND_NAMES)
              if (allows(c.policy, name, a)) expect(allows(pool.policy, name, a)).toBe(true);
          for (const s of c.policy.mounts.allowedSources)
            expect(pool.policy.mounts.allowedSources.some((p) => isSameOrUnder(s, p))).toBe(true);
          expect(c.policy.masks.files).toEqual(expect.arrayContaining(pool.policy.masks.files));
          expect(c.policy.masks.dirs).toEqual(expect.arrayContaining(pool.policy.masks.dirs));
          expect(c.policy.deployKeyPath).toBe(pool.policy.deployKeyPath);
          expect(c.policy.apparmorProfile).toBe(pool.policy.apparmorProfile);
          const r = c.policy.rollout;
          const s = pool.policy.rollout;
          expect(r.canary).toBeGreaterThanOrEqual(s.canary);
          expect(r.batchSize).toBeLessThanOrEqual(s.batchSize);
          expect(r.maxFailures).toBeLessThanOrEqual(s.maxFailures);
          expect(r.concurrency).toBeLessThanOrEqual(s.concurrency);
          const mine = poolHosts(c);
          const theirs = Object.values(pool.platforms).flatMap((p) => p.hosts);
          for (const h of mine)
            expect(theirs).toContainEqual(
              expect.objectContaining({ name: h.name, address: h.address, hostKey: h.hostKey }),
            );
        },
      ),
      { seed: 20261204, numRuns: 300 },
    );
  });
});
