import { createServer } from "node:http";
import path from "node:path";
import type { Command } from "commander";
import { NotInGitlabJob } from "../gitlab/gitlabCiEnv.js";
import { GITLAB_CONFIG_PATH, GITLAB_WEBHOOK_PATH } from "../gitlab/gitlabPaths.js";
import { type CliIo, EXIT } from "./cliIo.js";

/**
 * `hostroot gitlab merge-request` and `hostroot gitlab deploy`: the jobs of the GitLab CI/CD
 * component (templates/hostroot.yml), reading the job's `CI_*` variables. Outside a GitLab job
 * they exit 2 naming the missing variable. `hostroot gitlab serve`: the note-command webhook alone,
 * for a GitLab-only setup (no GitHub App), with the same variables and server config as `npm start`.
 * Their modules (the GitLab client, the server) load when one of them runs: every other command
 * starts without them.
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
      run(async () =>
        (await import("../gitlab/gitlabMergeRequestJob.js")).gitlabMergeRequestJob({
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
      run(async () =>
        (await import("../gitlab/gitlabDeployJob.js")).gitlabDeployJob({
          root: path.resolve(io.cwd),
          config: opts.config,
          env: io.env,
          log: io.stdout,
          ...(opts.dryRun ? { dryRun: true } : {}),
        }),
      ),
    );
  gitlab
    .command("serve")
    .description(
      `serve GitLab note commands on ${GITLAB_WEBHOOK_PATH} (HOSTROOT_GITLAB_* and HOSTROOT_SERVER_CONFIG)`,
    )
    .option("--port <port>", "port to listen on", io.env.PORT ?? "3000")
    .option("--host <host>", "address to listen on", io.env.HOST ?? "0.0.0.0")
    .action((opts: { port: string; host: string }) =>
      run(async () => {
        const [
          { operationLimitsFromEnv },
          { poolExecutor },
          { loadServerConfig },
          { gitlabServerEnv },
          { registerGitlab },
        ] = await Promise.all([
          import("../github/operationLimitsFromEnv.js"),
          import("../github/poolExecutor.js"),
          import("../github/serverConfig.js"),
          import("../gitlab/gitlabServerEnv.js"),
          import("../gitlab/registerGitlab.js"),
        ]);
        let settings: ReturnType<typeof gitlabServerEnv>;
        let server: ReturnType<typeof loadServerConfig>;
        let limits: ReturnType<typeof operationLimitsFromEnv>;
        try {
          settings = gitlabServerEnv(io.env);
          server = loadServerConfig(io.env);
          limits = operationLimitsFromEnv(io.env);
        } catch (error) {
          io.stderr(`${(error as Error).message}\n`);
          return EXIT.usage;
        }
        if (!settings) {
          io.stderr(
            "hostroot gitlab serve: set HOSTROOT_GITLAB_URL, HOSTROOT_GITLAB_TOKEN and HOSTROOT_GITLAB_WEBHOOK_SECRET\n",
          );
          return EXIT.usage;
        }
        const line = (level: string) => (obj: object, msg: string) =>
          io.stdout(
            `${JSON.stringify({ level, time: new Date().toISOString(), ...obj, msg }, errorFields)}\n`,
          );
        const handler = registerGitlab(settings, () => {}, {
          ...(server ? { server } : {}),
          executor: (config) => poolExecutor(config, server, io.env),
          throttle: { intervalMs: 2000 },
          botName: "hostroot",
          limits,
          log: { info: line("info"), warn: line("warn"), error: line("error") },
        });
        const http = createServer(async (req, res) => {
          if (!(await handler(req, res))) res.writeHead(404).end();
        });
        await new Promise<void>((listening) => http.listen(Number(opts.port), opts.host, listening));
        io.stderr(
          `hostroot: GitLab notes from ${settings.url} on http://${opts.host}:${opts.port}${GITLAB_WEBHOOK_PATH}\n`,
        );
        // Serves until the process is stopped.
        await new Promise<never>(() => {});
        return EXIT.ok;
      }),
    );
}

/** JSON.stringify replacer that keeps an error's message and stack. */
function errorFields(_key: string, value: unknown): unknown {
  return value instanceof Error ? { message: value.message, stack: value.stack } : value;
}
