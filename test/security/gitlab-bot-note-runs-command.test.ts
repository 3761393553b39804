import { afterEach, expect, it } from "vitest";
import { mrNote, SELF } from "../gitlab/fakeGitlab.js";
import { attackedServer } from "../gitlab/noteAttack.js";

let close: (() => Promise<void>) | undefined;
afterEach(() => close?.());

// Attack: a bot user (a project or group access token, a service account) whose token sits in
// some CI job writes a command note; or hostroot's own reply, which quotes a command, is read back
// as one. A bot's membership is whatever its token was given, not a person's decision.
it("notes by project or group token bots, service accounts, and hostroot's own user run nothing", async () => {
  const s = await attackedServer();
  close = s.close;
  for (const username of ["project_5_bot_3f2a9c1d", "group_41_bot", "service_account_group_41_deploy"]) {
    const note = mrNote("/upgrade-hosts demo-libfoo");
    note.user.username = username;
    expect(await s.deliver(note)).toBe(202);
  }
  await s.settle();
  expect(s.fake.calls).toEqual([]);
  const own = mrNote("/upgrade-hosts demo-libfoo");
  own.user = { ...own.user, id: SELF.id, username: "hostroot-ops" };
  s.fake.members.set(SELF.id, { access_level: 50 });
  expect(await s.deliver(own)).toBe(202);
  await s.settle();
  // Only the lookup of hostroot's own user id: no config read, no permission, no award, no SSH.
  expect(s.fake.lines()).toEqual(["GET /user"]);
  expect(s.executor.execs).toEqual([]);
});
