import path from "node:path";
import { hasErrors } from "../../core/diagnostic.js";
import { parseConfig } from "../../core/parseConfig.js";
import type { Policy } from "../../core/stricterPolicy.js";
import { githubApi } from "./githubApi.js";
import { gitRefSourceReader, hasCommit } from "./gitRefSourceReader.js";
import type { TaskContext } from "./taskContext.js";

const NO_COMMIT = /^0*$/;

/**
 * The policy as it was before the push that started this run: the config at the push's `before`
 * commit, read from the clone when it holds that commit (`fetch-depth: 2` or more), else through
 * GitHub's API with the `github-token` input. Undefined when the config is missing or invalid
 * there, or for a new branch (no `before`): pushPolicy then takes the built-in defaults. Throws
 * when the commit can be read neither way, so a push is never judged by its own config alone.
 */
export async function policyBefore(ctx: TaskContext): Promise<Policy | undefined> {
  const before = ctx.event.payload.before ?? "";
  if (NO_COMMIT.test(before)) return undefined;
  // A commit id and nothing else reaches git or the API (SHA-1 or SHA-256 repositories).
  if (!/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(before))
    throw new Error("the push event's 'before' is not a commit id; nothing deployed");
  const file = ctx.inputs.config;
  let bytes: Uint8Array | undefined;
  if (hasCommit(ctx.root, before)) bytes = await gitRefSourceReader(ctx.root, before).read(file);
  else {
    if (!ctx.inputs.githubToken)
      throw new Error(
        `the policy before this push (${before.slice(0, 12)}) is not in the clone: give the github-token input, or check out with fetch-depth: 2`,
      );
    const workspace = path.resolve(ctx.env.GITHUB_WORKSPACE ?? process.cwd());
    const fromRoot = path.relative(workspace, path.resolve(ctx.root, file)).split(path.sep).join("/");
    const api = githubApi(ctx.inputs.githubToken, ctx.event.apiUrl, ctx.event.repository);
    bytes = await api.fileAt(fromRoot, before);
  }
  if (bytes === undefined) return undefined;
  const parsed = parseConfig(file, bytes);
  return parsed.config && !hasErrors(parsed.diagnostics) ? parsed.config.value.policy : undefined;
}
