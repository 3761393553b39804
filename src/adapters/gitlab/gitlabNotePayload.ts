import { z } from "zod";

const project = z.object({
  id: z.number().int().positive(),
  path_with_namespace: z.string().min(1).max(400),
  default_branch: z.string().min(1).max(255),
  web_url: z.string().max(2000),
});

/**
 * The parts of a GitLab Note Hook hostroot reads (the rest is ignored). A payload without them is
 * not a note hostroot can answer, and is dropped.
 */
export const gitlabNotePayload = z.object({
  object_kind: z.literal("note"),
  user: z.object({ id: z.number().int(), username: z.string().min(1).max(255) }),
  project_id: z.number().int().positive(),
  project,
  object_attributes: z.object({
    id: z.number().int().positive(),
    note: z.string(),
    noteable_type: z.string(),
    system: z.boolean().optional(),
    /** `create` or `update` since GitLab 16.11; before that, edits sent no event at all. */
    action: z.string().optional(),
    project_id: z.number().int().positive().optional(),
    url: z.string().max(2000),
  }),
  merge_request: z
    .object({
      iid: z.number().int().positive(),
      source_project_id: z.number().int(),
      target_project_id: z.number().int(),
      last_commit: z.object({ id: z.string() }).optional(),
    })
    .optional(),
  issue: z.object({ iid: z.number().int().positive() }).optional(),
});

/** A Note Hook payload as {@link gitlabNotePayload} reads it. */
export type GitlabNotePayload = z.infer<typeof gitlabNotePayload>;

/**
 * Usernames GitLab gives its bot users: project and group access tokens
 * (`project_<id>_bot_<hex>`, `group_<id>_bot_<hex>`), service accounts, and its internal bots
 * (the support and alert bots, the ghost user that takes over a deleted account's notes).
 */
export const GITLAB_BOT_USERNAME =
  /^(?:(?:project|group)_\d+_bot(?:_[0-9a-f]+)?|service_account_[\w.-]+|support-bot|alert-bot|ghost)$/i;
