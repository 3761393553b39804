import type { AuditEntry } from "../../ports/auditEntry.js";

/** The part of pino's logger (Probot's `app.log`, `context.log`) an audit trail needs. */
export interface AuditLogger {
  info(obj: object, msg: string): void;
}

/**
 * Writes audit entries through Probot's logger (pino) with `audit: true`, so one filter on that
 * field (`LOG_FORMAT=json`) gives the whole trail: one JSON line per command, refused or run, and
 * per deploy on merge, with the entry's fields at the top level. `fields` tag every line (the
 * GitLab handler's say `forge: "gitlab"`).
 */
export function auditLog(
  log: AuditLogger,
  fields: Readonly<Record<string, string>> = {},
): (entry: AuditEntry) => void {
  return (entry) =>
    log.info(
      { audit: true, ...fields, ...entry },
      `audit: ${entry.command ?? "(no command)"} by ${entry.actor} in ${entry.repo}: ${entry.outcome}` +
        (entry.result ? ` (${entry.result})` : ""),
    );
}
