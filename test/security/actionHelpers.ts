import { execFileSync } from "node:child_process";
import nock from "nock";
import type { Workspace } from "../action/actionHarness.js";

/** The Action's GitHub API, as nock sees it, and the example repository's path on it. */
export const API = "https://api.github.com";
export const ACTION_REPO = "/repos/Codertocat/Hello-World";

/** Commits the workspace as it is now (the push's `before`) and returns the commit's id. */
export function commitBefore(ws: Workspace): string {
  ws.commitAsDefaultBranch();
  return execFileSync("git", ["rev-parse", "HEAD"], { cwd: ws.dir, encoding: "utf8" }).trim();
}

/** Answers the permission lookup of Codertocat with a repository role. */
export function actionPermission(role: string): nock.Scope {
  const legacy = role === "maintain" ? "write" : role === "triage" ? "read" : role;
  return nock(API)
    .get(`${ACTION_REPO}/collaborators/Codertocat/permission`)
    .reply(200, { permission: legacy, role_name: role, user: { login: "Codertocat" } });
}

/** The example config with `lines` (indented 4) added under `policy.commands`. */
export function withCommands(config: string, lines: string): string {
  return config.replace("  commands:\n", `  commands:\n${lines}`);
}
