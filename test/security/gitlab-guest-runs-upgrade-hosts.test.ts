import { afterEach, expect, it } from "vitest";
import { mrNote } from "../gitlab/fakeGitlab.js";
import { attackedServer } from "../gitlab/noteAttack.js";

let close: (() => Promise<void>) | undefined;
afterEach(() => close?.());

// Attack: on a public or internal project anyone can comment, and a Guest (or a Developer) asks
// for a rolling upgrade and restart of every container on the pool.
it("a Guest's and a Developer's /upgrade-hosts get a reply saying admin is needed and 👎, before any 👀 or SSH", async () => {
  for (const level of [10, 30]) {
    const s = await attackedServer(level);
    close = s.close;
    expect(await s.deliver(mrNote("/upgrade-hosts demo-libfoo"))).toBe(202);
    await s.settle();
    expect(s.executor.execs).toEqual([]);
    expect(s.fake.awards.map((a) => a.name)).toEqual(["thumbsdown"]);
    expect(s.fake.thread("merge_requests/1")[0]?.body).toContain("needs admin permission");
    await s.close();
    close = undefined;
  }
});
