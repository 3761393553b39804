import type { OperationResult } from "../core/operationResult.js";
import { summarise } from "../core/operationResult.js";
import type { AuditEntry } from "../ports/auditEntry.js";

export type { AuditEntry };

/** The `result`, `summary`, `hosts` and `packages` fields of an audit entry, from an operation's result. */
export function auditResult(
  result: OperationResult,
): Pick<AuditEntry, "result" | "summary" | "hosts" | "packages" | "commit"> {
  const counts = Object.entries(summarise(result).hosts).filter(([, n]) => n > 0);
  const packages = new Map<string, { before: Set<string>; after: Set<string> }>();
  for (const host of result.hosts)
    for (const p of host.packages ?? []) {
      const entry = packages.get(p.name) ?? { before: new Set(), after: new Set() };
      if (p.before !== undefined) entry.before.add(p.before);
      if (p.after !== undefined) entry.after.add(p.after);
      packages.set(p.name, entry);
    }
  return {
    result: result.outcome,
    summary: result.summary,
    hosts: Object.fromEntries(counts),
    ...(packages.size === 0
      ? {}
      : {
          packages: [...packages].map(([name, v]) => ({
            name,
            before: [...v.before].sort(),
            after: [...v.after].sort(),
          })),
        }),
    ...(result.commit ? { commit: result.commit } : {}),
  };
}
