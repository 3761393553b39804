import { afterEach, expect, it } from "vitest";
import { mrNote } from "../gitlab/fakeGitlab.js";
import { attackedServer } from "../gitlab/noteAttack.js";

let close: (() => Promise<void>) | undefined;
afterEach(() => close?.());

// Attack: anyone who can reach the webhook URL posts a Note Hook "by" an Owner, guessing or
// leaving out the secret token, so that hostroot runs /upgrade-hosts as that Owner.
it("a note delivered with a wrong, near-miss, or missing X-Gitlab-Token gets 401 and runs nothing", async () => {
  const s = await attackedServer();
  close = s.close;
  const note = mrNote("/upgrade-hosts demo-libfoo");
  expect(await s.deliver(note, { "X-Gitlab-Event": "Note Hook", "X-Gitlab-Token": "guess" })).toBe(401);
  expect(
    await s.deliver(note, {
      "X-Gitlab-Event": "Note Hook",
      "X-Gitlab-Token": "f3a9c1e07b2d4c58a6e1b0d9c7f25e3",
    }),
  ).toBe(401);
  expect(
    await s.deliver(note, {
      "X-Gitlab-Event": "Note Hook",
      "X-Gitlab-Token": "f3a9c1e07b2d4c58a6e1b0d9c7f25e34f3",
    }),
  ).toBe(401);
  expect(await s.deliver(note, { "X-Gitlab-Event": "Note Hook" })).toBe(401);
  await s.settle();
  expect(s.fake.calls).toEqual([]);
  expect(s.executor.execs).toEqual([]);
  // The genuine token is accepted, so the refusals above are the token's doing.
  expect(await s.deliver(note)).toBe(202);
  await s.settle();
  expect(s.executor.execs.length).toBe(2);
});
