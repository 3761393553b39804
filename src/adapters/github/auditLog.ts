import type { Context } from "probot";
import type { AuditEntry } from "../../workflows/commandAudit.js";

/**
 * Writes audit entries through Probot's logger (pino) as a child with `audit: true`, so one
 * filter on that field (`LOG_FORMAT=json`) gives the whole trail: one JSON line per command,
 * refused or run, and per deploy on merge, with the entry's fields at the top level.
 */
export function auditLog(log: Context["log"]): (entry: AuditEntry) => void {
  const child = log.child({ audit: true });
  return (entry) => {
    child.info(
      entry,
      `audit: ${entry.command ?? "(no command)"} by ${entry.actor} in ${entry.repo}: ${entry.outcome}` +
        (entry.result ? ` (${entry.result})` : ""),
    );
  };
}
