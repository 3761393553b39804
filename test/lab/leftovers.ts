import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { run } from "../../src/adapters/lab/run.js";

/**
 * What of a lab is still on this machine, looked up independently of the lab's own code: netns,
 * links, mounts and cgroups named with the lab prefix, mounts under the state dir, and processes
 * whose argv names the state dir.
 */
export async function labLeftovers(stateDir: string): Promise<string[]> {
  const out: string[] = [];
  if (existsSync("/run/netns"))
    out.push(
      ...readdirSync("/run/netns")
        .filter((n) => n.startsWith("hrlab"))
        .map((n) => `netns ${n}`),
    );
  const links = await run(["ip", "-o", "link", "show"]);
  for (const line of links.stdout.split("\n")) {
    const name = line.split(":")[1]?.trim().split("@")[0];
    if (name?.startsWith("hrlab")) out.push(`link ${name}`);
  }
  for (const line of readFileSync("/proc/self/mountinfo", "utf8").split("\n")) {
    const point = line.split(" ")[4] ?? "";
    if (point.startsWith(stateDir) || point.includes("hrlab")) out.push(`mount ${point}`);
  }
  const walk = (dir: string, depth: number) => {
    if (depth > 8) return;
    let entries: string[] = [];
    try {
      entries = readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name);
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.startsWith("hrlab")) out.push(`cgroup ${join(dir, e)}`);
      else walk(join(dir, e), depth + 1);
    }
  };
  walk("/sys/fs/cgroup", 0);
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      if (argv.includes(`${stateDir}/`) && Number(pid) !== process.pid)
        out.push(`process ${pid}: ${argv.replaceAll("\0", " ")}`);
    } catch {
      // Exited meanwhile.
    }
  }
  return out;
}
