import { afterEach, describe, expect, it } from "vitest";
import { permissionFromAccessLevel } from "../../src/core/gitlabAccessLevel.js";
import { FakeExecutor, STATUS_EMPTY, serverConfigOf } from "../github/commandHarness.js";
import { definition, serverConfig } from "../github/fixtures.js";
import { mrNote, PROJECT } from "./fakeGitlab.js";
import { GITLAB_SERVER, gitlabServer, PROJECT_CONFIG } from "./gitlabHarness.js";

const ROOT_USER = 1;
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

/** What a note by a member at `level` gets for `command`: the reactions, in order. */
async function reactions(
  level: number | undefined,
  command: string,
  groups: Record<string, number> = {},
  server = GITLAB_SERVER,
) {
  const executor = new FakeExecutor(() => STATUS_EMPTY);
  const s = await gitlabServer({ executor: () => executor, server });
  close = s.close;
  s.fake.files = { ".gitlab/hostroot.yml": PROJECT_CONFIG, "containers/web.yml": definition("web") };
  if (level !== undefined) s.fake.members.set(ROOT_USER, { access_level: level });
  for (const [group, l] of Object.entries(groups)) s.fake.groups.set(group, new Map([[ROOT_USER, l]]));
  await s.deliver(mrNote(command));
  await s.settle();
  await close();
  close = undefined;
  return {
    awards: s.fake.awards.map((a) => a.name),
    execs: executor.execs.length,
    notes: s.fake.thread("merge_requests/1"),
    calls: s.fake.lines(),
  };
}

const LEVELS: Array<[string, number | undefined]> = [
  ["not a member", undefined],
  ["Minimal Access", 5],
  ["Guest", 10],
  ["Planner", 15],
  ["Reporter", 20],
  ["Developer", 30],
  ["Maintainer", 40],
  ["Owner", 50],
];
// The defaults: /status needs triage, /restart maintain, /upgrade-hosts admin.
const EXPECTED: Record<string, [boolean, boolean, boolean]> = {
  "not a member": [false, false, false],
  "Minimal Access": [false, false, false],
  Guest: [false, false, false],
  Planner: [false, false, false],
  Reporter: [true, false, false],
  Developer: [true, false, false],
  Maintainer: [true, true, false],
  Owner: [true, true, true],
};

describe("authorization by GitLab access level (inherited membership included)", () => {
  it("maps each role onto the policy's levels", () => {
    expect(
      LEVELS.map(([role, l]) => [role, l === undefined ? "none" : permissionFromAccessLevel(l)]),
    ).toEqual([
      ["not a member", "none"],
      ["Minimal Access", "none"],
      ["Guest", "read"],
      ["Planner", "read"],
      ["Reporter", "triage"],
      ["Developer", "write"],
      ["Maintainer", "maintain"],
      ["Owner", "admin"],
    ]);
  });

  for (const [role, level] of LEVELS)
    it(`${role}: /status, /restart --all, /upgrade-hosts as the default policy says, refused before 👀 or SSH`, async () => {
      const got: boolean[] = [];
      for (const command of ["/status", "/restart --all", "/upgrade-hosts demo-libfoo --dry-run"]) {
        const r = await reactions(level, command);
        const ran = r.awards[0] === "eyes";
        got.push(ran);
        if (!ran) {
          expect(r.awards).toEqual(["thumbsdown"]);
          expect(r.execs).toBe(0);
          expect(r.notes[0]?.body).toMatch(/did not run .*needs \w+ permission/s);
          expect(r.calls).toContain("GET /projects/5/members/all/1");
        }
      }
      expect(got).toEqual(EXPECTED[role]);
    });

  it("a Developer in a group the policy names in `teams` may run /upgrade-hosts; in another group, not", async () => {
    // Teams are the operator's to grant (the server config's pool policy); a project may only drop them.
    const server = serverConfigOf(
      serverConfig(
        undefined,
        `[gitlab:${PROJECT.path}]`,
        "      commands:\n        upgrade-hosts: { permission: admin, teams: [acme/ops] }\n",
      ),
    );
    const member = await reactions(30, "/upgrade-hosts demo-libfoo --dry-run", { "acme/ops": 30 }, server);
    expect(member.awards[0]).toBe("eyes");
    expect(member.calls).toContain("GET /groups/acme%2Fops/members/all/1");
    const other = await reactions(30, "/upgrade-hosts demo-libfoo --dry-run", { "acme/dev": 30 }, server);
    expect(other.awards).toEqual(["thumbsdown"]);
  });
});
