import { z } from "zod";

/**
 * The repository a container belongs to. `id` is stable across renames and transfers
 * (`github:123456`, the repository's numeric id); `name` is what people read (`acme/billing`).
 * Ownership is decided by `id` alone: a renamed repository still owns its containers.
 */
export interface Owner {
  id: string;
  name: string;
}

/** `<scheme>:<value>`, e.g. `github:123456` or `local:billing`: one plain token. */
export const OWNER_ID = /^[a-z][a-z0-9-]{0,19}:[A-Za-z0-9._/@+-]{1,200}$/;
/** A repository name as people write it (`acme/billing`, `group/sub/project`). */
export const OWNER_NAME = /^[A-Za-z0-9._/@+:-]{1,200}$/;

/** The owner as stored in a state file; checked on read, since a host's files are data. */
export const ownerSchema = z.strictObject({
  id: z.string().regex(OWNER_ID),
  name: z.string().regex(OWNER_NAME),
});

/** Checks an owner before it is written to a host or compared; throws on a malformed one. */
export function assertOwner(owner: Owner): Owner {
  const r = ownerSchema.safeParse(owner);
  if (!r.success) throw new Error(`hostroot: invalid owner ${JSON.stringify(owner)}`);
  return r.data;
}

/** The owner of a GitHub repository, from its numeric id and `owner/name`. */
export function githubOwner(repository: { id: number | string; full_name: string }): Owner {
  return assertOwner({ id: `github:${repository.id}`, name: repository.full_name });
}

/**
 * The owner of a GitLab project: `gitlab:<instance host name>/<project id>` (the id is stable
 * across renames and transfers, and unique only on its instance), named by `path_with_namespace`.
 * The webhook server and the CI/CD component both derive it, so their containers are one owner's.
 */
export function gitlabOwner(
  instanceHost: string,
  project: { id: number | string; path_with_namespace: string },
): Owner {
  return assertOwner({
    id: `gitlab:${instanceHost.toLowerCase()}/${project.id}`,
    name: project.path_with_namespace,
  });
}

/** "acme/billing (github:123456)": an owner in words. */
export function describeOwner(owner: Owner): string {
  return `${owner.name} (${owner.id})`;
}
