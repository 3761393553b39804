import { readdirSync } from "node:fs";
import { LabError } from "./labError.js";
import { BRIDGE, isLabHostObject, SUBNET } from "./labNames.js";
import { run, runOk } from "./run.js";

function ipv4ToInt(a: string): number {
  return a.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
}

/** True when two IPv4 prefixes share any address. */
export function prefixesOverlap(a: string, aLen: number, b: string, bLen: number): boolean {
  const len = Math.min(aLen, bLen);
  const mask = len === 0 ? 0 : 2 ** 32 - 2 ** (32 - len);
  const net = (x: string) => Math.floor(ipv4ToInt(x) / 2 ** (32 - len)) * 2 ** (32 - len);
  return mask === 0 || net(a) === net(b);
}

/**
 * Refuses when the lab's subnet is already used on this machine by an address or a route that
 * is not the lab's own bridge: the lab must never capture traffic meant for a real network.
 */
export async function assertSubnetFree(): Promise<void> {
  const addrs = JSON.parse(await runOk(["ip", "-j", "-4", "addr", "show"])) as Array<{
    ifname: string;
    addr_info?: Array<{ local: string; prefixlen: number }>;
  }>;
  for (const link of addrs) {
    if (link.ifname === BRIDGE) continue;
    for (const a of link.addr_info ?? []) {
      if (prefixesOverlap(a.local, a.prefixlen, SUBNET.network, SUBNET.prefix)) {
        throw new LabError(
          "subnet-in-use",
          `${SUBNET.network}/${SUBNET.prefix} overlaps ${a.local}/${a.prefixlen} on ${link.ifname}`,
        );
      }
    }
  }
  const routes = JSON.parse(await runOk(["ip", "-j", "-4", "route", "show", "table", "all"])) as Array<{
    dst: string;
    dev?: string;
  }>;
  for (const r of routes) {
    if (r.dst === "default" || r.dev === BRIDGE) continue;
    const [net = "", len = "32"] = r.dst.split("/");
    if (
      /^\d+\.\d+\.\d+\.\d+$/.test(net) &&
      prefixesOverlap(net, Number(len), SUBNET.network, SUBNET.prefix)
    ) {
      throw new LabError(
        "subnet-in-use",
        `${SUBNET.network}/${SUBNET.prefix} overlaps route ${r.dst} on ${r.dev ?? "?"}`,
      );
    }
  }
}

/** Creates the bridge with the lab's gateway address; no IPv6 link-local chatter. */
export async function createBridge(): Promise<void> {
  await runOk(["ip", "link", "add", "name", BRIDGE, "type", "bridge"]);
  await runOk(["ip", "link", "set", "dev", BRIDGE, "addrgenmode", "none"]);
  await runOk(["ip", "addr", "add", `${SUBNET.bridgeAddress}/${SUBNET.prefix}`, "dev", BRIDGE]);
  await runOk(["ip", "link", "set", "dev", BRIDGE, "up"]);
}

/**
 * Gives one host its network namespace and a veth pair: `eth0` inside with the host's address,
 * the other end on the bridge. No default route: hosts reach only the lab's subnet.
 */
export async function createHostNetwork(netns: string, veth: string, address: string): Promise<void> {
  await runOk(["ip", "netns", "add", netns]);
  await runOk(["ip", "link", "add", "name", veth, "type", "veth", "peer", "name", "eth0", "netns", netns]);
  await runOk(["ip", "link", "set", "dev", veth, "addrgenmode", "none"]);
  await runOk(["ip", "link", "set", "dev", veth, "master", BRIDGE, "up"]);
  await runOk(["ip", "-n", netns, "link", "set", "dev", "eth0", "addrgenmode", "none"]);
  await runOk(["ip", "-n", netns, "addr", "add", `${address}/${SUBNET.prefix}`, "dev", "eth0"]);
  await runOk(["ip", "-n", netns, "link", "set", "dev", "eth0", "up"]);
  await runOk(["ip", "-n", netns, "link", "set", "dev", "lo", "up"]);
}

/** Network namespaces with a lab host's name (found by name: no state file needed). */
export function labNetnsNames(): string[] {
  try {
    return readdirSync("/run/netns").filter(isLabHostObject).sort();
  } catch {
    return [];
  }
}

/** Links in the root namespace that the lab made: its bridge and the hosts' veth ends. */
export async function labLinkNames(): Promise<string[]> {
  const r = await run(["ip", "-j", "link", "show"]);
  if (r.code !== 0) return [];
  const links = JSON.parse(r.stdout) as Array<{ ifname: string }>;
  return links.map((l) => l.ifname).filter((n) => n === BRIDGE || isLabHostObject(n));
}

/** PIDs of every process in a network namespace (`ip netns pids`). */
export async function netnsPids(netns: string): Promise<number[]> {
  const r = await run(["ip", "netns", "pids", netns]);
  return r.code === 0 ? r.stdout.split(/\s+/).filter(Boolean).map(Number) : [];
}
