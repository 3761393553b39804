import type { UnattendedReport } from "./unattendedJournal.js";

/** Most packages or containers named in one line; the rest are counted. */
const LIST_LIMIT = 20;

function listed(items: readonly string[]): string {
  const shown = items.slice(0, LIST_LIMIT).join(", ");
  return items.length > LIST_LIMIT ? `${shown} and ${items.length - LIST_LIMIT} more` : shown;
}

/**
 * A host's last unattended run in plain sentences, for the CLI's text and the markdown report
 * alike: when and how it ended, what was upgraded (before -> after), which containers were
 * restarted and whether healthy, which were left alone because they mapped nothing replaced, and
 * which still map replaced files, with why. An unreadable journal is one line saying so.
 */
export function unattendedLines(report: UnattendedReport): string[] {
  if (report.kind === "none") return [];
  if (report.kind === "unreadable") return [`unattended journal unreadable: ${report.reason}`];
  const { run } = report;
  const took = (Date.parse(run.finishedAt) - Date.parse(run.at)) / 1000;
  const how = { ok: "ok", attention: "NEEDS ATTENTION", skipped: "SKIPPED" }[run.outcome];
  const out = [
    `last unattended run ${run.at}${Number.isFinite(took) && took >= 0 ? ` (${took} s)` : ""}: ${how}${run.why ? ` (${run.why})` : ""}`,
  ];
  if (run.upgraded.length > 0)
    out.push(
      `upgraded ${listed(
        [...run.upgraded]
          .sort((a, b) => (a.package < b.package ? -1 : a.package > b.package ? 1 : 0))
          .map(
            (u) =>
              `${u.package} ${u.before === "-" ? "(new)" : u.before} -> ${u.after === "-" ? "(removed)" : u.after}`,
          ),
      )}`,
    );
  const restarted = run.containers.filter((c) => c.action === "restarted");
  if (restarted.length > 0)
    out.push(
      `restarted ${listed(
        restarted.map((c) => {
          const facts = [
            ...(c.healthy === undefined ? [] : [c.healthy ? "healthy" : "UNHEALTHY"]),
            ...Object.entries(c.sees ?? {}).map(([p, v]) => `sees ${p} ${v}`),
          ];
          return facts.length > 0 ? `${c.name} (${facts.join(", ")})` : c.name;
        }),
      )}`,
    );
  const clean = run.containers.filter((c) => c.action === "clean");
  if (clean.length > 0)
    out.push(`not restarted, mapping nothing replaced: ${listed(clean.map((c) => c.name))}`);
  for (const c of run.containers.filter((c) => c.why !== undefined && c.why !== "")) {
    const maps = (c.stale ?? []).map((s) => `${s.command} (pid ${s.pid}) maps replaced ${s.file}`);
    const what =
      c.action === "failed" ? "restart FAILED" : c.action === "left" ? "not restarted" : "STILL STALE";
    out.push(`${what}: ${c.name}: ${c.why}${maps.length > 0 ? `: ${maps.join("; ")}` : ""}`);
  }
  return out;
}
