import { type Diagnostic, diagnostic } from "./diagnostic.js";
import type { Located, ValuePath } from "./located.js";

/**
 * The config rules that make "the config validates" mean "deploy can build from it": each value
 * that becomes an LXC config line, the overlayfs rootfs spec or a host command argument is checked
 * here, with its position, so nothing the renderers and script builders refuse is found only when
 * a deploy or an upgrade runs. They read the raw value (the schema reports wrong shapes).
 */
export function validateConfigDeployable(located: Located<unknown>): Diagnostic[] {
  const out: Diagnostic[] = [];
  const report = (path: ValuePath, rule: string, message: string) =>
    out.push(diagnostic(located.file, located.span(path), rule, message));
  const policy = field(located.value, "policy");

  const paths: Array<[ValuePath, unknown]> = [];
  for (const [platform, p] of entries(field(field(located.value, "pool"), "platforms"))) {
    const hosts = field(p, "hosts");
    if (!Array.isArray(hosts)) continue;
    hosts.forEach((h, i) => {
      const at: ValuePath = ["pool", "platforms", platform, "hosts", i, "lxcPath"];
      const lxcPath = field(h, "lxcPath");
      paths.push([at, lxcPath]);
      // The rootfs spec is `overlayfs:<lower>:<upper>` and LXC trims blanks around values.
      if (typeof lxcPath === "string" && /[\s:\\\p{Cc}]/u.test(lxcPath))
        report(
          at,
          "config/lxc-path-unusable",
          `lxcPath '${shown(lxcPath)}' has a ':', a blank, a backslash or a control character, which the overlayfs rootfs spec and LXC config lines cannot carry`,
        );
    });
  }
  const masks = field(policy, "masks");
  for (const key of ["files", "dirs"] as const) {
    const list = field(masks, key);
    if (Array.isArray(list))
      for (const [i, v] of list.entries()) paths.push([["policy", "masks", key, i], v]);
  }
  paths.push([["policy", "deployKeyPath"], field(policy, "deployKeyPath")]);
  const sources = field(field(policy, "mounts"), "allowedSources");
  if (Array.isArray(sources))
    for (const [i, v] of sources.entries()) paths.push([["policy", "mounts", "allowedSources", i], v]);
  for (const [path, value] of paths) {
    if (typeof value !== "string" || !value.startsWith("/")) continue;
    const segments = value.split("/");
    if (!segments.some((s) => s === "." || s === "..")) continue;
    report(
      path,
      "config/path-not-normalised",
      `'${shown(value)}' has a '.' or '..' component: hosts would be asked to work on a path other than the one written; write the path it means`,
    );
  }

  const profile = field(policy, "apparmorProfile");
  if (typeof profile === "string" && (/\p{Cc}/u.test(profile) || profile.trim() !== profile))
    report(
      ["policy", "apparmorProfile"],
      "config/apparmor-profile",
      `apparmorProfile '${shown(profile)}' has a control character or blanks at an end, which an LXC config line cannot carry`,
    );
  return out;
}

/** Control characters as escapes, so a message shows where they are without carrying them. */
function shown(s: string): string {
  return s.replace(/\p{Cc}/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function field(v: unknown, key: string): unknown {
  return v !== null && typeof v === "object" && !Array.isArray(v) && Object.hasOwn(v, key)
    ? (v as Record<string, unknown>)[key]
    : undefined;
}

function entries(v: unknown): [string, unknown][] {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? Object.entries(v) : [];
}
