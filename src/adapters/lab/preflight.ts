import { accessSync, constants } from "node:fs";
import { join } from "node:path";
import { LabError } from "./labError.js";
import { LAB_TOOLS } from "./labPackages.js";

const SYSTEM_PATH = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

/** True when `tool` is an executable on PATH or in the usual system directories. */
export function hasTool(tool: string): boolean {
  const dirs = [...(process.env.PATH ?? "").split(":").filter(Boolean), ...SYSTEM_PATH];
  return dirs.some((d) => {
    try {
      accessSync(join(d, tool), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Why this machine cannot run the lab, or undefined when it can (root and every tool present). */
export function labUnavailableReason(): string | undefined {
  if (process.getuid?.() !== 0) return "the lab needs root (namespaces, mounts, cgroups, a bridge)";
  const missing = LAB_TOOLS.filter(([tool]) => !hasTool(tool));
  if (missing.length === 0) return undefined;
  const pkgs = [...new Set(missing.map(([, p]) => p))].join(" ");
  return `missing ${missing.map(([t]) => t).join(", ")}: apt-get install -y ${pkgs}`;
}

/** Throws a {@link LabError} saying what is missing when the lab cannot run here. */
export function assertLabAvailable(): void {
  const why = labUnavailableReason();
  if (why) throw new LabError(why.startsWith("the lab needs root") ? "not-root" : "missing-tools", why);
}
