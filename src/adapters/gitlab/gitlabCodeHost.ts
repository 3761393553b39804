import { splitMarkdown } from "../../core/markdown/splitMarkdown.js";
import type { CodeHost } from "../../ports/codeHost.js";
import type { CommandReaction } from "../../ports/commandPorts.js";
import { syncMarkedComment } from "../../workflows/syncMarkedComment.js";
import { type ThrottleOptions, throttledEditor } from "../../workflows/throttledEditor.js";
import { gitlabActorLookup } from "./gitlabActorLookup.js";
import { GITLAB_NOTE_LIMIT, type GitlabApi } from "./gitlabApi.js";
import { type GitlabNotes, gitlabNotes, gitlabNoteThread } from "./gitlabNoteThread.js";
import { gitlabBlobs, gitlabSourceReader } from "./gitlabSourceReader.js";

/** GitLab's award emoji names for hostroot's reactions. */
const AWARD: Record<CommandReaction, string> = {
  eyes: "eyes",
  rocket: "rocket",
  "-1": "thumbsdown",
  confused: "confused",
};

/** How one GitLab code host is bound: its project, and which kind of thread its numbers name. */
export interface GitlabCodeHostOptions {
  projectId: number;
  /**
   * Merge requests and issues are numbered apart on GitLab (`iid`), so a code host answers in one
   * kind: `merge_request` for a merge request's notes and for reports on merged ones, `issue` for
   * an issue's notes.
   */
  threads: "merge_request" | "issue";
  /** hostroot's own user id (the token's), to tell its notes from people's. */
  selfId: () => Promise<number>;
  /** The thread (`iid`) of the notes {@link CodeHost.react} awards emojis to: the one a command came from. */
  reactThread?: number;
  /** User ids already known from the event (the note's author, the pipeline's user) by username. */
  users?: ReadonlyMap<string, number>;
  throttle?: ThrottleOptions;
}

/**
 * The code host port over GitLab's REST API (`@gitbeaker/rest`) for one project: files through the
 * repository API (one tree listing per ref, each blob once), the branch head, the merge request
 * a commit was merged by, notes split at GitLab's 1,000,000 characters, the same marked-note upsert
 * and throttled status note as on GitHub, award emojis, and access from members (inherited
 * included) and group members. No deployment records: GitLab records a deployment itself for a
 * CI job with `environment:`.
 */
export function gitlabCodeHost(
  api: GitlabApi,
  options: GitlabCodeHostOptions,
): CodeHost & {
  /** The notes of thread `iid`. */
  notes(iid: number): GitlabNotes;
} {
  const { projectId, threads, selfId } = options;
  const blobs = gitlabBlobs(api, projectId);
  const readers = new Map<string, ReturnType<typeof gitlabSourceReader>>();
  const notes = (iid: number) => gitlabNotes(api, { projectId, kind: threads, iid });
  const users = new Map(options.users ?? []);
  const userId = async (login: string): Promise<number | undefined> => {
    if (!users.has(login)) {
      const [found] = await api.Users.all({ username: login });
      if (found) users.set(login, found.id);
    }
    return users.get(login);
  };
  return {
    notes,
    commentLimit: GITLAB_NOTE_LIMIT,
    sourceAt(ref) {
      let reader = readers.get(ref);
      if (!reader) {
        reader = gitlabSourceReader(api, projectId, ref, blobs);
        readers.set(ref, reader);
      }
      return reader;
    },
    async resolveBranch(branch) {
      return (await api.Branches.show(projectId, branch)).commit.id;
    },
    async mergedPullRequest(commit) {
      const mrs = await api.Commits.allMergeRequests(projectId, commit);
      const merged = mrs.filter((m) => m.state === "merged" && m.target_project_id === projectId);
      return (
        merged.find((m) => m.merge_commit_sha === commit || m.squash_commit_sha === commit) ?? merged[0]
      )?.iid;
    },
    async comment(iid, markdown) {
      let url: string | undefined;
      for (const body of splitMarkdown(markdown, GITLAB_NOTE_LIMIT)) {
        const { id } = await notes(iid).create(body);
        url ??= `#note_${id}`;
      }
      return url;
    },
    upsertMarkedComment: (iid, marker, markdown) =>
      syncMarkedComment(gitlabNoteThread(notes(iid), selfId), marker, markdown),
    async progressComment(iid, markdown) {
      const thread = notes(iid);
      const { id } = await thread.create(markdown);
      return throttledEditor((body) => thread.edit(id, body), options.throttle ?? {});
    },
    async react(noteId, reaction) {
      if (options.reactThread === undefined) throw new Error("gitlabCodeHost: no thread to award emojis in");
      await notes(options.reactThread).award(noteId, AWARD[reaction]);
    },
    async permission(login) {
      const id = await userId(login);
      return id === undefined ? "none" : gitlabActorLookup(api, projectId, id).permission();
    },
    async memberOf(login, teams) {
      const id = await userId(login);
      return id === undefined ? [] : gitlabActorLookup(api, projectId, id).memberOf(teams);
    },
  };
}
