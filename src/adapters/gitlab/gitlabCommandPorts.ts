import { parseAppConfig } from "../../core/parseAppConfig.js";
import { repositoryAccess } from "../../core/repositoryAccess.js";
import { GITLAB_PREFIX } from "../../core/repositoryGlob.js";
import { reachesHosts } from "../../core/slashCommands.js";
import type { CodeHost } from "../../ports/codeHost.js";
import type { CommandPorts } from "../../ports/commandPorts.js";
import { defaultBranchSources } from "../../workflows/defaultBranchSources.js";
import { readConfigSource } from "../../workflows/readConfigSource.js";
import { validatePullRequest } from "../../workflows/validatePullRequest.js";
import type { ConfigParser } from "../../workflows/validateSources.js";
import { validateSources } from "../../workflows/validateSources.js";
import { auditLog } from "../shared/auditLog.js";
import { GITLAB_CONFIG_PATH } from "./gitlabApi.js";
import type { GitlabCommandOptions } from "./gitlabOptions.js";
import { gitlabVcsClient } from "./gitlabVcsClient.js";

const FORK_DEPLOY =
  "this merge request comes from a fork, and hostroot never deploys from a fork's merge request. " +
  "`/deploy` deploys the default branch; run it in an issue or in a merge request of this project.";

/** The note being answered and the thread it is in, as the webhook delivered them. */
export interface GitlabNoteContext {
  project: { id: number; path_with_namespace: string; default_branch: string; web_url: string };
  user: { id: number; username: string };
  noteId: number;
  /** The thread's number: the merge request's or the issue's `iid`. */
  iid: number;
  /** The merge request the note is on (absent for an issue): its head and whether it is a fork's. */
  mergeRequest?: { iid: number; headSha: string; fromFork: boolean };
}

/**
 * The ports of the command flow for one GitLab note, over GitLab's REST API: the same flow as a
 * GitHub comment (runCommand), with the config at `.gitlab/hostroot.yml` on the default branch,
 * permission from the member's access level, award emojis for reactions, and notes for replies
 * and the status. A project the server config binds no pool to gets every command that would
 * reach a host refused with the reason, and no executor is ever made for it.
 */
export function gitlabCommandPorts(
  note: GitlabNoteContext,
  host: CodeHost,
  options: GitlabCommandOptions,
): CommandPorts {
  const { project, mergeRequest, iid } = note;
  const login = note.user.username;
  const vcs = gitlabVcsClient(host);
  const branch = project.default_branch;
  // GitLab projects are bound as `gitlab:<path>`, never by a GitHub pattern of the same path.
  const access = repositoryAccess(options.server, `${GITLAB_PREFIX}${project.path_with_namespace}`);
  const parseConfig: ConfigParser = (file, bytes) => parseAppConfig(file, bytes, access);
  const maxFiles = access.maxDefinitionFiles;
  return {
    loadConfig: () => readConfigSource(vcs, branch, { configPath: GITLAB_CONFIG_PATH, parse: parseConfig }),
    permission: () => host.permission(login),
    memberOf: (teams) => host.memberOf(login, teams),
    async refusal(command) {
      if (access.kind === "plan-only" && reachesHosts(command, { plansPullRequest: !!mergeRequest }))
        return `${access.reason}. \`/plan\` in a merge request still shows what merging it would change.`;
      if (command.kind === "deploy" && mergeRequest?.fromFork) return FORK_DEPLOY;
      return undefined;
    },
    async reply(markdown) {
      await host.comment(iid, markdown);
    },
    commentLimit: host.commentLimit,
    react: (reaction) => host.react(note.noteId, reaction),
    openStatus: (markdown) => host.progressComment(iid, markdown),
    async loadSources({ atCommit }) {
      // Deploys and plans are pinned to one commit, recorded on the hosts.
      const commit = atCommit ? await host.resolveBranch(branch) : "";
      const outcome = await validateSources(vcs.sourceAt(commit || branch), {
        configPath: GITLAB_CONFIG_PATH,
        parseConfig,
        maxFiles,
      });
      return defaultBranchSources(commit, outcome);
    },
    ...(mergeRequest
      ? {
          planPullRequest: async () => {
            await validatePullRequest(
              vcs,
              {
                number: mergeRequest.iid,
                headSha: mergeRequest.headSha,
                fromFork: mergeRequest.fromFork,
                defaultBranch: branch,
                repoUrl: project.web_url,
              },
              {
                configPath: GITLAB_CONFIG_PATH,
                parseConfig,
                maxFiles,
                ...(access.kind === "plan-only" ? { planOnly: access.reason } : {}),
              },
            );
          },
        }
      : {}),
    executor(config) {
      if (access.kind === "plan-only") throw new Error(access.reason);
      return options.executor(config);
    },
    audit: auditLog(options.log, { forge: "gitlab" }),
    operations: options.operations,
    limits: options.limits,
    ...(options.now ? { now: options.now } : {}),
  };
}
