import { afterEach, expect, it } from "vitest";
import { mrNote } from "../gitlab/fakeGitlab.js";
import { attackedServer } from "../gitlab/noteAttack.js";

let close: (() => Promise<void>) | undefined;
afterEach(() => close?.());

// Attack: a harmless note is approved of in the thread, then edited into a command; since GitLab
// 16.11 an edit sends a Note Hook with `object_attributes.action: "update"`.
it("an edited note (action update) makes no API call and runs nothing", async () => {
  const s = await attackedServer();
  close = s.close;
  const edited = mrNote("/upgrade-hosts demo-libfoo");
  edited.object_attributes.action = "update";
  expect(await s.deliver(edited)).toBe(202);
  await s.settle();
  expect(s.fake.calls).toEqual([]);
  expect(s.executor.execs).toEqual([]);
});
