import type { ValuePath } from "./located.js";

/**
 * A value path written the way a YAML author reads it: `mounts[0].source`,
 * `pool.platforms.debian-12.hosts[1]`, `placement.labels["topology.io/zone"]`. Keys that would be
 * ambiguous next to `.` and `[` are quoted. The empty path gives `fallback` ("the definition").
 */
export function formatPath(path: ValuePath, fallback = "the top level"): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (/^[A-Za-z0-9_-]+$/.test(seg)) out += out === "" ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out === "" ? fallback : out;
}
