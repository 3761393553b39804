import { quoteArg } from "./shellQuote.js";

/**
 * `hostroot_shadows PKG`: for the package's files (its file list from the host's dpkg) and each
 * hostroot container in `$hostroot_names`, prints `::hostroot-shadow NAME PKG KIND PATH` for
 * every file of the package the container's delta shadows: KIND `file` (its own copy), `symlink`,
 * `whiteout` (a 0/0 char device: the file is deleted in the container) or `opaque` (a dir of the
 * package made opaque in the delta, with package content below it). Such a container does not
 * get the host's fix for that file. Its own copy of dpkg's database (`/var/lib/dpkg/status` or the
 * package's file list) is reported as a `file` too. A conffile the container changed is KIND
 * `conffile`: its own configuration, not a missed fix. Read from the host, so a container cannot
 * hide it. `hostroot_shadows PKG LIST` takes the package's file list as given instead of asking
 * dpkg again.
 */
export const SHADOW_FUNCTION = `hostroot_shadows() {
  p=$1
  nl='
'
  if [ "$#" -ge 2 ]; then files=$nl$2$nl; else files=$nl$(dpkg-query -L -- "$p" 2>/dev/null)$nl; fi
  conf=$nl$(dpkg-query -W -f='\${Conffiles}\\n' -- "$p" 2>/dev/null | sed -n 's/^ \\(\\/[^ ]*\\) .*/\\1/p')$nl
  for n in $hostroot_names; do
    d=$hostroot_lxc/$n/delta0
    # Its own copy of dpkg's database: from inside, it sees the versions of the day it was copied.
    for f in /var/lib/dpkg/status "/var/lib/dpkg/info/$p.list"; do
      [ -e "$d$f" ] && printf '::hostroot-shadow %s %s file %s\\n' "$n" "$p" "$f"
    done
    # A here-document, not a pipe: no process per container.
    while IFS= read -r f; do
      case $f in /*) ;; *) continue ;; esac
      [ "$f" = /. ] && continue
      t=$d$f
      if [ -L "$t" ]; then k=symlink
      elif [ -c "$t" ]; then k=whiteout
      elif [ -f "$t" ]; then k=file
      elif [ -d "$t" ]; then
        case $files in *"$nl$f/"*) ;; *) continue ;; esac
        [ "$(getfattr --only-values -h -n trusted.overlay.opaque -- "$t" 2>/dev/null)" = y ] || continue
        k=opaque
      else continue
      fi
      case $conf in *"$nl$f$nl"*) [ "$k" = file ] && k=conffile ;; esac
      printf '::hostroot-shadow %s %s %s %s\\n' "$n" "$p" "$k" "$f"
    done <<HOSTROOT_EOF
$files
HOSTROOT_EOF
  done
}`;

/**
 * The shadow scan of each package, in the host script after the containers' inspection: with one
 * package, its file list is the one the inspection read (`hostroot_filelists`, read here if no
 * container ran), so dpkg is not asked twice.
 */
export function shadowCalls(packages: readonly string[]): string {
  const pkgs = packages.map(quoteArg).join(" ");
  if (packages.length !== 1) return `for p in ${pkgs}; do hostroot_shadows "$p"; done`;
  return `[ -n "$hostroot_files_read" ] || hostroot_filelists\nhostroot_shadows ${pkgs} "$hostroot_files"`;
}

/** One file of a package a container's delta shadows, as the host saw it. */
export interface Shadow {
  name: string;
  pkg: string;
  kind: "file" | "symlink" | "whiteout" | "opaque" | "conffile";
  path: string;
}

/** Reads `::hostroot-shadow` lines (see {@link SHADOW_FUNCTION}). */
export function parseShadows(stdout: string): Shadow[] {
  return stdout.split("\n").flatMap((l) => {
    const m =
      /^::hostroot-shadow ([a-z0-9-]+) ([a-z0-9][a-z0-9+.-]+) (file|symlink|whiteout|opaque|conffile) (\/.*)$/.exec(
        l,
      );
    return m
      ? [{ name: m[1] as string, pkg: m[2] as string, kind: m[3] as Shadow["kind"], path: m[4] as string }]
      : [];
  });
}
