import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Actor, authorize } from "../../src/core/authorize.js";
import { COMMAND_NAMES, configSchema, PERMISSION_LEVELS } from "../../src/core/configSchema.js";
import {
  commonPrefixes,
  defaultPolicy,
  type Policy,
  pushPolicy,
  stricterPolicy,
  stricterRule,
} from "../../src/core/stricterPolicy.js";
import { isSameOrUnder } from "../../src/core/systemPaths.js";

const policy = (p: unknown): Policy => configSchema.shape.policy.parse(p);
const who = (permission: Actor["permission"], teams: string[] = []): Actor => ({
  login: "u",
  permission,
  teams,
  isBot: false,
});
const may = (p: Policy, name: (typeof COMMAND_NAMES)[number], a: Actor) =>
  authorize({ kind: name } as never, a, p).kind === "allowed";

describe("defaultPolicy", () => {
  it("is the built-in defaults: deploy needs maintain, no mount source allowed", () => {
    const d = defaultPolicy();
    expect(may(d, "deploy", who("write"))).toBe(false);
    expect(may(d, "deploy", who("maintain"))).toBe(true);
    expect(d.mounts.allowedSources).toEqual([]);
  });
});

describe("stricterPolicy", () => {
  it("keeps deploy at maintain when the new policy grants it to write", () => {
    const after = policy({ commands: { deploy: { permission: "write" } } });
    const p = stricterPolicy(defaultPolicy(), after);
    expect(may(p, "deploy", who("write"))).toBe(false);
    expect(may(p, "deploy", who("maintain"))).toBe(true);
  });

  it("keeps only teams both rules name, and the higher permission", () => {
    expect(
      stricterRule(
        { permission: "admin", teams: ["org/ops", "org/a"] },
        { permission: "write", teams: ["ORG/OPS"] },
      ),
    ).toEqual({ permission: "admin", teams: ["org/ops"] });
    expect(stricterRule({ teams: ["org/ops"] }, { permission: "read", teams: [] })).toEqual({ teams: [] });
  });

  it("allows mount sources only where both do, unions masks, and takes the more careful rollout", () => {
    const a = policy({
      mounts: { allowedSources: ["/srv", "/data/a"] },
      masks: { files: ["/etc/a"] },
      rollout: { concurrency: 4, canary: 2 },
    });
    const b = policy({
      mounts: { allowedSources: ["/srv/web", "/data"] },
      masks: { dirs: ["/srv/b"] },
      deployKeyPath: "/root/.ssh/other",
      rollout: { concurrency: 20, maxFailures: 3 },
    });
    const p = stricterPolicy(a, b);
    expect(p.mounts.allowedSources).toEqual(["/data/a", "/srv/web"]);
    expect(p.masks).toEqual({ files: ["/etc/a", "/root/.ssh/authorized_keys"], dirs: ["/srv/b"] });
    expect(p.deployKeyPath).toBe("/root/.ssh/other");
    expect(p.rollout).toMatchObject({ concurrency: 4, canary: 2, maxFailures: 0 });
  });

  it("lets through nobody either policy refuses, whatever the two policies say (property)", () => {
    const perm = fc.constantFrom(...PERMISSION_LEVELS);
    const team = fc.constantFrom("org/ops", "org/dev", "ORG/OPS");
    const rule = fc.record(
      { permission: perm, teams: fc.array(team, { maxLength: 2 }) },
      { requiredKeys: [] },
    );
    const path = fc.constantFrom("/", "/srv", "/srv/a", "/srv/ab", "/data", "/data/x");
    const pol = fc
      .record({
        commands: fc.dictionary(fc.constantFrom(...COMMAND_NAMES), rule, { maxKeys: 5 }),
        mounts: fc.record({ allowedSources: fc.array(path, { maxLength: 3 }) }),
      })
      .map(policy);
    const actor = fc.record({
      login: fc.constant("u"),
      permission: perm,
      teams: fc.subarray(["org/ops", "org/dev"]),
      isBot: fc.constant(false),
    });
    fc.assert(
      fc.property(pol, pol, actor, path, (a, b, who, source) => {
        const p = stricterPolicy(a, b);
        for (const name of COMMAND_NAMES)
          if (may(p, name, who)) expect(may(a, name, who) && may(b, name, who)).toBe(true);
        const allowedIn = (q: Policy) => q.mounts.allowedSources.some((s) => isSameOrUnder(source, s));
        if (allowedIn(p)) expect(allowedIn(a) && allowedIn(b)).toBe(true);
        // and nothing both allow is lost for mounts
        if (allowedIn(a) && allowedIn(b)) expect(allowedIn(p)).toBe(true);
      }),
      { seed: 7042, numRuns: 500 },
    );
  });
});

describe("pushPolicy", () => {
  const writers = policy({
    commands: { deploy: { permission: "write" } },
    mounts: { allowedSources: ["/srv"] },
  });
  it("judges who may deploy by the stricter of before and after; a missing before is the defaults", () => {
    expect(may(pushPolicy(undefined, writers), "deploy", who("write"))).toBe(false);
    const admins = policy({ commands: { deploy: { permission: "admin" } } });
    expect(may(pushPolicy(admins, writers), "deploy", who("maintain"))).toBe(false);
    expect(may(pushPolicy(writers, writers), "deploy", who("write"))).toBe(true);
  });

  it("in a server pool, a missing before is the pool's rules, never looser than the defaults", () => {
    expect(may(pushPolicy(undefined, writers, writers), "deploy", who("write"))).toBe(false);
    const admins = policy({ commands: { deploy: { permission: "admin" } } });
    expect(may(pushPolicy(undefined, admins, admins), "deploy", who("maintain"))).toBe(false);
  });

  it("takes mounts, masks and rollout from the push itself", () => {
    expect(pushPolicy(undefined, writers).mounts.allowedSources).toEqual(["/srv"]);
  });
});

describe("commonPrefixes", () => {
  it("compares whole path components", () => {
    expect(commonPrefixes(["/srv/a"], ["/srv/ab"])).toEqual([]);
    expect(commonPrefixes(["/"], ["/srv"])).toEqual(["/srv"]);
  });
});
