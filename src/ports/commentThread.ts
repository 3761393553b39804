/** One comment of a thread as hostroot sees it when it looks for its own marked comments. */
export interface ThreadComment {
  id: number;
  body: string;
  /** Written by hostroot's own account (a bot on GitHub, the token's user on GitLab). */
  mine: boolean;
}

/**
 * The comments of one issue, pull request or merge request, as a code host adapter provides
 * them: enough for {@link syncMarkedComment} to keep one marked comment up to date on any host.
 */
export interface CommentThread {
  /** The most characters (UTF-16 code units) one comment may hold on this code host. */
  limit: number;
  list(): Promise<ThreadComment[]>;
  create(body: string): Promise<void>;
  update(id: number, body: string): Promise<void>;
  remove(id: number): Promise<void>;
}
