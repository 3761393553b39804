/**
 * argv builders for host-side work. The few things that need shell logic (loops, tests) are
 * constant scripts run as `sh -c SCRIPT NAME ARG...`: data only ever arrives as positional
 * parameters, never as script text, and every argv is quoted by shellQuote when a script is built.
 */

/** PATH inside a container: lxc-attach --clear-env leaves only the variables hostroot sets. */
export const CONTAINER_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** Where a service's stdout and stderr go, inside the container (its /var/log is its own). */
export const SERVICE_LOG = "/var/log/hostroot-service.log";

/**
 * `lxc-attach` with a cleared environment: the host's environment (SSH_*, the operator's locale,
 * anything a deploy tool exported) must not leak into a container or change what a command does.
 */
export function lxcAttach(
  name: string,
  lxcPath: string,
  argv: readonly string[],
  env: Readonly<Record<string, string>> = {},
): string[] {
  const vars = { PATH: CONTAINER_PATH, HOME: "/root", LANG: "C.UTF-8", ...env };
  const sets = Object.entries(vars).flatMap(([k, v]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k))
      throw new Error(`hostroot: invalid variable name ${JSON.stringify(k)}`);
    return ["-v", `${k}=${v}`];
  });
  return ["lxc-attach", "-n", name, "-P", lxcPath, "--clear-env", ...sets, "--", ...argv];
}

/** One change inside a delta; `file` writes `content` (small files only: it travels as an argument). */
export type DeltaOp =
  | { op: "whiteout" | "opaque" | "null-link"; path: string }
  | { op: "file"; path: string; content: string };

/**
 * Works inside a delta from the host, as root, on a stopped container. The delta's content is
 * the container's: it may hold symlinks planted to make root write elsewhere on the host (a
 * `delta0/etc -> /etc` would turn "write etc/hostname" into overwriting the host's). So every
 * path component is checked not to be a symlink, which is race-free because nothing runs in
 * the container at that time. Dirs it creates copy owner and mode from the host's dir of the same
 * name (an opaque /tmp must stay 1777, /root 0700), since an upper dir's metadata wins. A
 * whiteout is a 0/0 char device; an opaque dir carries trusted.overlay.opaque=y.
 *
 * Owners are shifted by the container's id offset (0 privileged, 100000 unprivileged: what the
 * container calls root is that host uid), so what hostroot writes belongs to the container's
 * root as the container sees it. A delta whose top dir is owned by the other offset belongs to a
 * container that switched between privileged and unprivileged: every entry whose owner lies in
 * the old range is moved to the new one (mode restored after chown, which clears set-id bits).
 */
const DELTA_SCRIPT = `umask 022
d=$1
off=$2
other=$3
count=$4
shift 4
fail() { printf 'hostroot: %s\\n' "$*" >&2; exit 1; }
# Gives what hostroot wrote to container root (a no-op for a privileged container: root wrote it).
owned() { [ "$off" -eq 0 ] || chown -h -- "$off:$off" "$1"; }
mkpath() {
  cur=$d
  rest=\${1#/}
  while [ -n "$rest" ]; do
    c=\${rest%%/*}
    case $rest in */*) rest=\${rest#*/} ;; *) rest= ;; esac
    cur=$cur/$c
    if [ -L "$cur" ]; then fail "refusing a symlink in the delta: $cur"; fi
    if [ ! -d "$cur" ]; then
      mkdir -- "$cur" || exit 1
      ref=\${cur#"$d"}
      if [ -d "$ref" ]; then
        if [ "$off" -eq 0 ]; then
          chown --reference="$ref" -- "$cur" || exit 1
        else
          set -- $(stat -c '%u %g' -- "$ref") && chown -- "$(($1 + off)):$(($2 + off))" "$cur" || exit 1
        fi
        chmod --reference="$ref" -- "$cur" || exit 1
      elif [ "$off" -ne 0 ]; then
        chown -- "$off:$off" "$cur" || exit 1
      fi
    fi
  done
}
if [ -L "$d" ] || [ ! -d "$d" ]; then fail "not a directory: $d"; fi
was=$(stat -c %u -- "$d") || exit 1
if [ "$was" = "$other" ] && [ "$other" != "$off" ]; then
  find "$d" -xdev -exec sh -c 'from=$1 to=$2 n=$3
shift 3
for f; do
  s=$(stat -c "%u %g %a" -- "$f") || exit 1
  u=\${s%% *} r=\${s#* } g=\${r%% *} m=\${r#* }
  if [ "$u" -ge "$from" ] && [ "$u" -lt $((from + n)) ]; then u=$((u - from + to)); fi
  if [ "$g" -ge "$from" ] && [ "$g" -lt $((from + n)) ]; then g=$((g - from + to)); fi
  chown -h -- "$u:$g" "$f" || exit 1
  if [ ! -L "$f" ]; then chmod -- "$m" "$f" || exit 1; fi
done' hostroot-shift "$was" "$off" "$count" {} + || fail "could not move the delta's owners from $was to $off"
fi
while [ "$#" -ge 2 ]; do
  op=$1
  p=$2
  shift 2
  case $op in
  whiteout) mkpath "\${p%/*}"; rm -f -- "$d$p" && mknod -- "$d$p" c 0 0 || exit 1 ;;
  opaque) mkpath "$p"; setfattr -h -n trusted.overlay.opaque -v y -- "$d$p" || exit 1 ;;
  null-link) mkpath "\${p%/*}"; rm -f -- "$d$p" && ln -s /dev/null "$d$p" && owned "$d$p" || exit 1 ;;
  file) mkpath "\${p%/*}"; rm -f -- "$d$p" && printf '%s' "$1" >"$d$p" && owned "$d$p" || exit 1; shift ;;
  *) fail "unknown operation: $op" ;;
  esac
done
if [ "$#" -ne 0 ]; then fail "stray argument: $1"; fi`;

