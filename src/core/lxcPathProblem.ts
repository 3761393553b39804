import { isSameOrUnder } from "./systemPaths.js";

/** The host's own system trees: an lxcPath at or below one would mix containers into the system. */
const SYSTEM_TREES: readonly string[] = [
  "/usr",
  "/etc",
  "/bin",
  "/sbin",
  "/lib",
  "/lib32",
  "/lib64",
  "/libx32",
  "/boot",
  "/proc",
  "/sys",
  "/dev",
  "/run",
  "/var/lib/dpkg",
  "/var/lib/apt",
  "/var/lib/systemd",
  "/var/cache",
  "/var/log",
  "/var/spool",
  "/var/mail",
  "/var/backups",
];

/**
 * Home and temporary trees: other users (or tmp cleaners) can create, replace or delete what is
 * below them, and every container masks them anyway. Refused by the config rule; the last guard
 * in {@link assertLxcPath} lets scratch dirs below them through, for scripts run in tests.
 */
const USER_TREES: readonly string[] = ["/root", "/home", "/tmp", "/var/tmp", "/dev/shm"];

/** Directories whose children are the system's or other software's: fine above an lxcPath, not as one. */
const SYSTEM_DIRS: readonly string[] = ["/var", "/var/lib", "/srv", "/opt", "/mnt", "/media", "/snap"];

/**
 * Why `lxcPath` (absolute, normalised) cannot hold hostroot's containers, or undefined. hostroot
 * creates `<lxcPath>/<name>` for containers, hides the lxcPath from every container and removes
 * container dirs below it, so the host's root, a system tree, a directory above one, or one whose
 * children belong to someone else would put the host itself in reach. `strict` (the config rule)
 * also refuses anything below home and temporary trees.
 */
export function lxcPathProblem(lxcPath: string, strict = true): string | undefined {
  const p = lxcPath.replace(/\/+$/, "") || "/";
  if (p === "/") return "is the host's root: containers would be created next to /etc and /usr";
  const all = [...SYSTEM_TREES, ...USER_TREES, ...SYSTEM_DIRS];
  const holds = all.find((s) => s !== p && isSameOrUnder(s, p));
  if (holds) return `holds the host's ${holds}`;
  const tree = SYSTEM_TREES.find((s) => isSameOrUnder(p, s));
  if (tree) return `is ${p === tree ? "" : "inside "}the host's system tree ${tree}`;
  if (SYSTEM_DIRS.includes(p)) return `is the host's ${p}, whose other directories are not hostroot's`;
  const user = USER_TREES.find((s) => (strict ? isSameOrUnder(p, s) : p === s));
  if (user) return `is ${p === user ? "" : "inside "}${user}, which other users or cleaners can change`;
  return undefined;
}
