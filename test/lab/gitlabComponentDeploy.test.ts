import { readFileSync, rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { COMMAND, component, fixtureRepository, gitlabState, runJob } from "../gitlab/ciJobs.js";
import { labSkipReason, takeLabTestLock } from "./labFixture.js";
import { startUpgradeLab, type UpgradeLab, webDefinition } from "./upgradeFixture.js";

// End to end: the component's deploy job, its script: lines run as a runner runs them (a fresh
// clone of the project at the merged commit, the CI_* variables of a default-branch push
// pipeline, the deploy key as a File variable), GitLab's API behind nock in the job's process,
// and REAL SSH to the lab: the merged definition ends up running on the pool, and the report
// is on the merged merge request.
describe
  .skipIf(labSkipReason !== undefined)
  .sequential("the GitLab component's deploy job, on the lab", () => {
    let release: () => void = () => {};
    let lab: UpgradeLab;
    const repo = fixtureRepository();

    beforeAll(async () => {
      release = await takeLabTestLock();
      lab = await startUpgradeLab("gitlab-deploy", 1);
    }, 600_000);

    afterAll(async () => {
      await lab?.close();
      release();
      rmSync(repo.dir, { recursive: true, force: true });
    }, 120_000);

    it("deploys the merged commit as a Maintainer's merge, and reports on the merged MR", async () => {
      // The lab's pool and policy, with definitions under containers/ as in a project of its own.
      const config = readFileSync(
        lab.configCopy("gitlab", (raw) => {
          raw.policy = { ...raw.policy, definitionsPath: "containers" };
        }),
        "utf8",
      );
      const before = repo.commit("master", { ".gitlab/hostroot.yml": config });
      const merged = repo.commit("master", { "containers/web-ci.yml": stringify(webDefinition("web-ci")) });
      const job = component({ command: COMMAND }).jobs["hostroot-deploy"];
      if (!job) throw new Error("no hostroot-deploy job");
      const state = gitlabState(40);
      state.commitMergeRequests = [
        [
          merged,
          [{ iid: 3, state: "merged", merge_commit_sha: merged, source_project_id: 5, target_project_id: 5 }],
        ],
      ];
      const run = runJob(
        job,
        repo.origin,
        merged,
        {
          CI_PIPELINE_SOURCE: "push",
          CI_COMMIT_BRANCH: "master",
          CI_COMMIT_BEFORE_SHA: before,
          HOSTROOT_GITLAB_TOKEN: "glpat-test",
          HOSTROOT_SSH_KEY: lab.info.privateKeyPath,
        },
        state,
      );
      expect(run.code, run.log).toBe(0);
      expect(state.unknown).toEqual([]);
      const host = lab.hosts[0]?.name as string;
      const running = await lab.sh(host, ["lxc-info", "-n", "web-ci", "-s"]);
      expect(running).toMatch(/RUNNING/);
      const [, notes] = state.notes.find(([k]) => k === "merge_requests/3") ?? [];
      expect(notes?.[0]?.body).toContain("deploy succeeded");
      console.log(
        `GitLab API calls, deploy job:\n${state.calls.map((c) => `${c.method} ${c.path.replace(/^\/api\/v4/, "")}`).join("\n")}\n\nlog:\n${run.log}`,
      );
    }, 300_000);
  });
