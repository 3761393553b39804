import { buildPlan } from "../core/buildPlan.js";
import { type Config, poolHosts } from "../core/configSchema.js";
import { canonicalJson, definitionHash, fieldHashes, policyMasks } from "../core/definitionHash.js";
import type { Definition } from "../core/definitionSchema.js";
import { type Diagnostic, hasErrors } from "../core/diagnostic.js";
import type { Located } from "../core/located.js";
import { code, escapeMarkdown } from "../core/markdown/escapeMarkdown.js";
import { plural } from "../core/markdown/plural.js";
import { renderPlan } from "../core/markdown/renderPlan.js";
import { renderValidationReport } from "../core/markdown/renderValidationReport.js";
import type { ObservedState } from "../core/observedState.js";
import type { Owner } from "../core/owner.js";
import { place } from "../core/place.js";
import type { Plan } from "../core/plan.js";
import type { SourceReader } from "../ports/sourceReader.js";
import type { CheckConclusion, PullRequestRef, VcsClient } from "../ports/vcsClient.js";
import { type ConfigParser, validateSources } from "./validateSources.js";

/** Name of the one check run hostroot attaches to a pull request's head commit. */
export const CHECK_NAME = "hostroot / validate";
/** Marker that finds the one plan comment of a pull request. */
export const PLAN_MARKER = "hostroot:plan";

/** What a pull request got, for logs and callers. */
export type PullRequestOutcome =
  | { kind: "not-configured"; configPath: string }
  | { kind: "validated"; conclusion: CheckConclusion; diagnostics: Diagnostic[]; plan?: Plan };

/**
 * Validates a pull request and shows what merging it would change, with no side effect on any
 * host: policy and pool come from the default branch only (a PR cannot loosen its own policy),
 * definitions from the head commit. Publishes one check with annotations and edits one plan
 * comment. A repository without the config on its default branch is left alone.
 */
export async function validatePullRequest(
  vcs: VcsClient,
  pr: PullRequestRef,
  options: {
    configPath: string;
    parseConfig?: ConfigParser;
    maxFiles?: number;
    /** Why nothing this repository plans ever reaches a host (no pool for it), shown with the plan. */
    planOnly?: string;
  },
): Promise<PullRequestOutcome> {
  const { configPath } = options;
  const base = vcs.sourceAt(pr.defaultBranch);
  const policy = await base.read(configPath);
  if (policy === undefined) return { kind: "not-configured", configPath };

  const head = vcs.sourceAt(pr.headSha);
  const headWithPolicy: SourceReader = {
    listDefinitionFiles: (dir) => head.listDefinitionFiles(dir),
    read: (path) => (path === configPath ? Promise.resolve(policy) : head.read(path)),
    // What the head's reader can tell of missing and linked paths, so nothing checks green for nothing.
    ...(head.kind ? { kind: head.kind.bind(head) } : {}),
    ...(head.listDefinitionSymlinks
      ? { listDefinitionSymlinks: head.listDefinitionSymlinks.bind(head) }
      : {}),
  };
  const outcome = await validateSources(headWithPolicy, options);
  const failed = hasErrors(outcome.diagnostics);
  const conclusion: CheckConclusion = failed ? "failure" : "success";
  const fork =
    (pr.fromFork ? `\n${FORK_NOTE}` : "") +
    (options.planOnly === undefined
      ? ""
      : `\n> [!NOTE]\n> Validation and plan only: ${escapeMarkdown(options.planOnly)}.\n`);

  await vcs.publishCheck({
    name: CHECK_NAME,
    headSha: pr.headSha,
    conclusion,
    title: checkTitle(outcome.diagnostics, outcome.checked.length, outcome.files.length),
    summary: `${renderValidationReport(outcome.diagnostics, { files: outcome.checked.length, definitions: outcome.files.length, repoUrl: pr.repoUrl, sha: pr.headSha })}${fork}`,
    diagnostics: outcome.diagnostics,
  });

  let plan: Plan | undefined;
  let body: string;
  if (failed || !outcome.config) {
    const errors = outcome.diagnostics.filter((d) => d.severity === "error").length;
    body =
      `### 📋 hostroot plan\n\nNo plan for ${code(pr.headSha.slice(0, 7))}: validation found ` +
      `${plural(errors, "error")} (see the ${code(CHECK_NAME)} check). ` +
      (outcome.configProblem
        ? `${code(configPath)} on ${code(pr.defaultBranch)} must be fixed there first.\n`
        : "Fix them and push again.\n");
  } else {
    const config = outcome.config.value;
    // The default branch stands in for what is deployed: the same config, so only definitions differ.
    const merged = await validateSources(base, options);
    plan = buildPlan(
      outcome.definitions.map((d) => ({ file: d.file, definition: d.value })),
      config,
      deployedFrom(merged.definitions, config),
      { commit: pr.headSha, owner: DEFAULT_BRANCH_OWNER },
    );
    const broken = merged.files.length - merged.definitions.length;
    if (merged.diagnostics.some((d) => d.rule === "config/too-many-files"))
      plan.warnings.push(
        `${pr.defaultBranch} holds more definition files than hostroot reads for one event; none of them was read, so all count as not deployed`,
      );
    else if (broken > 0)
      plan.warnings.push(
        `${plural(broken, "definition file")} on ${pr.defaultBranch} did not parse and count as not deployed`,
      );
    body =
      `${renderPlan(plan, { commit: pr.headSha })}\n` +
      `_Compared with the definitions on ${code(pr.defaultBranch)} as if they were deployed. ` +
      "A deploy plans again against what the hosts report._\n";
  }
  await vcs.upsertMarkedComment(pr.number, PLAN_MARKER, `${body}${fork}`);
  return { kind: "validated", conclusion, diagnostics: outcome.diagnostics, ...(plan ? { plan } : {}) };
}

