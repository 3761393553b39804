import path from "node:path";
import type { Command } from "commander";
import { GITLAB_CONFIG_PATH } from "../gitlab/gitlabApi.js";
import { NotInGitlabJob } from "../gitlab/gitlabCiEnv.js";
import { gitlabDeployJob } from "../gitlab/gitlabDeployJob.js";
import { gitlabMergeRequestJob } from "../gitlab/gitlabMergeRequestJob.js";
import { type CliIo, EXIT } from "./cliIo.js";

/**
 * `hostroot gitlab merge-request` and `hostroot gitlab deploy`: the jobs of the GitLab CI/CD
 * component (templates/hostroot.yml), reading the job's `CI_*` variables. Outside a GitLab job
 * they exit 2 naming the missing variable.
 */
export function registerGitlabCommands(program: Command, io: CliIo, result: { code: number }): void {
  const gitlab = program.command("gitlab").description("the jobs of the GitLab CI/CD component");
  const run = async (job: () => Promise<number>) => {
    try {
      result.code = await job();
    } catch (error) {
      if (!(error instanceof NotInGitlabJob)) throw error;
      io.stderr(`hostroot gitlab: ${error.message}\n`);
      result.code = EXIT.usage;
    }
  };
  gitlab
    .command("merge-request")
    .description(
      "validate a merge request against the default branch's policy; Code Quality and JUnit reports, the plan as one MR note",
    )
    .option("-c, --config <file>", "pool and policy file, read from the default branch", GITLAB_CONFIG_PATH)
    .option("--codequality <file>", "where to write the Code Quality report", "gl-code-quality-report.json")
    .option("--junit <file>", "where to write the JUnit report", "hostroot-junit.xml")
    .action((opts: { config: string; codequality: string; junit: string }) =>
      run(() =>
        gitlabMergeRequestJob({
          root: path.resolve(io.cwd),
          ...opts,
          env: io.env,
          log: io.stdout,
        }),
      ),
    );
  gitlab
    .command("deploy")
    .description("deploy the default branch's pushed commit (a merge), as deploy on merge does")
    .option("-c, --config <file>", "pool and policy file", GITLAB_CONFIG_PATH)
    .option("--dry-run", "plan and report without changing a host")
    .action((opts: { config: string; dryRun?: boolean }) =>
      run(() =>
        gitlabDeployJob({
          root: path.resolve(io.cwd),
          config: opts.config,
          env: io.env,
          log: io.stdout,
          ...(opts.dryRun ? { dryRun: true } : {}),
        }),
      ),
    );
}
