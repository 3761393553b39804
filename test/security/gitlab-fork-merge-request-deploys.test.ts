import { rmSync } from "node:fs";
import { afterAll, expect, it } from "vitest";
import { CONFIG, definition } from "../github/fixtures.js";
import { COMMAND, component, fixtureRepository, gitlabState, runJob } from "../gitlab/ciJobs.js";
import { mrNote } from "../gitlab/fakeGitlab.js";
import { attackedServer } from "../gitlab/noteAttack.js";

const repo = fixtureRepository();
afterAll(() => rmSync(repo.dir, { recursive: true, force: true }));

// Attack: a fork's merge request changes .gitlab-ci.yml or just waits for a maintainer to run
// its pipeline in the parent project (where the deploy key variable exists), and the deploy job
// runs the fork's definitions on the pool. Or someone types /deploy in the fork's merge request.
it("the deploy job refuses a fork's merge request pipeline before any API call or SSH", () => {
  repo.commit("master", { ".gitlab/hostroot.yml": CONFIG, "containers/web.yml": definition("web") });
  const fork = repo.commit("fork-branch", { "containers/evil.yml": definition("evil") }, "master");
  const job = component({ command: COMMAND }).jobs["hostroot-deploy"];
  if (!job) throw new Error("no hostroot-deploy job");
  const state = gitlabState(50);
  const run = runJob(
    job,
    repo.origin,
    fork,
    {
      CI_PIPELINE_SOURCE: "merge_request_event",
      CI_COMMIT_BRANCH: "master",
      CI_MERGE_REQUEST_IID: "4",
      CI_MERGE_REQUEST_PROJECT_ID: "5",
      CI_MERGE_REQUEST_SOURCE_PROJECT_ID: "77",
      HOSTROOT_GITLAB_TOKEN: "glpat-test",
      HOSTROOT_SSH_KEY: "-----BEGIN OPENSSH PRIVATE KEY-----\nnot a key\n-----END OPENSSH PRIVATE KEY-----\n",
    },
    state,
  );
  expect(run.code).toBe(1);
  expect(run.log).toContain("never deploys from a fork's merge request");
  expect(state.calls).toEqual([]);
});

it("/deploy typed in a fork's merge request is refused with the reason, before 👀 or SSH", async () => {
  const s = await attackedServer(50);
  try {
    const note = mrNote("/deploy");
    (note.merge_request as { source_project_id: number }).source_project_id = 77;
    expect(await s.deliver(note)).toBe(202);
    await s.settle();
    expect(s.executor.execs).toEqual([]);
    expect(s.fake.awards.map((a) => a.name)).toEqual(["thumbsdown"]);
    expect(s.fake.thread("merge_requests/1")[0]?.body).toContain("comes from a fork");
  } finally {
    await s.close();
  }
});