const FORK_NOTE =
  "> [!IMPORTANT]\n> This pull request comes from a fork. hostroot validates it and shows its plan, " +
  "but never deploys it: push the branch to this repository to deploy it.\n";

/**
 * The stand-in owner of the default branch's containers in a pull request's plan: that plan
 * compares two sets of this repository's own definitions, never what other repositories run.
 */
const DEFAULT_BRANCH_OWNER: Owner = { id: "plan:default-branch", name: "the default branch" };

function checkTitle(diagnostics: readonly Diagnostic[], files: number, definitions: number): string {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.filter((d) => d.severity === "warning").length;
  if (errors > 0) return `${plural(errors, "error")}, ${plural(warnings, "warning")}`;
  if (definitions === 0) return "No definitions checked";
  return warnings > 0
    ? `${plural(files, "file")} valid, ${plural(warnings, "warning")}`
    : `${plural(files, "file")} valid`;
}

/**
 * An observed state in which every definition of the default branch runs where place() puts it,
 * carrying its hash: the plan against it is exactly what the merge changes in the desired set.
 * Among duplicate names the one place() keeps (by content) stands in for the name.
 */
function deployedFrom(defs: readonly Located<Definition>[], config: Config): ObservedState {
  const masks = policyMasks(config);
  const byName = new Map<string, Definition>();
  const sorted = defs.map((d) => d.value).sort((a, b) => cmp(canonicalJson(a), canonicalJson(b)));
  for (const def of sorted) if (!byName.has(def.name)) byName.set(def.name, def);
  const { assignments } = place([...byName.values()], config);
  return {
    hosts: poolHosts(config).map((h) => ({
      host: h.name,
      reachable: true,
      containers: assignments
        .filter((a) => a.host === h.name)
        .map((a) => {
          const def = byName.get(a.container) as Definition;
          return {
            name: a.container,
            definitionHash: definitionHash(def, masks),
            fieldHashes: fieldHashes(def, masks),
            commit: "",
            deployedAt: "",
            running: true,
            replica: a.replica,
            owner: DEFAULT_BRANCH_OWNER,
          };
        }),
    })),
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
