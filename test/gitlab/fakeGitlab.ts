import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import nock from "nock";

/** The GitLab instance of the tests; nock answers for it. */
export const GITLAB = "https://gitlab.example.com";
/** The project of GitLab's example Note Hook payloads. */
export const PROJECT = { id: 5, path: "gitlab-org/gitlab-test", branch: "master" };
/** hostroot's own user on the instance (the token's). */
export const SELF = { id: 99, username: "hostroot" };

/** One of GitLab's documented webhook payloads (test/gitlab/fixtures), as a fresh copy to change. */
export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), "utf8")) as T;
}

/** The fields of a Note Hook that tests change in a copy. */
export interface NoteFixture {
  user: { id: number; username: string } & Record<string, unknown>;
  project: Record<string, unknown>;
  object_attributes: { note: string; action?: string; system?: boolean; project_id?: number } & Record<
    string,
    unknown
  >;
  [key: string]: unknown;
}

/** GitLab's "Comment on a merge request" example, saying `body` (every other field as documented). */
export function mrNote(body: string): NoteFixture {
  const p = fixture<NoteFixture>("note-merge-request");
  p.object_attributes.note = body;
  return p;
}

/** GitLab's "Comment on an issue" example, saying `body`. */
export function issueNote(body: string): NoteFixture {
  const p = fixture<NoteFixture>("note-issue");
  p.object_attributes.note = body;
  return p;
}

/** One request that reached the fake GitLab: method, path with query, and the JSON body if any. */
export interface Call {
  method: string;
  path: string;
  body?: unknown;
}

interface Note {
  id: number;
  body: string;
  system: boolean;
  author: { id: number; username: string };
}

/** Git's blob id of `content`. */
export function blobSha(content: string): string {
  const bytes = Buffer.from(content);
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

/**
 * An in-memory GitLab behind nock: a project's default branch (files), its members (by user id,
 * with access levels, inherited included), group members, notes and award emojis of merge
 * requests and issues. Every request is recorded in `calls`, in arrival order; a request the
 * fake does not know is answered 500 and recorded in `unknown`, so a test sees it.
 */
export class FakeGitlab {
  readonly calls: Call[] = [];
  readonly unknown: string[] = [];
  files: Record<string, string> = {};
  branchSha = "c0ffee".padEnd(40, "0");
  members = new Map<number, { access_level: number; state?: string }>();
  groups = new Map<string, Map<number, number>>();
  readonly notes = new Map<string, Note[]>();
  readonly awards: Array<{ thread: string; note: number; name: string }> = [];
  /** When each award emoji arrived (ms since the epoch). */
  readonly awardedAt: number[] = [];
  /** Merge requests by commit, for `GET …/repository/commits/:sha/merge_requests`. */
  commitMergeRequests = new Map<
    string,
    Array<{
      iid: number;
      merge_commit_sha?: string;
      state: string;
      source_project_id: number;
      target_project_id: number;
    }>
  >();
  private nextNote = 500;

  constructor(readonly projectId = PROJECT.id) {
    const scope = nock(GITLAB).persist();
    scope.get(/.*/).reply((uri, body) => this.route("GET", uri, body) as never);
    scope.post(/.*/).reply((uri, body) => this.route("POST", uri, body) as never);
    scope.put(/.*/).reply((uri, body) => this.route("PUT", uri, body) as never);
    scope.delete(/.*/).reply((uri, body) => this.route("DELETE", uri, body) as never);
  }

  /** The notes of a thread (`merge_requests/1`, `issues/17`). */
  thread(key: string): Note[] {
    let list = this.notes.get(key);
    if (!list) {
      list = [];
      this.notes.set(key, list);
    }
    return list;
  }

  /** Calls as "METHOD /path" lines, without the `/api/v4` prefix. */
  lines(): string[] {
    return this.calls.map((c) => `${c.method} ${c.path.replace(/^\/api\/v4/, "")}`);
  }

  route(
    method: string,
    uri: string,
    body: unknown,
  ): [number, unknown] | [number, unknown, Record<string, string>] {
    const parsed = typeof body === "string" && body !== "" ? safeJson(body) : body;
    this.calls.push({
      method,
      path: uri,
      ...(parsed !== "" && parsed !== undefined ? { body: parsed } : {}),
    });
    const url = new URL(uri, GITLAB);
    const path = url.pathname.replace(/^\/api\/v4/, "");
    const p = `/projects/${this.projectId}`;
    const match = (verb: string | undefined, re: RegExp) =>
      verb === undefined || verb === method ? path.match(re) : null;
    let m: RegExpMatchArray | null = null;
    if (method === "GET" && path === "/user") return [200, { id: SELF.id, username: SELF.username }];
    if (method === "GET" && path === `${p}/repository/tree`) {
      const tree = Object.entries(this.files).map(([file, content]) => ({
        id: blobSha(content),
        name: file.split("/").pop(),
        type: "blob",
        path: file,
        mode: "100644",
      }));
      return [200, tree];
    }
    m = match("GET", new RegExp(`^${p}/repository/blobs/([0-9a-f]+)/raw$`));
    if (m) {
      const found = Object.values(this.files).find((c) => blobSha(c) === m?.[1]);
      return found === undefined ? [404, { message: "404 Blob Not Found" }] : [200, found];
    }
    if (method === "GET" && path === `${p}/repository/branches/${PROJECT.branch}`)
      return [200, { name: PROJECT.branch, commit: { id: this.branchSha } }];
    m = match("GET", new RegExp(`^${p}/members/all/(\\d+)$`));
    if (m) {
      const member = this.members.get(Number(m[1]));
      return member
        ? [200, { id: Number(m[1]), state: "active", ...member }]
        : [404, { message: "404 Not found" }];
    }
    m = match("GET", /^\/groups\/(.+)\/members\/all\/(\d+)$/);
    if (m) {
      const level = this.groups.get(decodeURIComponent(m[1] as string))?.get(Number(m[2]));
      return level
        ? [200, { id: Number(m[2]), state: "active", access_level: level }]
        : [404, { message: "404 Not found" }];
    }
    m = match("GET", new RegExp(`^${p}/repository/commits/([0-9a-f]+)/merge_requests$`));
    if (m) return [200, this.commitMergeRequests.get(m[1] as string) ?? []];
    m = match(
      undefined,
      new RegExp(`^${p}/((?:merge_requests|issues)/\\d+)/notes(?:/(\\d+))?(/award_emoji)?$`),
    );
    if (m) {
      const key = m[1] as string;
      const notes = this.thread(key);
      const id = m[2] === undefined ? undefined : Number(m[2]);
      const b = (parsed ?? {}) as { body?: string; name?: string };
      if (m[3] && method === "POST") {
        this.awards.push({ thread: key, note: id as number, name: b.name as string });
        this.awardedAt.push(Date.now());
        return [201, { id: this.awards.length, name: b.name }];
      }
      if (method === "GET" && id === undefined) return [200, notes];
      if (method === "POST" && id === undefined) {
        const note = { id: this.nextNote++, body: b.body ?? "", system: false, author: { ...SELF } };
        notes.push(note);
        return [201, note];
      }
      const note = notes.find((n) => n.id === id);
      if (!note) return [404, { message: "404 Note Not Found" }];
      if (method === "PUT") {
        note.body = b.body ?? note.body;
        return [200, note];
      }
      if (method === "DELETE") {
        notes.splice(notes.indexOf(note), 1);
        return [204, ""];
      }
    }
    this.unknown.push(`${method} ${uri}`);
    return [500, { message: "not in the fake" }];
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
