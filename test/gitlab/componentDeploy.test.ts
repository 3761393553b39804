import { rmSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { CONFIG, definition } from "../github/fixtures.js";
import { COMMAND, component, fixtureRepository, gitlabState, runJob } from "./ciJobs.js";

const repo = fixtureRepository();
afterAll(() => rmSync(repo.dir, { recursive: true, force: true }));
const CFG = ".gitlab/hostroot.yml";
const job = component({ command: COMMAND }).jobs["hostroot-deploy"];

describe("the component's deploy job", () => {
  const before = repo.commit("master", { [CFG]: CONFIG, "containers/web.yml": definition("web") });
  const merged = repo.commit("master", { "containers/api.yml": definition("api") });
  const push = {
    CI_PIPELINE_SOURCE: "push",
    CI_COMMIT_BRANCH: "master",
    CI_COMMIT_BEFORE_SHA: before,
    HOSTROOT_GITLAB_TOKEN: "glpat-test",
    // A File variable: the path of the key. Never read here: nobody gets that far.
    HOSTROOT_SSH_KEY: "/nonexistent/hostroot-deploy-key",
  };

  it("a Developer's merge is refused by the deploy rule (maintain), with the reason on the merged MR and in the log", () => {
    if (!job) throw new Error("no hostroot-deploy job");
    const state = gitlabState(30);
    state.commitMergeRequests = [
      [
        merged,
        [{ iid: 3, state: "merged", merge_commit_sha: merged, source_project_id: 5, target_project_id: 5 }],
      ],
    ];
    const run = runJob(job, repo.origin, merged, push, state);
    expect(run.code, run.log).toBe(1);
    expect(run.log).toContain("did not deploy");
    expect(state.unknown).toEqual([]);
    expect(state.calls.map((c) => `${c.method} ${c.path.replace(/^\/api\/v4/, "")}`)).toEqual([
      "GET /projects/5/members/all/1",
      `GET /projects/5/repository/commits/${merged}/merge_requests`,
      "POST /projects/5/merge_requests/3/notes",
    ]);
    const [, notes] = state.notes.find(([k]) => k === "merge_requests/3") ?? [];
    expect(notes?.[0]?.body).toMatch(/did not deploy .*needs maintain permission/s);
  });

  it("refuses a push pipeline of another branch without an API call", () => {
    if (!job) throw new Error("no hostroot-deploy job");
    const state = gitlabState(50);
    const run = runJob(job, repo.origin, merged, { ...push, CI_COMMIT_BRANCH: "feature" }, state);
    expect(run.code).toBe(1);
    expect(run.log).toContain("deploys only pipelines of the default branch");
    expect(state.calls).toEqual([]);
  });
});
