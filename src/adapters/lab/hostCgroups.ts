import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { isLabHostObject } from "./labNames.js";
import { readMountInfo } from "./mountInfo.js";

/** One cgroup hierarchy of this machine, where this process sits in it, and how a host mounts it. */
export interface CgroupHierarchy {
  /** Where it is mounted here, e.g. `/sys/fs/cgroup/memory`. */
  mountPoint: string;
  /** This process's cgroup in it, e.g. `/process_api/abc`. */
  path: string;
  /** `NAME=OPTIONS` for the host's init script: `memory=memory`, `systemd=none,name=systemd`, `unified=cgroup2`. */
  innerSpec: string;
}

/**
 * The hierarchies a test host must join and mount. /proc/self/cgroup is read once, whole: it
 * changes while it is read line by line when this process moves.
 */
export function cgroupHierarchies(): CgroupHierarchy[] {
  const mounts = readMountInfo().filter(
    (m) => (m.fsType === "cgroup" || m.fsType === "cgroup2") && m.mountPoint.startsWith("/sys/fs/cgroup"),
  );
  const lines = readFileSync("/proc/self/cgroup", "utf8").split("\n").filter(Boolean);
  const out: CgroupHierarchy[] = [];
  for (const line of lines) {
    const [id = "", ctl = "", ...rest] = line.split(":");
    const path = rest.join(":");
    if (id === "0") {
      const m = mounts.find((x) => x.fsType === "cgroup2");
      if (!m) continue;
      // A pure cgroup2 machine mounts it at /sys/fs/cgroup itself: "." tells the init script so.
      const dir = m.mountPoint === "/sys/fs/cgroup" ? "." : basename(m.mountPoint);
      out.push({ mountPoint: m.mountPoint, path, innerSpec: `${dir}=cgroup2` });
      continue;
    }
    const wanted = ctl.split(",").filter(Boolean);
    const m = mounts.find(
      (x) => x.fsType === "cgroup" && wanted.every((c) => x.superOptions.split(",").includes(c)),
    );
    if (!m) continue;
    const controllers = wanted.filter((c) => !c.startsWith("name="));
    const names = wanted.filter((c) => c.startsWith("name="));
    const opts = [...(controllers.length > 0 ? controllers : ["none"]), ...names].join(",");
    out.push({ mountPoint: m.mountPoint, path, innerSpec: `${basename(m.mountPoint)}=${opts}` });
  }
  return out;
}

/**
 * Creates the host's own child cgroup in every hierarchy, below this process's cgroup, and
 * returns their directories. cpuset needs its cpus and mems filled before anything may join.
 */
export function createHostCgroups(hierarchies: readonly CgroupHierarchy[], cgroupName: string): string[] {
  return hierarchies.map((h) => {
    const parent = join(h.mountPoint, h.path);
    const dir = join(parent, cgroupName);
    mkdirSync(dir, { recursive: true });
    for (const f of ["cpuset.cpus", "cpuset.mems"]) {
      const mine = join(dir, f);
      if (existsSync(mine) && readFileSync(mine, "utf8").trim() === "") {
        writeFileSync(mine, readFileSync(join(parent, f), "utf8"));
      }
    }
    return dir;
  });
}

/**
 * Every lab host cgroup on this machine (`hrlab-hN` in any hierarchy), found by name so that a
 * run killed before writing its state leaves nothing behind.
 */
export function findLabCgroups(maxDepth = 8): string[] {
  const found: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > maxDepth) return;
    let entries: string[];
    try {
      entries = readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name);
    } catch {
      return;
    }
    for (const e of entries) {
      if (isLabHostObject(e)) found.push(join(dir, e));
      else walk(join(dir, e), depth + 1);
    }
  };
  for (const m of readMountInfo()) {
    if (m.fsType === "cgroup" || m.fsType === "cgroup2") walk(m.mountPoint, 0);
  }
  return [...new Set(found)].sort();
}

/**
 * Removes a host cgroup and everything LXC made below it (`lxc.pivot`, `lxc.payload.*`), deepest
 * first. A cgroup whose last process is still exiting refuses briefly, so each rmdir is retried.
 * Returns what it could not remove.
 */
export async function removeCgroupTree(root: string): Promise<string[]> {
  const dirs: string[] = [];
  const walk = (d: string) => {
    dirs.push(d);
    try {
      for (const e of readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) walk(join(d, e.name));
    } catch {
      // Already gone.
    }
  };
  walk(root);
  dirs.sort((a, b) => b.split("/").length - a.split("/").length);
  const left: string[] = [];
  for (const d of dirs) {
    let ok = false;
    for (let i = 0; i < 100 && !ok; i++) {
      try {
        rmdirSync(d);
        ok = true;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === "ENOENT") ok = true;
        else await new Promise((r) => setTimeout(r, 20));
      }
    }
    if (!ok) left.push(d);
  }
  return left;
}