/** Host ids of a delta's owners: `offset` now (0 or the unprivileged base), `other` the one it may switch from. */
export interface DeltaIds {
  offset: number;
  other: number;
  count: number;
}

const PRIVILEGED_IDS: DeltaIds = { offset: 0, other: 0, count: 65_536 };

/** All changes to one delta as one command, so the checking script appears once per container. */
export function deltaCommand(
  delta: string,
  ops: readonly DeltaOp[],
  ids: DeltaIds = PRIVILEGED_IDS,
): string[] {
  const args = ops.flatMap((o) => {
    if (!o.path.startsWith("/") || o.path.split("/").some((s) => s === "." || s === "..")) {
      throw new Error(`hostroot: unusable path in a delta: ${JSON.stringify(o.path)}`);
    }
    return o.op === "file" ? [o.op, o.path, o.content] : [o.op, o.path];
  });
  const id = (n: number) => {
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`hostroot: not an id: ${n}`);
    return String(n);
  };
  return [
    "sh",
    "-c",
    DELTA_SCRIPT,
    "hostroot-delta",
    delta,
    id(ids.offset),
    id(ids.other),
    id(ids.count),
    ...args,
  ];
}

/**
 * Marks a container dir as hostroot's from its first moment: a create writes it right after its
 * own mkdir, so a status that runs while the create is under way (config written, no state file
 * yet) reports the container as being created, not as an LXC container hostroot did not create.
 */
export const CREATING_MARKER = "hostroot.creating";

/**
 * Creates a container's dir with a plain mkdir, which fails if it exists (an LXC container
 * hostroot did not create is never adopted), then marks it with {@link CREATING_MARKER}.
 */
export function containerDirCommand(dir: string): string[] {
  const script = `mkdir -m 0755 -- "$1" && : >"$1/${CREATING_MARKER}"`;
  return ["sh", "-c", script, "hostroot-mkdir", dir];
}

/** Writes stdin to a host-owned file via a temporary file and a rename: never a half-written config. */
export function writeFileCommand(path: string): string[] {
  const script = 'install -m 0644 /dev/stdin "$1.hostroot-new" && mv -f -- "$1.hostroot-new" "$1"';
  return ["sh", "-c", script, "hostroot-write", path];
}

/**
 * `lxc-stop` only when there is something to stop, so a restart or destroy of a container that
 * already stopped (or was never started) succeeds. A dir without a config is not an LXC container.
 */
export function stopCommand(name: string, lxcPath: string, kill: boolean): string[] {
  const script = `n=$1
p=$2
shift 2
s=$(lxc-info -n "$n" -P "$p" -s -H 2>/dev/null) || s=
case $s in
STOPPED) exit 0 ;;
"") if [ ! -e "$p/$n/config" ]; then exit 0; fi ;;
esac
exec lxc-stop -n "$n" -P "$p" "$@"`;
  return ["sh", "-c", script, "hostroot-stop", name, lxcPath, ...(kill ? ["-k"] : [])];
}

/**
 * Removes one container dir, only if it is a real directory (not a symlink), not the host-root
 * dir, and nothing is mounted at or below it: rm follows into a bind of `/` and would delete the
 * host itself. `--one-file-system` is kept as a second guard for other mounts. (mountinfo and
 * awk -v are safe here because lxcPath and names have no blanks or backslashes.)
 */
export function removeDirCommand(dir: string, hostDir: string): string[] {
  const script = `d=$1
if [ "$d" = "$2" ]; then echo "hostroot: refusing to remove $d" >&2; exit 1; fi
if [ ! -e "$d" ] && [ ! -L "$d" ]; then exit 0; fi
if [ -L "$d" ] || [ ! -d "$d" ]; then echo "hostroot: not a real directory: $d" >&2; exit 1; fi
if awk -v d="$d" '$5 == d || index($5, d "/") == 1 { m = 1 } END { exit !m }' /proc/self/mountinfo; then
  echo "hostroot: refusing to remove $d: something is mounted at or below it" >&2; exit 1
fi
exec rm -rf --one-file-system -- "$d"`;
  return ["sh", "-c", script, "hostroot-remove", dir, hostDir];
}

