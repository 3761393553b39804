import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CONFIG, definition, hidingUsr } from "../github/fixtures.js";
import { COMMAND, component, fixtureRepository, gitlabState, runJob } from "./ciJobs.js";

const repo = fixtureRepository();
afterAll(() => rmSync(repo.dir, { recursive: true, force: true }));
const CFG = ".gitlab/hostroot.yml";
const MR_PIPELINE = {
  CI_PIPELINE_SOURCE: "merge_request_event",
  CI_MERGE_REQUEST_IID: "1",
  CI_MERGE_REQUEST_PROJECT_ID: "5",
  CI_MERGE_REQUEST_SOURCE_PROJECT_ID: "5",
  HOSTROOT_GITLAB_TOKEN: "glpat-test",
};

describe("the CI/CD component (templates/hostroot.yml)", () => {
  const { spec, jobs } = component({ command: COMMAND });

  it("declares its inputs with defaults and runs hostroot from npm at a pinned version", () => {
    expect(Object.keys(spec).sort()).toEqual([
      "command",
      "config",
      "deploy-stage",
      "environment",
      "image",
      "validate-stage",
    ]);
    expect(spec.command?.default).toMatch(/^npx --yes hostroot@\d+\.\d+\.\d+$/);
    expect(component().jobs["hostroot-deploy"]?.environment).toEqual({ name: "hostroot", action: "start" });
  });

  it("validates only in merge request pipelines and deploys only in push pipelines of the default branch, one at a time", () => {
    expect(jobs["hostroot-validate"]?.rules).toEqual([
      { if: '$CI_PIPELINE_SOURCE == "merge_request_event"' },
    ]);
    expect(jobs["hostroot-validate"]?.artifacts).toEqual({
      when: "always",
      reports: { codequality: "gl-code-quality-report.json", junit: "hostroot-junit.xml" },
    });
    const deploy = jobs["hostroot-deploy"];
    expect(deploy?.rules).toEqual([
      { if: '$CI_PIPELINE_SOURCE == "push" && $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH' },
    ]);
    expect(deploy?.resource_group).toBe("hostroot-hostroot");
  });

  it("a merge request pipeline: errors fail the job, the Code Quality report points at their lines, one MR note is created then edited", async () => {
    repo.commit("master", { [CFG]: CONFIG, "containers/web.yml": definition("web") });
    // The merge request tries a looser policy of its own: never read.
    const broken = repo.commit(
      "feature",
      { "containers/bad.yml": hidingUsr("bad", 2), [CFG]: CONFIG.replace("[/srv]", "[/]") },
      "master",
    );
    const state = gitlabState();
    const job = jobs["hostroot-validate"];
    if (!job) throw new Error("no hostroot-validate job");
    const first = runJob(job, repo.origin, broken, MR_PIPELINE, state);
    expect(first.code, first.log).toBe(1);
    const report = JSON.parse(readFileSync(path.join(first.clone, "gl-code-quality-report.json"), "utf8"));
    expect(
      report.map((i: { location: { path: string; lines: { begin: number } }; check_name: string }) => [
        i.location.path,
        i.location.lines.begin,
        i.check_name,
      ]),
    ).toEqual([
      ["containers/bad.yml", 5, "hide/system-path"],
      ["containers/bad.yml", 6, "hide/system-path"],
    ]);
    const junit = readFileSync(path.join(first.clone, "hostroot-junit.xml"), "utf8");
    expect(junit).toMatch(/name="containers\/bad.yml">\s*<failure type="hide\/system-path"/);
    expect(junit).toContain("<failure");
    expect(state.unknown).toEqual([]);
    const lines = () => state.calls.map((c) => `${c.method} ${c.path.replace(/^\/api\/v4/, "")}`);
    expect(lines()).toEqual([
      "GET /user",
      "GET /projects/5/merge_requests/1/notes?per_page=100",
      "POST /projects/5/merge_requests/1/notes",
    ]);
    const [, notes] = state.notes.find(([k]) => k === "merge_requests/1") ?? [];
    expect(notes).toHaveLength(1);
    expect(notes?.[0]?.body).toMatch(/^<!-- hostroot:plan -->\n/);

    // A push fixing it, and deleting web: the same note is edited, the destroy called out.
    const fixed = repo.commit("feature", {
      "containers/bad.yml": definition("bad"),
      "containers/web.yml": null,
      [CFG]: CONFIG,
    });
    state.calls = [];
    const second = runJob(job, repo.origin, fixed, MR_PIPELINE, state);
    expect(second.code, second.log).toBe(0);
    expect(JSON.parse(readFileSync(path.join(second.clone, "gl-code-quality-report.json"), "utf8"))).toEqual(
      [],
    );
    expect(lines()).toEqual([
      "GET /user",
      "GET /projects/5/merge_requests/1/notes?per_page=100",
      `PUT /projects/5/merge_requests/1/notes/${notes?.[0]?.id}`,
    ]);
    const [, after] = state.notes.find(([k]) => k === "merge_requests/1") ?? [];
    expect(after).toHaveLength(1);
    const note = after?.[0]?.body ?? "";
    expect(note).toContain("[!CAUTION]");
    expect(note).toMatch(/destroy.*web/);
    expect(note).toMatch(/create.*bad/);
    console.log(
      `API calls, MR pipeline (first run, then a push):\n${lines().join("\n")}\n\nMR note:\n${note}`,
    );
  });
});
