import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  COMMENT_ID,
  commandProbot,
  commentPayload,
  expectWrite,
  FakeExecutor,
  mockPermission,
  mockToken,
  mockTree,
  REPO,
  STATUS_EMPTY,
  serverConfigOf,
  upgradeAnswer,
} from "./commandHarness.js";
import { blobSha, calls, github, resetGithub } from "./fakeGithub.js";
import { APP_CONFIG as CONFIG, serverConfig } from "./fixtures.js";

const CFG = ".github/hostroot.yml";
const ROLES = ["admin", "maintain", "write", "triage", "read", "none"] as const;
type Role = (typeof ROLES)[number];
const COMMANDS = {
  "upgrade-hosts": "/upgrade-hosts libc6",
  restart: "/restart web",
  status: "/status",
  affected: "/affected libc6",
  plan: "/plan",
  deploy: "/deploy",
  cancel: "/cancel",
} as const;
type Name = keyof typeof COMMANDS;

/**
 * Ops' own rules, in the server config's pool (a repository may only narrow them): upgrade-hosts
 * by team `ops` only, deploy by admins or team deployers, status by writers.
 */
const TEAMS_SERVER = serverConfig(
  undefined,
  undefined,
  `      commands:
        upgrade-hosts: { teams: [ops] }
        deploy: { permission: admin, teams: [Codertocat/deployers] }
        status: { permission: write }
`,
);

/** The least role allowed, or "team" when membership of `ops` (which the commenter has) allows anyone. */
const EXPECTED: Record<"default" | "teams", Record<Name, Role | "team">> = {
  default: {
    "upgrade-hosts": "admin",
    restart: "maintain",
    status: "triage",
    affected: "triage",
    plan: "triage",
    deploy: "maintain",
    cancel: "maintain",
  },
  teams: {
    "upgrade-hosts": "team",
    restart: "maintain",
    status: "write",
    affected: "triage",
    plan: "triage",
    deploy: "admin",
    cancel: "maintain",
  },
};
/** Team lookups the teams policy makes when the role alone is not enough. */
const TEAM_CALLS: Partial<Record<Name, { path: string; member: boolean }>> = {
  "upgrade-hosts": { path: "/orgs/Codertocat/teams/ops/memberships/Codertocat", member: true },
  deploy: { path: "/orgs/Codertocat/teams/deployers/memberships/Codertocat", member: false },
};

const allowed = (policy: "default" | "teams", name: Name, role: Role) => {
  const least = EXPECTED[policy][name];
  return least === "team" || ROLES.indexOf(role) <= ROLES.indexOf(least);
};

const unexpected: string[] = [];
nock.emitter.on("no match", (req: { method?: string; path?: string }) =>
  unexpected.push(`${req.method} ${req.path}`),
);
beforeEach(() => {
  resetGithub();
  unexpected.length = 0;
});
afterEach(() => {
  expect(unexpected).toEqual([]);
  expect(nock.pendingMocks()).toEqual([]);
  expect(nock.isDone()).toBe(true);
});

const cases = (["default", "teams"] as const).flatMap((policy) =>
  (Object.keys(COMMANDS) as Name[]).flatMap((name) =>
    ROLES.map((role) => ({ policy, name, role, ok: allowed(policy, name, role) })),
  ),
);

describe("who may run which command", () => {
  it.each(cases)("$policy policy: $role runs /$name → allowed: $ok", async ({ policy, name, role, ok }) => {
    const config = CONFIG;
    const executor = new FakeExecutor((_h, script) =>
      script.includes("::hostroot-status") ? STATUS_EMPTY : upgradeAnswer("libc6", []),
    );
    const { probot, operations, audits } = await commandProbot({
      executor: () => executor,
      ...(policy === "teams" ? { server: serverConfigOf(TEAMS_SERVER) } : {}),
    });
    mockToken();
    mockTree("master", { [CFG]: config }, [CFG]);
    mockPermission("Codertocat", role);
    const sync = [
      "POST /app/installations/1/access_tokens",
      `GET ${REPO}/git/trees/master?recursive=1`,
      `GET ${REPO}/git/blobs/${blobSha(config)}`,
      `GET ${REPO}/collaborators/Codertocat/permission`,
    ];
    const team = policy === "teams" ? TEAM_CALLS[name] : undefined;
    if (team && !(name === "deploy" && role === "admin")) {
      github()
        .get(team.path)
        .reply(
          team.member ? 200 : 404,
          team.member ? { state: "active", role: "member" } : { message: "Not Found" },
        );
      sync.push(`GET ${team.path}`);
    }
    const reactions = expectWrite(
      "POST",
      `${REPO}/issues/comments/${COMMENT_ID}/reactions`,
      { id: 1 },
      [],
      ok && name !== "cancel" ? 2 : 1,
    );
    const replies = expectWrite("POST", `${REPO}/issues/1/comments`, { id: 500 });
    if (ok && name !== "cancel") {
      expectWrite("PATCH", `${REPO}/issues/comments/500`, { id: 500 });
      if (name === "deploy" || name === "plan") {
        // Octokit encodes the ref's slash; GitHub accepts it.
        github()
          .get(`${REPO}/git/ref/heads%2Fmaster`)
          .reply(200, { object: { sha: "d".repeat(40) } });
        // The definitions directory exists and holds no definition yet: nothing to create.
        mockTree("d".repeat(40), { [CFG]: config, "containers/README.md": "Definitions go here.\n" }, []);
      }
    }

    await probot.receive({
      id: "m",
      name: "issue_comment",
      payload: commentPayload(COMMANDS[name]),
    } as never);
    await operations.idle();

    expect(calls.slice(0, sync.length)).toEqual(sync);
    if (ok) {
      if (name === "cancel") {
        expect(replies[0]?.body).toContain("nothing to cancel");
        expect(reactions.map((r) => r.content)).toEqual(["confused"]);
      } else {
        expect(reactions[0]?.content).toBe("eyes");
        expect(executor.execs.length).toBeGreaterThan(0);
        expect(replies[0]?.body).toContain("is running");
      }
      expect(audits()[0]?.outcome).not.toBe("denied");
    } else {
      expect(replies[0]?.body).toMatch(/did not run `\/[a-z-]+.*`: `\/[a-z-]+` needs .*\n\nNeeded: /);
      expect(replies[0]?.body).toContain(`You have ${role} permission`);
      expect(reactions.map((r) => r.content)).toEqual(["-1"]);
      expect(executor.execs).toEqual([]);
      expect(audits()).toMatchObject([{ outcome: "denied", permission: role }]);
    }
  });
});
