/**
 * Paths a container shares with its host through the read-only lower layer. Host security fixes
 * land here (libc, OpenSSL, CA certificates); a delta that hides or mounts over them keeps the
 * old files forever, so hostroot refuses to let a definition shadow them.
 */
export const SHARED_SYSTEM_PATHS: readonly string[] = [
  "/usr",
  "/lib",
  "/lib32",
  "/lib64",
  "/libx32",
  "/bin",
  "/sbin",
  "/etc/ssl",
];

/** Kernel interfaces LXC sets up itself; binding over them or exposing the host's is refused. */
export const KERNEL_PATHS: readonly string[] = ["/proc", "/sys", "/dev"];

/** True when `path` is `prefix` or lies below it, comparing whole components (/srv/bill is not under /srv/b). */
export function isSameOrUnder(path: string, prefix: string): boolean {
  if (prefix === "/") return path.startsWith("/");
  return path === prefix || path.startsWith(`${prefix}/`);
}

/**
 * Resolves `.`, `..`, `//` and a trailing `/` lexically (never touching a filesystem) and says
 * whether the path was already written that way. Rules check the resolved form so `/usr/` is
 * refused as a system path as well as reported as not normalised.
 */
export function normalisePath(path: string): { path: string; normalised: boolean } {
  const parts: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  const resolved = `/${parts.join("/")}`;
  return { path: resolved, normalised: path === resolved };
}

/**
 * The first of `protectedPaths` that `path` covers: equal to it, under it, or a parent of it
 * (hiding `/etc` hides `/etc/ssl`). `path` must already be normalised.
 */
export function coveredSystemPath(path: string, protectedPaths: readonly string[]): string | undefined {
  return protectedPaths.find((p) => isSameOrUnder(path, p) || isSameOrUnder(p, path));
}
