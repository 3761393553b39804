import { gitlabOwner } from "../../core/owner.js";
import { parseSlashCommand } from "../../core/parseSlashCommand.js";
import { type CommandOutcome, runCommand } from "../../workflows/runCommand.js";
import { gitlabCodeHost } from "./gitlabCodeHost.js";
import { gitlabCommandPorts } from "./gitlabCommandPorts.js";
import { GITLAB_BOT_USERNAME, gitlabNotePayload } from "./gitlabNotePayload.js";
import type { GitlabCommandOptions } from "./gitlabOptions.js";

/** Why a delivered note was dropped before the command flow, for logs and tests. */
export type NoteIgnored = { kind: "ignored"; why: string };

/**
 * One GitLab Note Hook, the GitLab skin of the command flow (runCommand). Dropped before any API
 * call: anything but a new note (an edited one never runs, so nobody changes an approved-looking
 * note after the fact), system notes, notes by bot users or by hostroot's own user, notes on
 * anything but a merge request or an issue, and a payload whose note is not in its project.
 * `selfId` is the token's user id (looked up once per process).
 */
export async function onGitlabNote(
  body: unknown,
  options: GitlabCommandOptions,
  selfId: () => Promise<number>,
): Promise<CommandOutcome | NoteIgnored> {
  const parsed = gitlabNotePayload.safeParse(body);
  if (!parsed.success) return { kind: "ignored", why: "not a note hostroot reads" };
  const payload = parsed.data;
  const { object_attributes: note, project, user } = payload;
  if (note.action !== undefined && note.action !== "create")
    return { kind: "ignored", why: `note ${note.action}: only new notes run commands` };
  if (note.system === true) return { kind: "ignored", why: "system note" };
  if (project.id !== payload.project_id || (note.project_id !== undefined && note.project_id !== project.id))
    return { kind: "ignored", why: "the note is not in the hook's project" };
  if (GITLAB_BOT_USERNAME.test(user.username)) return { kind: "ignored", why: "a bot's note" };
  const onMr = note.noteable_type === "MergeRequest" && payload.merge_request;
  const onIssue = note.noteable_type === "Issue" && payload.issue;
  if (!onMr && !onIssue) return { kind: "ignored", why: `a note on a ${note.noteable_type}` };
  // A note that holds no command line makes no API call at all (runCommand drops it first);
  // one that may hold one is checked against hostroot's own user before anything else.
  if (parseSlashCommand(note.note, { botName: options.botName }).kind === "ignore")
    return { kind: "ignored", why: "no command" };
  if (user.id === (await selfId())) return { kind: "ignored", why: "hostroot's own note" };

  const mr = payload.merge_request;
  const iid = onMr && mr ? mr.iid : (payload.issue?.iid as number);
  const host = gitlabCodeHost(options.api, {
    projectId: project.id,
    threads: onMr ? "merge_request" : "issue",
    selfId,
    reactThread: iid,
    users: new Map([[user.username, user.id]]),
    throttle: {
      ...options.throttle,
      onError: (error) => options.log.warn({ err: error }, "hostroot: a progress edit failed"),
    },
  });
  return runCommand(
    {
      body: note.note,
      actor: { login: user.username, isBot: false },
      repo: project.path_with_namespace,
      owner: gitlabOwner(options.instanceHost, project),
      issue: iid,
      url: note.url,
      botName: options.botName,
    },
    gitlabCommandPorts(
      {
        project,
        user,
        noteId: note.id,
        iid,
        ...(onMr && mr
          ? {
              mergeRequest: {
                iid: mr.iid,
                headSha: mr.last_commit?.id ?? "",
                fromFork: mr.source_project_id !== mr.target_project_id,
              },
            }
          : {}),
      },
      host,
      options,
    ),
  );
}
