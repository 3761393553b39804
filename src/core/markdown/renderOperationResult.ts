import {
  type HostOutcome,
  type NotApplied,
  notApplied,
  type OperationOutcome,
  type OperationResult,
  type StepStatus,
  summarise,
} from "../operationResult.js";
import { code, escapeMarkdown } from "./escapeMarkdown.js";
import { formatDuration } from "./formatDuration.js";
import { plural } from "./plural.js";
import { renderHostResult } from "./renderHostResult.js";

const OUTCOME: Record<OperationOutcome, string> = {
  succeeded: "✅",
  failed: "❌",
  halted: "⛔",
  cancelled: "🚫",
};

const HOST_WORDS: Record<HostOutcome, string> = {
  succeeded: "succeeded",
  failed: "failed",
  skipped: "skipped",
  unreachable: "unreachable",
  "not-run": "not run",
};

const STEP_WORDS: Record<StepStatus, string> = {
  applied: "applied",
  failed: "failed",
  "not-run": "not run",
  skipped: "skipped",
};

/**
 * Renders an operation's result as an issue or PR comment: a headline with the outcome, counts, a
 * section per host, and, when anything was left undone, an explicit "Not applied" list naming each
 * host and step, so nobody has to infer from a table what still needs doing.
 */
export function renderOperationResult(result: OperationResult): string {
  const counts = summarise(result);
  const dry = result.dryRun ? " (dry run)" : "";
  const blocks = [`### ${OUTCOME[result.outcome]} ${result.operation} ${result.outcome}${dry}\n`];
  if (result.summary !== "") blocks.push(`${escapeMarkdown(result.summary)}\n`);

  const facts = [tally(plural(result.hosts.length, "host"), counts.hosts, HOST_WORDS)];
  const stepTotal = Object.values(counts.steps).reduce((a, b) => a + b, 0);
  if (stepTotal > 0) facts.push(tally(plural(stepTotal, "step"), counts.steps, STEP_WORDS));
  if (result.commit !== undefined) facts.push(`commit ${code(result.commit.slice(0, 7))}`);
  const took = Date.parse(result.finishedAt) - Date.parse(result.startedAt);
  if (Number.isFinite(took)) facts.push(`took ${formatDuration(took)}`);
  blocks.push(`${facts.join(" · ")}\n`);

  if (counts.staleContainers > 0) {
    blocks.push(
      `> [!WARNING]\n> ${plural(counts.staleContainers, "container")} still map replaced files ` +
        "and run the old code until fully stopped and started.\n",
    );
  }
  for (const host of result.hosts) blocks.push(renderHostResult(host));

  const missed = notApplied(result);
  if (missed.length > 0 && result.outcome !== "succeeded") {
    blocks.push(`#### Not applied\n`, `${missed.map(item).join("\n")}\n`);
  }
  return blocks.join("\n");
}

/** "3 hosts: 1 succeeded, 1 failed, 1 not run", leaving out the zero counts. */
function tally<K extends string>(total: string, counts: Record<K, number>, words: Record<K, string>): string {
  const parts = (Object.keys(words) as K[])
    .filter((k) => counts[k] > 0)
    .map((k) => `${counts[k]} ${words[k]}`);
  return parts.length === 0 ? total : `${total}: ${parts.join(", ")}`;
}

function item(missed: NotApplied): string {
  if (missed.kind === "step") {
    const { step } = missed;
    return `- ${code(missed.host)}: ${code(step.id)} ${escapeMarkdown(step.description)} (${STEP_WORDS[step.status]})`;
  }
  const why = missed.error === undefined ? "" : `: ${escapeMarkdown(missed.error)}`;
  return `- ${code(missed.host)}: no step ran (${HOST_WORDS[missed.outcome]}${why})`;
}
