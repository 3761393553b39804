import { afterEach, expect, it } from "vitest";
import { fixture, mrNote, type NoteFixture } from "../gitlab/fakeGitlab.js";
import { attackedServer } from "../gitlab/noteAttack.js";

let close: (() => Promise<void>) | undefined;
afterEach(() => close?.());

// Attack: someone creates a project of their own on the instance (or in a group the webhook
// covers), adds hostroot's webhook and a config naming the operator's pool, and types a command
// there, as the project's Owner. The server config binds pools to projects by path; theirs is not one.
it("a note in a project the server config binds no pool to is refused with the reason, and nothing connects", async () => {
  const s = await attackedServer();
  close = s.close;
  const note = mrNote("/upgrade-hosts demo-libfoo");
  const other = fixture<NoteFixture>("note-merge-request").project;
  note.project = { ...other, path_with_namespace: "mallory/gitlab-test" };
  expect(await s.deliver(note)).toBe(202);
  await s.settle();
  expect(s.executor.execs).toEqual([]);
  expect(s.fake.awards.map((a) => a.name)).toEqual(["thumbsdown"]);
  expect(s.fake.thread("merge_requests/1")[0]?.body).toMatch(/did not run .*no pool/s);
});

it("a payload whose note belongs to another project than the hook's is dropped before any call", async () => {
  const s = await attackedServer();
  close = s.close;
  const note = mrNote("/upgrade-hosts demo-libfoo");
  note.object_attributes.project_id = 6;
  expect(await s.deliver(note)).toBe(202);
  await s.settle();
  expect(s.fake.calls).toEqual([]);
});

// Attack: the server config binds GitHub's `gitlab-org/gitlab-test` to a pool; someone who owns
// the namespace `gitlab-org` on the GitLab instance creates a project of the same path there.
it("a GitHub repository's binding never reaches a GitLab project of the same path", async () => {
  const { serverConfigOf } = await import("../github/commandHarness.js");
  const { serverConfig } = await import("../github/fixtures.js");
  const { PROJECT } = await import("../gitlab/fakeGitlab.js");
  const s = await attackedServer(50, {
    server: serverConfigOf(serverConfig(undefined, `[${PROJECT.path}]`)),
  });
  close = s.close;
  expect(await s.deliver(mrNote("/upgrade-hosts demo-libfoo"))).toBe(202);
  await s.settle();
  expect(s.executor.execs).toEqual([]);
  expect(s.fake.awards.map((a) => a.name)).toEqual(["thumbsdown"]);
  expect(s.fake.thread("merge_requests/1")[0]?.body).toMatch(
    /no pool of hosts to gitlab:gitlab-org\/gitlab-test/,
  );
});
