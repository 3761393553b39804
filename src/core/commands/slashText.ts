import { DEBIAN_PACKAGE } from "../debianPackage.js";
import { DNS_LABEL } from "../definitionSchema.js";

/** A Debian package, optionally pinned to one version (`libc6=2.36-9+deb12u4`). */
export interface PackageSpec {
  name: string;
  version?: string;
}

/** Debian policy 5.6.1: lowercase letters, digits, `+ - .`; at least two characters. */
export const PACKAGE_NAME = DEBIAN_PACKAGE;
/** Debian policy 5.6.12: `[epoch:]upstream[-revision]`, upstream starting with a digit. */
export const PACKAGE_VERSION = /^(?:[0-9]{1,9}:)?[0-9][A-Za-z0-9.+~]*(?:-[A-Za-z0-9.+~]+)*$/;
/** Same rule as the pool's platform keys (`debian-12`, `ubuntu-24.04`). */
export const PLATFORM_ID = /^[a-z0-9][a-z0-9.-]*$/;
/** Host and container names are DNS labels, as in definitions and the pool. */
export { DNS_LABEL };

/**
 * Bounds on one command line. Generous for real use (50 packages with versions fit), small enough
 * that a hostile comment cannot make a reply, a lock queue entry or a log line explode.
 */
export const SLASH_LIMITS = {
  lineChars: 4000,
  tokenChars: 200,
  packages: 50,
  hosts: 100,
  /** Echoed user text is cut to this many characters in replies. */
  echoChars: 60,
} as const;

/**
 * Renders user text so a reply shows it literally: a code span (no markdown, HTML, @mentions or
 * #references inside) whose backtick fence is longer than any run in the text, with non-ASCII and
 * control characters written as `\u{...}` so look-alikes and invisible characters stand out.
 */
export function echo(text: string, max: number = SLASH_LIMITS.echoChars): string {
  if (text === "") return "(empty)";
  let visible = "";
  let count = 0;
  for (const c of text) {
    if (count === max) {
      visible += "…";
      break;
    }
    visible += /^[\x20-\x7e]$/.test(c) ? c : `\\u{${(c.codePointAt(0) ?? 0).toString(16)}}`;
    count++;
  }
  const longestRun = Math.max(0, ...(visible.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longestRun + 1);
  // CommonMark strips one space on each side, which lets content start or end with a backtick.
  const pad = /^[` ]|[` ]$/.test(visible) ? " " : "";
  return `${fence}${pad}${visible}${pad}${fence}`;
}
