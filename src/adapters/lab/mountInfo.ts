import { readFileSync } from "node:fs";
import { LabError } from "./labError.js";
import { run } from "./run.js";

/** mountinfo escapes space, tab, newline and backslash as octal. */
function unescapeMountPath(p: string): string {
  return p.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
}

/** One line of /proc/self/mountinfo: where it is mounted, its type and its super options. */
export interface MountEntry {
  mountPoint: string;
  fsType: string;
  source: string;
  superOptions: string;
}

/** The mounts this process sees, in mount order. */
export function readMountInfo(): MountEntry[] {
  return readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .filter((l) => l.length > 0)
    .map((line) => {
      const [pre = "", post = ""] = line.split(" - ");
      const fields = pre.split(" ");
      const [fsType = "", source = "", superOptions = ""] = post.split(" ");
      return { mountPoint: unescapeMountPath(fields[4] ?? ""), fsType, source, superOptions };
    });
}

/** Mount points at or below `dir`, deepest first (so each can be unmounted in this order). */
export function mountsUnder(dir: string): string[] {
  const prefix = dir.endsWith("/") ? dir : `${dir}/`;
  const points = readMountInfo()
    .map((m) => m.mountPoint)
    .filter((p) => p === dir || p.startsWith(prefix));
  return [...new Set(points)].sort((a, b) => b.split("/").length - a.split("/").length || b.localeCompare(a));
}

/**
 * Unmounts everything at or below `dir`, deepest first; a busy mount is detached lazily. Returns
 * what it unmounted. Throws if anything is still mounted below afterwards, because a recursive
 * delete would then walk into the mounted tree (a bind of `/` would take the real root with it).
 */
export async function unmountAllUnder(dir: string): Promise<string[]> {
  const done: string[] = [];
  for (let round = 0; round < 5; round++) {
    const points = mountsUnder(dir);
    if (points.length === 0) return done;
    for (const p of points) {
      const r = await run(["umount", p]);
      if (r.code !== 0) await run(["umount", "-l", p]);
      done.push(p);
    }
  }
  assertNothingMountedUnder(dir);
  return done;
}

/** Refuses (throws) when anything is mounted at or below `dir`. */
export function assertNothingMountedUnder(dir: string): void {
  const left = mountsUnder(dir);
  if (left.length > 0) {
    throw new LabError(
      "still-mounted",
      `refusing to delete ${dir}: still mounted below it: ${left.join(", ")}; unmount these first`,
    );
  }
}