/**
 * Binds the host's `/` (non-recursively) as the lower layer, read-only as `hosts prepare` makes
 * it: nothing that reaches the bind (a container's overlay, a process on the host) can write the
 * host root through it. A bind that is already there but writable is made read-only.
 */
export function hostRootCommand(hostRootfs: string): string[] {
  const script = `if mountpoint -q "$1"; then
  case ,$(awk -v d="$1" '$5 == d { o = $6 } END { print o }' /proc/self/mountinfo), in
  *,ro,*) exit 0 ;;
  esac
  exec mount -o remount,bind,ro "$1"
fi
mkdir -p -- "$1" && mount --bind / "$1" && exec mount -o remount,bind,ro "$1"`;
  return ["sh", "-c", script, "hostroot-host-root", hostRootfs];
}

/**
 * Fails unless every mount source in a container's LXC config resolves to itself: it exists and
 * no component of it is a symlink. A container with a writable mount can plant `x -> /` in its
 * source; without this check the next container mounting `<source>/x` would get the host's root.
 * The config is read (its fstab escapes decoded), not the definition, so every start is checked,
 * a restart without a definition too. Sources are absolute and normalised (validation), so
 * `realpath -e` equals the path exactly when nothing on the way is a link.
 */
export function mountSourcesCommand(configPath: string): string[] {
  return ["sh", "-c", MOUNT_SOURCES_SCRIPT, "hostroot-mount-sources", configPath];
}

/**
 * The check of {@link mountSourcesCommand} on the config named by `$1`; it exits the shell it
 * runs in on the first bad source (as `sh -c`, or as a function body in a subshell). The config
 * is read by the shell itself, split as awk would (blanks), so a container without mounts costs
 * no process at all.
 */
export const MOUNT_SOURCES_SCRIPT = `set -f
while IFS= read -r l || [ -n "$l" ]; do
  set -- $l
  [ "$#" -ge 3 ] && [ "$1" = lxc.mount.entry ] && [ "$2" = = ] || continue
  e=$3
  case $e in *'\\012'*) echo "hostroot: refusing a mount source with a newline: $e" >&2; exit 1 ;; esac
  case $e in *'\\'*) s=$(printf '%s\\n' "$e" | sed 's/\\\\040/ /g; s/\\\\011/\\t/g; s/\\\\134/\\\\/g') ;; *) s=$e ;; esac
  r=$(realpath -e -- "$s" 2>/dev/null) || { echo "hostroot: mount source $s does not exist on this host" >&2; exit 1; }
  if [ "$r" != "$s" ]; then echo "hostroot: refusing mount source $s: it goes through a symlink (resolves to $r)" >&2; exit 1; fi
done <"$1"`;

/**
 * Keeps a reconfigured container's current config and state file aside (`*.hostroot-prev`), so
 * a reconfigure that fails can put the container back as it was.
 */
export function keepConfigCommand(config: string, state: string): string[] {
  const script = `for f in "$1" "$2"; do
  if [ -f "$f" ] && [ ! -L "$f" ]; then cp -p -- "$f" "$f.hostroot-prev" || exit 1; fi
done`;
  return ["sh", "-c", script, "hostroot-keep", config, state];
}

/** Puts the config and state kept by {@link keepConfigCommand} back. */
export function restoreConfigCommand(config: string, state: string): string[] {
  const script = `for f in "$1" "$2"; do
  if [ -f "$f.hostroot-prev" ] && [ ! -L "$f.hostroot-prev" ]; then mv -f -- "$f.hostroot-prev" "$f" || exit 1; fi
done`;
  return ["sh", "-c", script, "hostroot-restore", config, state];
}

/** Runs argv until it succeeds, at most 1 + retries times, sleeping between attempts. */
export function retryCommand(retries: number, intervalSeconds: number, argv: readonly string[]): string[] {
  const script = `tries=$1
pause=$2
shift 2
n=0
while :; do
  "$@" && exit 0
  rc=$?
  n=$((n + 1))
  if [ "$n" -gt "$tries" ]; then exit "$rc"; fi
  sleep "$pause"
done`;
  return ["sh", "-c", script, "hostroot-retry", String(retries), String(intervalSeconds), ...argv];
}

/**
 * Inside a container: starts a service detached (own session, stdin from /dev/null, output to
 * {@link SERVICE_LOG}) so lxc-attach returns at once and nothing holds the SSH channel open.
 * `runuser -u` resolves the user by name inside the container (lxc.init.uid only takes numbers).
 */
export function serviceCommand(workdir: string, user: string, argv: readonly string[]): string[] {
  const script = `cd "$1" || exit 1
log=$2
user=$3
shift 3
if [ -n "$user" ]; then set -- runuser -u "$user" -- "$@"; fi
exec setsid -f "$@" </dev/null >>"$log" 2>&1`;
  return ["/bin/sh", "-c", script, "hostroot-service", workdir, SERVICE_LOG, user, ...argv];
}
