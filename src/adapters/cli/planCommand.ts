import { readFile } from "node:fs/promises";
import path from "node:path";
import { buildPlan } from "../../core/buildPlan.js";
import { hasErrors } from "../../core/diagnostic.js";
import { formatDiagnosticsText } from "../../core/format/formatDiagnosticsText.js";
import { renderPlan } from "../../core/markdown/renderPlan.js";
import type { ObservedState } from "../../core/observedState.js";
import { changes, type Plan } from "../../core/plan.js";
import type { validateSources } from "../../workflows/validateSources.js";
import { type CliIo, EXIT } from "./cliIo.js";
import { cliOwner } from "./operationContext.js";
import { validateCheckout } from "./validateCheckout.js";

/** Output formats of `hostroot plan`. */
export const PLAN_FORMATS = ["text", "json", "markdown"] as const;

/** Plain-text plan: one line per change, destroys marked so they stand out in a terminal. */
export function formatPlanText(plan: Plan): string {
  const lines = changes(plan).map(
    (s) =>
      `${s.destructive ? "!" : s.kind === "create" ? "+" : "~"} ${s.kind.padEnd(11)} ${s.host.padEnd(16)} ${s.container}  (${s.reason})`,
  );
  // Noops get no line, but their count tells a reviewer the rest of the pool was looked at.
  const unchanged = plan.steps.length - lines.length;
  const summary =
    (lines.length === 0 ? "No changes" : `${lines.length} change${lines.length === 1 ? "" : "s"}`) +
    (unchanged > 0 ? `, ${unchanged} unchanged.` : ".");
  const errors = plan.errors.map((e) => `error: ${e.container} on ${e.host}: ${e.message}`);
  const refused = errors.length > 0 ? ["Refused: a deploy of this plan changes nothing."] : [];
  return [...errors, ...plan.warnings.map((w) => `warning: ${w}`), ...lines, summary, ...refused, ""].join(
    "\n",
  );
}

/**
 * `hostroot plan`: validates, then diffs the definitions against what the hosts report. With
 * `--observed FILE` it runs offline from a JSON snapshot (`hostroot status --format json`).
 */
export async function planCommand(
  io: CliIo,
  paths: string[],
  options: {
    config: string;
    observed?: string;
    format: (typeof PLAN_FORMATS)[number];
    commit?: string;
    owner?: string;
    ownerName?: string;
    /** Exit {@link EXIT.changes} when the plan changes something, so a script can tell. */
    detailedExitcode?: boolean;
  },
  observe?: (outcome: Awaited<ReturnType<typeof validateSources>>) => Promise<ObservedState>,
): Promise<number> {
  const outcome = await validateCheckout(io, { configPath: options.config, paths });
  if (outcome.configProblem || hasErrors(outcome.diagnostics) || !outcome.config) {
    io.stderr(formatDiagnosticsText(outcome.diagnostics, outcome.checked.length));
    io.stderr("No plan: fix the errors above first.\n");
    return outcome.configProblem || outcome.sourceProblem ? EXIT.usage : EXIT.findings;
  }
  let observed: ObservedState;
  if (options.observed !== undefined) {
    observed = JSON.parse(await readFile(path.resolve(io.cwd, options.observed), "utf8")) as ObservedState;
  } else if (observe) {
    observed = await observe(outcome);
  } else {
    io.stderr("plan needs --observed FILE (a snapshot from `hostroot status --format json`)\n");
    return EXIT.usage;
  }
  const plan = buildPlan(
    outcome.definitions.map((d) => ({ file: d.file, definition: d.value })),
    outcome.config.value,
    observed,
    { commit: options.commit ?? "", owner: cliOwner(io, options) },
  );
  if (options.format === "json") io.stdout(`${JSON.stringify(plan, null, 2)}\n`);
  else if (options.format === "markdown") io.stdout(`${renderPlan(plan, {})}\n`);
  else io.stdout(formatPlanText(plan));
  if (plan.errors.length > 0) return EXIT.findings;
  return options.detailedExitcode && changes(plan).length > 0 ? EXIT.changes : EXIT.ok;
}
