import { describe, expect, it } from "vitest";
import type { PermissionLevel } from "../../src/core/configSchema.js";
import { configSchema } from "../../src/core/configSchema.js";
import type { SlashCommand } from "../../src/core/slashCommands.js";
import { authorizeActor } from "../../src/workflows/authorizeActor.js";

const policy = (commands: object) =>
  configSchema.parse({
    apiVersion: "hostroot/v1",
    pool: {
      platforms: {
        "debian-12": { hosts: [{ name: "h1", address: "192.0.2.1", hostKey: "ssh-ed25519 AAAA" }] },
      },
    },
    policy: { commands },
  }).policy;

/** A lookup that records which questions were asked, so the test sees the API calls saved. */
function lookup(permission: PermissionLevel, teams: string[]) {
  const asked: string[] = [];
  return {
    asked,
    permission: async () => {
      asked.push("permission");
      return permission;
    },
    memberOf: async (wanted: readonly string[]) => {
      asked.push(`teams:${wanted.join(",")}`);
      return wanted.filter((t) => teams.includes(t));
    },
  };
}

const upgrade: SlashCommand = { kind: "upgrade-hosts", packages: [{ name: "libc6" }], dryRun: false };

describe("authorizeActor", () => {
  it("asks for teams only when the permission alone is not enough", async () => {
    const admin = lookup("admin", ["ops"]);
    const ok = await authorizeActor(
      upgrade,
      { login: "a", isBot: false },
      policy({ "upgrade-hosts": { permission: "admin", teams: ["ops"] } }),
      admin,
    );
    expect(ok.auth.kind).toBe("allowed");
    expect(admin.asked).toEqual(["permission"]);

    const writer = lookup("write", ["ops"]);
    const viaTeam = await authorizeActor(
      upgrade,
      { login: "w", isBot: false },
      policy({ "upgrade-hosts": { permission: "admin", teams: ["ops"] } }),
      writer,
    );
    expect(viaTeam.auth.kind).toBe("allowed");
    expect(viaTeam.actor.teams).toEqual(["ops"]);
    expect(writer.asked).toEqual(["permission", "teams:ops"]);
  });

  it("never looks up teams when the rule names none, and denies with what is needed", async () => {
    const writer = lookup("write", ["ops"]);
    const out = await authorizeActor(upgrade, { login: "w", isBot: false }, policy({}), writer);
    expect(out.auth).toMatchObject({ kind: "denied", needed: expect.stringContaining("admin") });
    expect(writer.asked).toEqual(["permission"]);
  });

  it("denies bots without a single lookup, for merges too", async () => {
    const bot = lookup("admin", ["ops"]);
    const out = await authorizeActor("deploy-on-merge", { login: "ci[bot]", isBot: true }, policy({}), bot);
    expect(out.auth.kind).toBe("denied");
    expect(bot.asked).toEqual([]);
  });
});
