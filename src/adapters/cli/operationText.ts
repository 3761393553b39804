import { notApplied, type OperationResult, type StepResult } from "../../core/operationResult.js";
import { unattendedLines } from "../../core/unattendedLines.js";

const MARK: Record<StepResult["status"], string> = {
  applied: "ok",
  failed: "FAILED",
  "not-run": "not run",
  skipped: "skip",
};

/** The last lines of a step's output, indented under it. */
function outputTail(output: string, lines = 12): string[] {
  return output
    .trimEnd()
    .split("\n")
    .slice(-lines)
    .map((l) => `        | ${l}`);
}

/**
 * An operation's result for a terminal: the headline, then per host its outcome, each step with
 * its status (a failed step with its exit code and output tail), the containers as seen from
 * inside, and a closing "not applied" list so nothing left undone has to be inferred.
 */
export function formatOperationText(result: OperationResult, notes?: ReadonlyMap<string, string[]>): string {
  const out = [
    `${result.operation} ${result.outcome}${result.dryRun ? " (dry run)" : ""}: ${result.summary}`,
  ];
  for (const h of result.hosts) {
    out.push(`  ${h.host} (${h.platform}): ${h.outcome}${h.error ? ` — ${h.error}` : ""}`);
    for (const n of notes?.get(h.host) ?? []) out.push(`    note: ${n}`);
    for (const s of h.steps) {
      const exit =
        s.status === "failed" && s.exitCode !== undefined ? ` (exit ${s.exitCode ?? "killed"})` : "";
      out.push(`    ${MARK[s.status].padEnd(7)} ${s.id.padEnd(28)} ${s.description}${exit}`);
      if (s.status === "failed" && s.output) out.push(...outputTail(s.output));
    }
    for (const p of h.packages ?? []) {
      const change =
        p.before === p.after ? (p.after ?? "not installed") : `${p.before ?? "none"} -> ${p.after ?? "none"}`;
      out.push(`    package ${p.name} ${change}`);
    }
    for (const c of h.containers ?? []) {
      const facts: string[] = [c.state];
      if (c.healthy !== undefined) facts.push(c.healthy ? "healthy" : "UNHEALTHY");
      if (c.commit) facts.push(`commit ${c.commit.slice(0, 12)}`);
      if (c.owner) facts.push(`owner ${c.owner}`);
      for (const [pkg, v] of Object.entries(c.sees ?? {})) facts.push(`sees ${pkg} ${v}`);
      if ((c.staleMappings ?? 0) > 0) facts.push(`${c.staleMappings} stale mapping(s)`);
      for (const p of c.staleProcesses ?? [])
        facts.push(`${p.command} (pid ${p.pid}) maps replaced ${p.file}`);
      if ((c.staleUnknown ?? []).length > 0)
        facts.push(`stale mappings UNKNOWN (cannot read ${(c.staleUnknown ?? []).join(", ")})`);
      out.push(`    container ${c.name}: ${facts.join(", ")}`);
    }
    if (h.unattended) for (const l of unattendedLines(h.unattended)) out.push(`    unattended: ${l}`);
  }
  const missed = notApplied(result);
  if (missed.length > 0 && !result.dryRun) {
    out.push("Not applied:");
    for (const m of missed)
      out.push(
        m.kind === "step"
          ? `  ${m.host}: ${m.step.id} (${m.step.status})`
          : `  ${m.host}: whole host (${m.outcome}${m.error ? `: ${m.error}` : ""})`,
      );
  }
  return `${out.join("\n")}\n`;
}
