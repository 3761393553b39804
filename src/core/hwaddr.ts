import { createHash } from "node:crypto";

/**
 * The MAC a replica carries when its definition gives none: 00:16:3e (the prefix LXC itself
 * uses for generated addresses) and three bytes of sha256(`name#replica`). Stable across
 * deploys and hosts, so a container keeps its DHCP lease when it is reconfigured or moved.
 */
export function hwaddr(name: string, replica: number): string {
  const digest = createHash("sha256").update(`${name}#${replica}`).digest();
  const tail = [...digest.subarray(0, 3)].map((b) => b.toString(16).padStart(2, "0"));
  return ["00", "16", "3e", ...tail].join(":");
}
