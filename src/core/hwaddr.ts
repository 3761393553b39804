import { createHash } from "node:crypto";

/**
 * The MAC a replica carries when its definition gives none: a locally administered unicast
 * address (first byte `x2`, `x6`, `xa` or `xe`) whose other 46 bits come from
 * sha256(`name#replica`). Stable across deploys and hosts, so a container keeps its DHCP lease
 * when it is reconfigured. 46 bits rather than LXC's 24 under its 00:16:3e prefix: a pool of
 * 20,000 replicas would expect about a dozen collisions in 24 bits, and about none in 46.
 */
export function hwaddr(name: string, replica: number): string {
  const digest = createHash("sha256").update(`${name}#${replica}`).digest();
  const bytes = [...digest.subarray(0, 6)];
  // Clear the multicast bit, set the locally-administered bit (IEEE 802 first-octet flags).
  bytes[0] = ((bytes[0] ?? 0) & 0xfc) | 0x02;
  return bytes.map((b) => b.toString(16).padStart(2, "0")).join(":");
}
