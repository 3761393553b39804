import type { ContainerReport, HostOutcome, HostResult, StepResult, StepStatus } from "../operationResult.js";
import { unattendedLines } from "../unattendedLines.js";
import { code, codeFence, escapeMarkdown, htmlCode } from "./escapeMarkdown.js";
import { formatDuration } from "./formatDuration.js";
import { markdownTable } from "./markdownTable.js";

const HOST_OUTCOME: Record<HostOutcome, string> = {
  succeeded: "✅ succeeded",
  failed: "❌ failed",
  skipped: "⏭️ skipped",
  unreachable: "🔌 unreachable",
  "not-run": "⏸️ not run",
};

const STEP_STATUS: Record<StepStatus, string> = {
  applied: "✅ applied",
  failed: "❌ failed",
  "not-run": "⏸️ not run",
  skipped: "⏭️ skipped",
};

/**
 * One host's section of an operation report: its steps, the packages before and after, each
 * container with the versions it sees from inside, and failed steps' output folded away.
 */
export function renderHostResult(host: HostResult): string {
  const blocks = [
    `#### ${code(host.host)} · ${escapeMarkdown(host.platform)} · ${HOST_OUTCOME[host.outcome]}\n`,
  ];
  if (host.error !== undefined) blocks.push(`**Error:** ${escapeMarkdown(host.error)}\n`);
  else if (host.outcome === "not-run" && host.steps.length === 0) blocks.push("Nothing ran on this host.\n");
  if (host.steps.length > 0) {
    const rows = host.steps.map((s) => [
      code(s.id),
      escapeMarkdown(s.description),
      STEP_STATUS[s.status],
      exit(s),
      s.durationMs === undefined ? "" : formatDuration(s.durationMs),
    ]);
    blocks.push(markdownTable(["Step", "What", "Status", "Exit", "Time"], rows));
  }
  const packages = host.packages ?? [];
  if (packages.length > 0) {
    const rows = packages.map((p) => [code(p.name), version(p.before), version(p.after)]);
    blocks.push(markdownTable(["Package", "Before", "After"], rows));
  }
  const containers = host.containers ?? [];
  if (containers.length > 0) {
    // What the host has after the operation: a container seeing anything else missed the upgrade.
    const hostHas = new Map(packages.flatMap((p) => (p.after === undefined ? [] : [[p.name, p.after]])));
    // Owners are shown when the report has them (status): whose container each one is.
    const owners = containers.some((c) => c.owner !== undefined);
    const rows = containers.map((c) => [
      code(c.name),
      c.state,
      c.healthy === undefined ? "—" : c.healthy ? "✅ healthy" : "❌ unhealthy",
      c.commit === undefined ? "—" : code(c.commit.slice(0, 7)),
      ...(owners ? [c.owner === undefined ? "—" : code(c.owner)] : []),
      sees(c, hostHas),
      staleCell(c),
      (c.shadowed ?? []).length === 0 ? "—" : `⚠️ ${(c.shadowed ?? []).map(code).join(", ")}`,
    ]);
    blocks.push(
      markdownTable(
        [
          "Container",
          "State",
          "Health",
          "Commit",
          ...(owners ? ["Owner"] : []),
          "Sees from inside",
          "Stale mappings",
          "Shadows",
        ],
        rows,
      ),
    );
  }
  const unattended = host.unattended ? unattendedLines(host.unattended) : [];
  if (unattended.length > 0)
    blocks.push(`**Unattended upgrades**\n\n${unattended.map((l) => `- ${escapeMarkdown(l)}`).join("\n")}\n`);
  for (const step of host.steps) {
    if (step.status === "failed" && step.output !== undefined) blocks.push(failureDetails(host.host, step));
  }
  return blocks.join("\n");
}

function exit(step: StepResult): string {
  if (step.exitCode === undefined) return "";
  return step.exitCode === null ? "killed" : String(step.exitCode);
}

/** Unknown (unreadable mappings) is shown as such, never as 0 or a dash. */
function staleCell(c: ContainerReport): string {
  if ((c.staleUnknown ?? []).length > 0) return "⚠️ unknown";
  if (c.staleMappings === undefined) return "—";
  return c.staleMappings > 0 ? `⚠️ ${c.staleMappings}` : "0";
}

function version(v: string | undefined): string {
  return v === undefined ? "—" : code(v);
}

function sees(c: ContainerReport, hostHas: Map<string, string>): string {
  const entries = Object.entries(c.sees ?? {});
  if (entries.length === 0) return "—";
  return entries
    .map(([name, seen]) => {
      const expected = hostHas.get(name);
      const missed = expected !== undefined && expected !== seen ? ` ⚠️ host has ${code(expected)}` : "";
      return `${code(name)} ${code(seen)}${missed}`;
    })
    .join("<br>");
}

function failureDetails(host: string, step: StepResult): string {
  const tail = step.outputTruncated === true ? "last lines of output" : "output";
  const summary = `❌ ${htmlCode(step.id)} on ${htmlCode(host)}: ${tail}`;
  return `<details><summary>${summary}</summary>\n\n${codeFence(step.output ?? "", "text")}\n</details>\n`;
}
