import { assertLxcPath } from "./containerPaths.js";
import { DEBIAN_PACKAGE } from "./debianPackage.js";
import { CREATING_MARKER } from "./hostCommands.js";
import type { HostStep } from "./hostSteps.js";
import { shellQuote } from "./shellQuote.js";
import { JOURNAL_LINE_LIMIT } from "./unattendedJournal.js";

/** Prefix of every line the status script prints on stdout. */
export const STATUS_MARKER = "::hostroot-status";

/**
 * sha256 over every state file (path and bytes, in C-locale glob order), as one hex word. The
 * status script prints it and a deploy's guard step recomputes it under the host lock: equal
 * digests mean the host is still as it was when the plan was made.
 */
const STATE_DIGEST = `digest=$(for f in "$p"/*/hostroot.json; do
  if [ -f "$f" ]; then printf '%s\\n' "$f"; cat -- "$f"; fi
done | sha256sum | cut -c1-64)`;

const PATH_LINE =
  "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin; LC_ALL=C; export PATH LC_ALL";

/** Longest status line the parser reads: a state file is at most 64 KiB before base64. */
export const STATUS_LINE_LIMIT = 90_000;

/**
 * Reads a whole host in one exec: whether the host root is bound, the state digest, each listed
 * package's host version, every `<lxcPath>/*\/hostroot.json` (its first 64 KiB, base64, with
 * LXC's RUNNING or STOPPED from one `lxc-ls`), containers with a config but no state file (or,
 * marked {@link CREATING_MARKER}, being created by hostroot right now), and, for each running
 * container, the version of each package it sees from inside, read through the dpkg database as
 * the container sees it (no file a particular package happens to ship); last, the last line of
 * the unattended journal (`<lxcPath>/.hostroot/unattended.jsonl`, its last 64 KiB, base64), which
 * the post-dpkg hook writes. Only one glob level below
 * the lxcPath is read, never into the bind of `/`.
 *
 * Output is data, never structure: stdout carries only lines this script prints itself, each
 * `::hostroot-status KIND ...`. What a container says (its programs are its own: a delta can
 * replace dpkg-query) is cut to its first line, 128 bytes, and the characters of a Debian
 * version, and bounded in time, so it can only ever be one word of its own `sees` line. Dir
 * names travel only when they are DNS labels; anything else is counted, never printed.
 */
const STATUS_SCRIPT = `${PATH_LINE}
p=$1
shift
m=${STATUS_MARKER}
word() { head -n 1 | head -c 128 | tr -cd 'A-Za-z0-9.+~:-'; }
named() { case $1 in host | '' | -* | *- | *[!a-z0-9-]*) return 1 ;; esac; [ \${#1} -le 63 ]; }
if mountpoint -q "$p/host/rootfs"; then r=mounted; else r=absent; fi
printf '%s root %s\\n' "$m" "$r"
${STATE_DIGEST}
printf '%s digest %s\\n' "$m" "$digest"
for pkg in "$@"; do
  v=$(dpkg-query -W -f='\${Version}' -- "$pkg" 2>/dev/null | word) || v=
  printf '%s package %s %s\\n' "$m" "$pkg" "\${v:--}"
done
running=" $(lxc-ls -P "$p" --running -1 2>/dev/null | tr '\\n' ' ') "
for f in "$p"/*/hostroot.json; do
  [ -f "$f" ] || continue
  d=\${f%/hostroot.json}
  n=\${d##*/}
  if ! named "$n"; then printf '%s skipped\\n' "$m"; continue; fi
  case $running in *" $n "*) s=RUNNING ;; *) s=STOPPED ;; esac
  printf '%s state %s %s %s\\n' "$m" "$n" "$s" "$(head -c 65536 -- "$f" | base64 -w0)"
  [ "$s" = RUNNING ] || continue
  for pkg in "$@"; do
    v=$(timeout -k 2 10 lxc-attach -n "$n" -P "$p" --clear-env -v PATH=/usr/sbin:/usr/bin:/sbin:/bin -- sh -c \\
      'dpkg-query -W -f="\\\${Version}" -- "$1"' \\
      hostroot-sees "$pkg" 2>/dev/null </dev/null | word) || v=
    printf '%s sees %s %s %s\\n' "$m" "$n" "$pkg" "\${v:--}"
  done
done
for c in "$p"/*/config; do
  [ -f "$c" ] || continue
  d=\${c%/config}
  [ -e "$d/hostroot.json" ] && continue
  n=\${d##*/}
  if ! named "$n"; then printf '%s skipped\\n' "$m"; continue; fi
  if [ -e "$d/${CREATING_MARKER}" ]; then k=creating; else k=unmanaged; fi
  printf '%s %s %s\\n' "$m" "$k" "$n"
done
j=$p/.hostroot/unattended.jsonl
u=
if [ -f "$j" ]; then u=$(tail -c ${JOURNAL_LINE_LIMIT} -- "$j" | tail -n 1 | head -c ${JOURNAL_LINE_LIMIT} | base64 -w0); fi
printf '%s unattended %s\\n' "$m" "\${u:-none}"
printf '%s done\\n' "$m"`;

/**
 * The one command that reads a host for `hostroot status` and for planning. Package names are
 * checked against Debian's rule and travel as positional parameters, never as script text.
 */
export function statusScript(lxcPath: string, packages: readonly string[] = []): string {
  for (const p of packages)
    if (!DEBIAN_PACKAGE.test(p)) throw new Error(`statusScript: not a Debian package name: ${p}`);
  return `${shellQuote(["sh", "-c", STATUS_SCRIPT, "hostroot-status", assertLxcPath(lxcPath), ...packages])}\n`;
}

/** Exit code of the guard step when the host's state files changed since they were observed. */
export const STALE_PLAN_EXIT = 3;

/**
 * First step of a deploy script: fails with {@link STALE_PLAN_EXIT} unless the state files still
 * have the digest the plan was made from. A deploy that waited for the host lock behind another
 * one thus never applies a plan the other made stale (its creates would meet existing deltas).
 */
export function stateGuardStep(lxcPath: string, digest: string): HostStep {
  if (!/^[0-9a-f]{64}$/.test(digest)) throw new Error(`stateGuardStep: not a sha256 digest: ${digest}`);
  const script = `${PATH_LINE}
p=$1
${STATE_DIGEST}
if [ "$digest" != "$2" ]; then
  echo "hostroot: the host's containers changed since they were observed" >&2
  exit ${STALE_PLAN_EXIT}
fi`;
  return {
    id: "host.guard",
    description: "check the host is as observed",
    argv: ["sh", "-c", script, "hostroot-guard", assertLxcPath(lxcPath), digest],
  };
}
