import type { CommentThread } from "../../ports/commentThread.js";
import { GITLAB_NOTE_LIMIT, type GitlabApi } from "./gitlabApi.js";

/** Where notes go: a merge request or an issue of a project, by its `iid`. */
export interface Noteable {
  projectId: number;
  kind: "merge_request" | "issue";
  iid: number;
}

/** The notes of a merge request or issue, created, edited and deleted by one client. */
export interface GitlabNotes {
  create(body: string): Promise<{ id: number }>;
  edit(id: number, body: string): Promise<void>;
  remove(id: number): Promise<void>;
  all(): Promise<Array<{ id: number; body: string; system: boolean; author: { id: number } }>>;
  award(noteId: number, name: string): Promise<void>;
}

/** The notes API of `target` (MergeRequestNotes or IssueNotes, and their award emojis). */
export function gitlabNotes(api: GitlabApi, target: Noteable): GitlabNotes {
  const { projectId, iid } = target;
  const notes = target.kind === "merge_request" ? api.MergeRequestNotes : api.IssueNotes;
  const awards = target.kind === "merge_request" ? api.MergeRequestNoteAwardEmojis : api.IssueNoteAwardEmojis;
  return {
    async create(body) {
      const note = await notes.create(projectId, iid, body);
      return { id: note.id };
    },
    async edit(id, body) {
      await notes.edit(projectId, iid, id, { body });
    },
    async remove(id) {
      await notes.remove(projectId, iid, id);
    },
    async all() {
      const list = await notes.all(projectId, iid, { perPage: 100 });
      return list.map((n) => ({ id: n.id, body: n.body, system: n.system, author: { id: n.author.id } }));
    },
    async award(noteId, name) {
      await awards.award(projectId, iid, noteId, name);
    },
  };
}

/**
 * A merge request's or issue's notes as a {@link CommentThread}: hostroot's own notes are the
 * non-system notes written by the token's user (`selfId`), so a person quoting the marker is
 * never edited; GitLab's note limit splits long text.
 */
export function gitlabNoteThread(notes: GitlabNotes, selfId: () => Promise<number>): CommentThread {
  return {
    limit: GITLAB_NOTE_LIMIT,
    async list() {
      const me = await selfId();
      return (await notes.all()).map((n) => ({
        id: n.id,
        body: n.body,
        mine: !n.system && n.author.id === me,
      }));
    },
    async create(body) {
      await notes.create(body);
    },
    update: (id, body) => notes.edit(id, body),
    remove: (id) => notes.remove(id),
  };
}
