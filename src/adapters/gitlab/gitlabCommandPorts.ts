import { splitMarkdown } from "../../core/markdown/splitMarkdown.js";
import { parseAppConfig } from "../../core/parseAppConfig.js";
import { repositoryAccess } from "../../core/repositoryAccess.js";
import { reachesHosts } from "../../core/slashCommands.js";
import type { CommandPorts, CommandReaction } from "../../ports/commandPorts.js";
import type { VcsClient } from "../../ports/vcsClient.js";
import { readConfigSource } from "../../workflows/readConfigSource.js";
import { throttledEditor } from "../../workflows/throttledEditor.js";
import { validatePullRequest } from "../../workflows/validatePullRequest.js";
import type { ConfigParser } from "../../workflows/validateSources.js";
import { validateSources } from "../../workflows/validateSources.js";
import { gitlabActorLookup } from "./gitlabActorLookup.js";
import { GITLAB_CONFIG_PATH, GITLAB_NOTE_LIMIT } from "./gitlabApi.js";
import type { GitlabNotes } from "./gitlabNoteThread.js";
import type { GitlabCommandOptions } from "./gitlabOptions.js";

/** GitLab's award emoji names for hostroot's reactions. */
const AWARD: Record<CommandReaction, string> = {
  eyes: "eyes",
  rocket: "rocket",
  "-1": "thumbsdown",
  confused: "confused",
};

const FORK_DEPLOY =
  "this merge request comes from a fork, and hostroot never deploys from a fork's merge request. " +
  "`/deploy` deploys the default branch; run it in an issue or in a merge request of this project.";

/** The note being answered and the thread it is in, as the webhook delivered them. */
export interface GitlabNoteContext {
  project: { id: number; path_with_namespace: string; default_branch: string; web_url: string };
  userId: number;
  noteId: number;
  notes: GitlabNotes;
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
  vcs: VcsClient,
  options: GitlabCommandOptions,
): CommandPorts {
  const { api } = options;
  const { project, notes, mergeRequest } = note;
  const branch = project.default_branch;
  const access = repositoryAccess(options.server, project.path_with_namespace);
  const parseConfig: ConfigParser = (file, bytes) => parseAppConfig(file, bytes, access);
  const maxFiles = access.maxDefinitionFiles;
  const actor = gitlabActorLookup(api, project.id, note.userId);
  const reply = async (markdown: string) => {
    for (const body of splitMarkdown(markdown, GITLAB_NOTE_LIMIT)) await notes.create(body);
  };
  return {
    loadConfig: () => readConfigSource(vcs, branch, { configPath: GITLAB_CONFIG_PATH, parse: parseConfig }),
    permission: () => actor.permission(),
    memberOf: (teams) => actor.memberOf(teams),
    async refusal(command) {
      if (access.kind === "plan-only" && reachesHosts(command, { plansPullRequest: !!mergeRequest }))
        return `${access.reason}. \`/plan\` in a merge request still shows what merging it would change.`;
      if (command.kind === "deploy" && mergeRequest?.fromFork) return FORK_DEPLOY;
      return undefined;
    },
    reply,
    commentLimit: GITLAB_NOTE_LIMIT,
    async react(reaction) {
      await notes.award(note.noteId, AWARD[reaction]);
    },
    async openStatus(markdown) {
      const { id } = await notes.create(markdown);
      return throttledEditor((body) => notes.edit(id, body), {
        ...options.throttle,
        onError: (error) => options.log.warn({ err: error }, "hostroot: a progress edit failed"),
      });
    },
    async loadSources({ atCommit }) {
      // Deploys and plans are pinned to one commit, recorded on the hosts.
      const commit = atCommit ? (await api.Branches.show(project.id, branch)).commit.id : "";
      const outcome = await validateSources(vcs.sourceAt(commit || branch), {
        configPath: GITLAB_CONFIG_PATH,
        parseConfig,
        maxFiles,
      });
      return {
        commit,
        ...(outcome.config ? { config: outcome.config.value } : {}),
        definitions: outcome.definitions.map((d) => ({ file: d.file, definition: d.value })),
        errors: outcome.diagnostics.filter((d) => d.severity === "error").length,
      };
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
    audit(entry) {
      options.log.info(
        { audit: true, forge: "gitlab", ...entry },
        `audit: ${entry.command ?? "(no command)"} by ${entry.actor} in ${entry.repo}: ${entry.outcome}` +
          (entry.result ? ` (${entry.result})` : ""),
      );
    },
    operations: options.operations,
    limits: options.limits,
    ...(options.now ? { now: options.now } : {}),
  };
}
