import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { buildSync } from "esbuild";
import { parseAllDocuments } from "yaml";
import type { Call } from "./fakeGitlab.js";
import { GITLAB, PROJECT } from "./fakeGitlab.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
/**
 * The fake GitLab preloaded into the job's node processes, bundled to plain JavaScript once per
 * test process (next to node_modules, so its `nock` import resolves). Plain JavaScript because a
 * TypeScript loader hook in the job's processes (its worker thread) now and then left a job hung
 * at exit on a busy machine.
 */
const PRELOAD = path.join(
  ROOT,
  "node_modules/.cache/hostroot-test",
  `ciFakeGitlabPreload-${process.pid}.mjs`,
);
buildSync({
  entryPoints: [path.join(ROOT, "test/gitlab/ciFakeGitlabPreload.ts")],
  outfile: PRELOAD,
  bundle: true,
  platform: "node",
  format: "esm",
  packages: "external",
  logLevel: "error",
});
/** The component's `command` input under test: this checkout's built CLI (`npm run build`). */
export const COMMAND = `node ${path.join(ROOT, "bin/hostroot.js")}`;
/** A job line that hangs fails the test after this long instead of stalling the suite. */
const LINE_TIMEOUT_MS = 120_000;

/** One job of templates/hostroot.yml after input interpolation. */
export interface Job {
  stage: string;
  image: string;
  rules: Array<{ if: string }>;
  script: string[];
  artifacts?: { when: string; reports: Record<string, string> };
  environment?: { name: string; action: string };
  resource_group?: string;
  variables?: Record<string, string>;
}

/**
 * templates/hostroot.yml as GitLab reads it: the `spec:` document (inputs and their defaults), and
 * the jobs document with every `$[[ inputs.NAME ]]` replaced by the given or default value. An
 * input the spec does not declare is an error, as in GitLab.
 */
export function component(inputs: Record<string, string> = {}): {
  spec: Record<string, { default?: string }>;
  jobs: Record<string, Job>;
} {
  const text = readFileSync(path.join(ROOT, "templates/hostroot.yml"), "utf8");
  const [specDoc, jobsDoc] = text.split(/^---$/m);
  const spec = (
    (parseAllDocuments(specDoc as string)[0] as { toJS(): unknown }).toJS() as {
      spec: { inputs: Record<string, { default?: string }> };
    }
  ).spec.inputs;
  for (const name of Object.keys(inputs)) if (!(name in spec)) throw new Error(`unknown input ${name}`);
  const interpolated = (jobsDoc as string).replace(/\$\[\[\s*inputs\.([\w-]+)\s*\]\]/g, (_, name: string) => {
    const value = inputs[name] ?? spec[name]?.default;
    if (value === undefined) throw new Error(`input ${name} has no value`);
    return value;
  });
  return { spec, jobs: parseAllDocuments(interpolated)[0]?.toJS() as Record<string, Job> };
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, {
    cwd,
    encoding: "utf8",
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: "t",
      GIT_AUTHOR_EMAIL: "t@example.com",
      GIT_COMMITTER_NAME: "t",
      GIT_COMMITTER_EMAIL: "t@example.com",
    },
  }).trim();
}

/** A bare "GitLab" repository and a work repository to make commits in and push to it. */
export function fixtureRepository() {
  const dir = mkdtempSync(path.join(tmpdir(), "hostroot-gitlab-ci-"));
  const origin = path.join(dir, "origin.git");
  const work = path.join(dir, "work");
  git(dir, "init", "--quiet", "--bare", "--initial-branch=master", origin);
  git(dir, "init", "--quiet", "--initial-branch=master", work);
  git(work, "remote", "add", "origin", origin);
  /**
   * Commits `files` (content, or null to delete) on `branch` (made from `from` when given) and
   * pushes it; returns the commit.
   */
  let first = true;
  const commit = (branch: string, files: Record<string, string | null>, from?: string) => {
    if (from !== undefined) git(work, "checkout", "--quiet", "-B", branch, from);
    else if (!first) git(work, "checkout", "--quiet", branch);
    first = false;
    for (const [file, content] of Object.entries(files)) {
      const full = path.join(work, file);
      if (content === null) git(work, "rm", "--quiet", file);
      else {
        mkdirSync(path.dirname(full), { recursive: true });
        writeFileSync(full, content);
        git(work, "add", file);
      }
    }
    git(work, "commit", "--quiet", "-m", `change on ${branch}`);
    git(work, "push", "--quiet", "--force", "origin", `${branch}:${branch}`);
    return git(work, "rev-parse", "HEAD");
  };
  return { dir, origin, commit };
}

/** The API state the preloaded fake starts from, and what the jobs did to it. */
export interface GitlabState {
  members: Array<[number, { access_level: number }]>;
  commitMergeRequests: Array<[string, unknown[]]>;
  notes: Array<[string, Array<{ id: number; body: string; system: boolean; author: { id: number } }>]>;
  awards: unknown[];
  calls: Call[];
  unknown: string[];
}

/**
 * Runs `job` as a GitLab runner would: a fresh clone of `origin` checked out (detached) at `sha`,
 * each `script:` line through bash in order (stopping at the first failure, as a runner does),
 * with the `CI_*` variables a runner sets plus `variables`, GitLab's API answered by the fake with
 * `state` (written back into it). Returns the exit code, the log, and the clone's path.
 */
export function runJob(
  job: Job,
  origin: string,
  sha: string,
  variables: Record<string, string>,
  state: GitlabState,
): { code: number; log: string; clone: string } {
  const clone = mkdtempSync(path.join(tmpdir(), "hostroot-gitlab-build-"));
  git(clone, "clone", "--quiet", "--no-checkout", origin, ".");
  git(clone, "checkout", "--quiet", "--detach", sha);
  const stateFile = path.join(clone, "..", `${path.basename(clone)}-gitlab.json`);
  writeFileSync(stateFile, JSON.stringify(state));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    CI: "true",
    GITLAB_CI: "true",
    CI_SERVER_URL: GITLAB,
    CI_SERVER_HOST: new URL(GITLAB).hostname,
    CI_API_V4_URL: `${GITLAB}/api/v4`,
    CI_PROJECT_ID: String(PROJECT.id),
    CI_PROJECT_PATH: PROJECT.path,
    CI_PROJECT_URL: `${GITLAB}/${PROJECT.path}`,
    CI_PROJECT_DIR: clone,
    CI_DEFAULT_BRANCH: PROJECT.branch,
    CI_COMMIT_SHA: sha,
    GITLAB_USER_ID: "1",
    GITLAB_USER_LOGIN: "root",
    NODE_OPTIONS: `--import ${PRELOAD}`,
    HOSTROOT_TEST_GITLAB_STATE: stateFile,
    ...job.variables,
    ...variables,
  };
  let log = "";
  let code = 0;
  for (const line of job.script) {
    const r = spawnSync("bash", ["-eo", "pipefail", "-c", line], {
      cwd: clone,
      env,
      encoding: "utf8",
      timeout: LINE_TIMEOUT_MS,
    });
    if (r.error) log += `hostroot test: ${r.error.message}\n`;
    log += `$ ${line}\n${r.stdout}${r.stderr}`;
    code = r.status ?? 1;
    if (code !== 0) break;
  }
  Object.assign(state, JSON.parse(readFileSync(stateFile, "utf8")));
  return { code, log, clone };
}

/** A fresh API state: root (user 1) a member at `level`. */
export function gitlabState(level = 50): GitlabState {
  return {
    members: [[1, { access_level: level }]],
    commitMergeRequests: [],
    notes: [],
    awards: [],
    calls: [],
    unknown: [],
  };
}
