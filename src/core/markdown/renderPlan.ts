import { groupBy } from "../groupBy.js";
import type { Plan, PlanStep, StepKind } from "../plan.js";
import { code, escapeMarkdown } from "./escapeMarkdown.js";
import { markdownTable } from "./markdownTable.js";
import { plural } from "./plural.js";

/** Presentation options for a plan. */
export interface PlanOptions {
  /** Commit the plan was made for (the PR head), shown in the headline. */
  commit?: string;
  /** Headline text; defaults to "hostroot plan". */
  title?: string;
}

const ACTION: Record<StepKind, string> = {
  create: "➕ create",
  reconfigure: "🔧 reconfigure",
  restart: "🔄 restart",
  destroy: "💥 **destroy**",
  noop: "unchanged",
};

/**
 * Renders a plan as a PR comment: counts, destroys called out in a caution alert (a destroy deletes
 * the container's delta, which is its data), one table of changes per host in execution order, and
 * the unchanged containers folded away.
 */
export function renderPlan(plan: Plan, options: PlanOptions = {}): string {
  const title = escapeMarkdown(options.title ?? "hostroot plan");
  const at = options.commit === undefined ? "" : ` at ${code(shortSha(options.commit))}`;
  const blocks: string[] = [`### 📋 ${title}${at}\n`];
  const of = (kind: StepKind) => plan.steps.filter((s) => s.kind === kind);
  const noops = of("noop");
  const changed = plan.steps.filter((s) => s.kind !== "noop");
  const unchanged = noops.length > 0 ? ` · ${noops.length} unchanged` : "";

  if (changed.length === 0) {
    blocks.push(`**No changes.**${unchanged}\n`);
  } else {
    const counts = [
      `${of("create").length} to create`,
      `${of("reconfigure").length} to reconfigure`,
      `${of("restart").length} to restart`,
      `${of("destroy").length} to DESTROY`,
    ];
    blocks.push(`**${counts.join(", ")}**${unchanged}\n`);
  }

  if (plan.errors.length > 0) {
    const items = plan.errors.map(
      (e) => `> - ${code(e.container)} on ${code(e.host)}: ${escapeMarkdown(e.message)}`,
    );
    blocks.push(
      `> [!CAUTION]\n> **${plural(plan.errors.length, "error")}: this plan cannot be deployed.** ` +
        `A deploy refuses it before touching any host.\n>\n${items.join("\n")}\n`,
    );
  }

  const destroys = of("destroy");
  if (destroys.length > 0) {
    const items = destroys.map(
      (s) => `> - ${code(s.container)} on ${code(s.host)}: ${escapeMarkdown(s.reason)}`,
    );
    blocks.push(
      `> [!CAUTION]\n> **${plural(destroys.length, "container")} will be destroyed.** ` +
        `Destroying deletes the container's delta (its data); it cannot be undone.\n>\n${items.join("\n")}\n`,
    );
  }
  if (plan.warnings.length > 0) {
    const items = plan.warnings.map((w) => `> - ${escapeMarkdown(w)}`);
    blocks.push(`> [!WARNING]\n${items.join("\n")}\n`);
  }

  for (const [host, steps] of byHost(changed)) {
    const rows = steps.map((s) => [ACTION[s.kind], code(s.container), file(s), escapeMarkdown(s.reason)]);
    blocks.push(`#### ${code(host)}\n`, markdownTable(["Action", "Container", "Definition", "Reason"], rows));
  }

  if (noops.length > 0) {
    const rows = noops.map((s) => [code(s.host), code(s.container), file(s)]);
    blocks.push(
      `<details><summary>${plural(noops.length, "container")} unchanged</summary>\n\n` +
        `${markdownTable(["Host", "Container", "Definition"], rows)}\n</details>\n`,
    );
  }
  return blocks.join("\n");
}

/** Hosts in order of their first step, so the tables follow execution order. */
function byHost(steps: readonly PlanStep[]): Map<string, PlanStep[]> {
  return groupBy(steps, (step) => step.host);
}

function file(step: PlanStep): string {
  return step.file === undefined ? "—" : code(step.file);
}

/** Full SHAs are shortened to the 7 characters GitHub shows; anything else is shown as given. */
function shortSha(commit: string): string {
  return /^[0-9a-f]{40}$/.test(commit) ? commit.slice(0, 7) : commit;
}
