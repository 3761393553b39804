import type { InsideReport } from "./containerInspect.js";
import type { ContainerReport } from "./operationResult.js";

/**
 * The stale-mapping fields of a container's report: a count only from a whole report with every
 * process's mappings read; unknown is never reported as 0.
 */
export function staleFields(inside: InsideReport | undefined): Partial<ContainerReport> {
  if (!inside) return {};
  const known = inside.complete && inside.unknown.length === 0 && inside.staleMappings !== undefined;
  return {
    ...(known ? { staleMappings: inside.staleMappings } : {}),
    ...(inside.stale.length > 0 ? { staleProcesses: inside.stale } : {}),
    ...(inside.unknown.length > 0 ? { staleUnknown: inside.unknown } : {}),
  };
}

/**
 * Why a running container, after its restart, does not provably run the host's new packages:
 * no whole report from inside, a version its own dpkg reports that is not the host's, a process
 * still mapping a replaced file, or mappings it could not read.
 */
export function insideProblems(
  inside: InsideReport | undefined,
  packages: readonly string[],
  hostHas: Map<string, string | undefined>,
): string[] {
  if (!inside) return ["gave no report from inside"];
  const why: string[] = [];
  if (!inside.complete)
    why.push(inside.cut ? "its report from inside was cut" : "its report from inside is incomplete");
  for (const p of packages) {
    const host = hostHas.get(p);
    const seen = inside.sees[p];
    if (host !== undefined && seen !== host)
      why.push(
        `sees ${p} ${seen === undefined ? "nothing" : seen === "-" ? "not installed" : seen}, the host has ${host}`,
      );
  }
  for (const s of inside.stale) why.push(`${s.command} (pid ${s.pid}) maps replaced ${s.file}`);
  if (inside.unknown.length > 0)
    why.push(`cannot read the mappings of ${inside.unknown.join(", ")}: stale mappings unknown`);
  return why;
}
