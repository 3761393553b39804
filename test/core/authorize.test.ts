import { describe, expect, it } from "vitest";
import { type Actor, authorize } from "../../src/core/authorize.js";
import { type CommandName, configSchema, type PermissionLevel } from "../../src/core/configSchema.js";
import type { SlashCommand } from "../../src/core/slashCommands.js";

const LEVELS: PermissionLevel[] = ["none", "read", "triage", "write", "maintain", "admin"];

const COMMANDS: Record<CommandName, SlashCommand> = {
  "upgrade-hosts": { kind: "upgrade-hosts", packages: [{ name: "libc6" }], dryRun: false },
  restart: { kind: "restart", target: { kind: "all" } },
  status: { kind: "status" },
  affected: { kind: "affected", package: "openssl" },
  plan: { kind: "plan" },
  deploy: { kind: "deploy" },
  cancel: { kind: "cancel" },
  help: { kind: "help" },
};

const policyOf = (input: unknown) => configSchema.shape.policy.parse(input);
const defaultPolicy = policyOf(undefined);
const actor = (permission: PermissionLevel, teams: string[] = [], isBot = false): Actor => ({
  login: "alice",
  permission,
  teams,
  isBot,
});

/** Every (command, level) pair, with whether the level is in the command's allowed list. */
function matrix(
  allowed: Record<CommandName, PermissionLevel[]>,
): Array<[CommandName, PermissionLevel, boolean]> {
  return (Object.keys(allowed) as CommandName[]).flatMap((name) =>
    LEVELS.map((level): [CommandName, PermissionLevel, boolean] => [
      name,
      level,
      allowed[name].includes(level),
    ]),
  );
}

describe("authorize with the default policy", () => {
  const readers: PermissionLevel[] = ["read", "triage", "write", "maintain", "admin"];
  // Commands that reach the hosts: on a public repository every GitHub user has read.
  const triagers: PermissionLevel[] = ["triage", "write", "maintain", "admin"];
  const maintainers: PermissionLevel[] = ["maintain", "admin"];
  const cases = matrix({
    help: readers,
    status: triagers,
    affected: triagers,
    plan: triagers,
    deploy: maintainers,
    restart: maintainers,
    cancel: maintainers,
    "upgrade-hosts": ["admin"],
  });
  it.each(cases)("/%s by %s: allowed=%s", (name, level, allowed) => {
    const result = authorize(COMMANDS[name], actor(level, ["acme/ops"]), defaultPolicy);
    expect(result.kind).toBe(allowed ? "allowed" : "denied");
  });

  it("says which permission is needed and which the actor has", () => {
    const result = authorize(COMMANDS["upgrade-hosts"], actor("write"), defaultPolicy);
    expect(result).toEqual({
      kind: "denied",
      needed: "admin",
      reason:
        "`/upgrade-hosts` needs admin permission (or higher) on this repository. You have write permission.",
    });
  });

  it("judges a deploy on merge by the deploy rule", () => {
    expect(authorize("deploy-on-merge", actor("maintain"), defaultPolicy).kind).toBe("allowed");
    const denied = authorize("deploy-on-merge", actor("write"), defaultPolicy);
    expect(denied).toMatchObject({ kind: "denied", needed: "maintain" });
    expect(denied.kind === "denied" && denied.reason).toMatch(/^Deploying on merge needs maintain/);
  });
});

describe("authorize with a custom policy", () => {
  const policy = policyOf({
    commands: {
      "upgrade-hosts": { permission: "maintain", teams: ["acme/ops"] },
      deploy: { teams: ["acme/release", "acme/ops-leads"] },
      status: { permission: "write" },
      restart: {},
      cancel: { teams: [] },
    },
  });
  const readers: PermissionLevel[] = ["read", "triage", "write", "maintain", "admin"];
  const triagers: PermissionLevel[] = ["triage", "write", "maintain", "admin"];
  const allowedWithoutTeams = matrix({
    "upgrade-hosts": ["maintain", "admin"],
    deploy: [],
    status: ["write", "maintain", "admin"],
    restart: ["maintain", "admin"], // an empty rule keeps the default
    cancel: [], // no permission and no team: turned off
    help: readers,
    affected: triagers,
    plan: triagers,
  });
  it.each(allowedWithoutTeams)("/%s by %s outside any team: allowed=%s", (name, level, allowed) => {
    expect(authorize(COMMANDS[name], actor(level, ["acme/devs"]), policy).kind).toBe(
      allowed ? "allowed" : "denied",
    );
  });

  const allowedForOps = matrix({
    "upgrade-hosts": LEVELS,
    deploy: [],
    status: ["write", "maintain", "admin"],
    restart: ["maintain", "admin"],
    cancel: [],
    help: readers,
    affected: triagers,
    plan: triagers,
  });
  it.each(allowedForOps)("/%s by %s in acme/ops: allowed=%s", (name, level, allowed) => {
    expect(authorize(COMMANDS[name], actor(level, ["acme/ops"]), policy).kind).toBe(
      allowed ? "allowed" : "denied",
    );
  });

  it.each(LEVELS)("a team-only rule admits a release member with %s and nobody else", (level) => {
    expect(authorize(COMMANDS.deploy, actor(level, ["ACME/Release"]), policy).kind).toBe("allowed");
    expect(authorize("deploy-on-merge", actor(level, ["acme/ops-leads"]), policy).kind).toBe("allowed");
    expect(authorize(COMMANDS.deploy, actor(level, ["acme/releases"]), policy).kind).toBe("denied");
  });

  it("names the permission and the teams that would be needed", () => {
    expect(authorize(COMMANDS["upgrade-hosts"], actor("write"), policy)).toEqual({
      kind: "denied",
      needed: "maintain or team acme/ops",
      reason:
        "`/upgrade-hosts` needs maintain permission (or higher) on this repository or membership in the team " +
        "`acme/ops`. You have write permission and none of those teams.",
    });
    expect(authorize(COMMANDS.deploy, actor("admin"), policy)).toEqual({
      kind: "denied",
      needed: "team acme/release or acme/ops-leads",
      reason:
        "`/deploy` needs membership in one of the teams `acme/release`, `acme/ops-leads`. " +
        "You have admin permission and none of those teams.",
    });
    expect(authorize(COMMANDS.cancel, actor("admin"), policy)).toMatchObject({
      kind: "denied",
      needed: "nobody",
    });
  });
});

describe("authorize denies bots", () => {
  const generous = policyOf({ commands: { help: { permission: "none", teams: ["acme/bots"] } } });
  it.each(Object.keys(COMMANDS) as CommandName[])("/%s by an admin bot in every team", (name) => {
    const result = authorize(COMMANDS[name], actor("admin", ["acme/bots", "acme/ops"], true), generous);
    expect(result).toMatchObject({ kind: "denied", needed: "a person's account" });
  });

  it("also when only the login says [bot]", () => {
    const bot = { ...actor("admin"), login: "renovate[bot]" };
    expect(authorize(COMMANDS.status, bot, generous).kind).toBe("denied");
    expect(authorize("deploy-on-merge", bot, generous).kind).toBe("denied");
  });

  it("while a person with no permission may run a command opened to everyone", () => {
    expect(authorize(COMMANDS.help, actor("none"), generous).kind).toBe("allowed");
    expect(authorize(COMMANDS.help, actor("none"), defaultPolicy).kind).toBe("denied");
  });
});
