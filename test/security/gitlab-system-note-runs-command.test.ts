import { afterEach, expect, it } from "vitest";
import { mrNote } from "../gitlab/fakeGitlab.js";
import { attackedServer } from "../gitlab/noteAttack.js";

let close: (() => Promise<void>) | undefined;
afterEach(() => close?.());

// Attack: GitLab writes system notes itself ("changed the description", "mentioned in commit …"),
// quoting text a person chose, such as a commit title or a branch name that reads "/upgrade-hosts
// demo-libfoo", under the name of whoever triggered it.
it("a system note makes no API call and runs nothing", async () => {
  const s = await attackedServer();
  close = s.close;
  const system = mrNote("/upgrade-hosts demo-libfoo");
  system.object_attributes.system = true;
  expect(await s.deliver(system)).toBe(202);
  await s.settle();
  expect(s.fake.calls).toEqual([]);
  expect(s.executor.execs).toEqual([]);
});
