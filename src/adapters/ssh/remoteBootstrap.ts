import { randomBytes } from "node:crypto";

/*
 * How a script reaches the host, and why.
 *
 * sshd runs every exec request as `<login shell> -c <command>`, so whatever we send as the command
 * is parsed by the user's login shell (bash, zsh, fish...), limited to one argv string (128 KiB on
 * Linux), and cannot be told apart from stdin data. So the command is a CONSTANT:
 * `exec sh -c '<BOOT>'`, where BOOT contains no `'`, `\` or newline, so sh-family shells, zsh, fish
 * and (non-interactive) csh all pass it to POSIX sh unchanged. The script and the caller's stdin
 * data travel on the channel's stdin in one frame:
 *
 *   "<scriptBytes> <dataBytes> <graceSeconds> <nonce>\n" script data nonce "\n"
 *
 * BOOT reads the script and the data with `head -c` (which reads exactly that many bytes), then the
 * trailer line. Only if the trailer equals the nonce does anything run: a frame cut short by a dropped
 * connection never runs half a script (`sh -s` would run the partial last line at EOF; a truncated
 * `rm -rf /var/lib/lxc/x` must not become `rm -rf /var/lib/lxc/`). `sh -s` also cannot share stdin
 * with data: dash reads its script in blocks and would swallow the data.
 *
 * After the frame the client keeps stdin open and sends nothing. A watchdog subshell waits for EOF on
 * it: the client sends EOF on timeout or abort, and sshd closes it when the connection dies. Then the
 * watchdog sends SIGTERM to the session's process group (sshd puts each session in its own group),
 * and SIGKILL after the grace period. This is the only reliable way to stop a remote command: OpenSSH
 * refuses SSH "signal" requests for root logins (no privilege separation after auth), and closing a
 * channel without a pty does not stop the process. Processes that left the group (`setsid`, daemons
 * like `lxc-start -d`) are not touched. When the script ends normally, BOOT kills the watchdog.
 *
 * The script runs in a subshell so that its own `exit` and EXIT traps still let BOOT clean up; its
 * status is BOOT's status. Needs `head -c` that does not read ahead (GNU coreutils does; BusyBox
 * head reads ahead and must not be used for data). Exit status 255 with "hostroot: ..." on stderr
 * means the frame was incomplete. The login shell's startup files still run (bash sources ~/.bashrc
 * under sshd): anything they print lands in stdout, and they must not read stdin.
 */
const BOOT = [
  "exec 3<&0;",
  "read -r _hr_n _hr_d _hr_g _hr_m || exit 255;",
  `_hr_s=$(head -c "$_hr_n");`,
  // The trailing "." keeps trailing newlines of the data, which $(...) would strip.
  `if [ "$_hr_d" -gt 0 ]; then _hr_i=$(head -c "$_hr_d"; echo .); fi;`,
  `read -r _hr_t && [ "$_hr_t" = "$_hr_m" ] || { echo "hostroot: script frame cut short" >&2; exit 255; };`,
  // Background jobs get /dev/null as stdin unless redirected: fd 3 is the channel's stdin.
  `(trap "" TERM; while read -r _hr_x; do :; done;`,
  `kill -TERM 0; sleep "$_hr_g"; kill -KILL 0) <&3 >/dev/null 2>&1 &`,
  "_hr_w=$!;",
  `if [ "$_hr_d" -gt 0 ]; then printf %s "\${_hr_i%.}" | (eval "$_hr_s") 3<&-;`,
  `else (eval "$_hr_s") </dev/null 3<&-; fi;`,
  "_hr_c=$?;",
  `kill -KILL "$_hr_w" 2>/dev/null;`,
  `exit "$_hr_c"`,
].join(" ");

/** The exec request's command line: the same for every command, so no data is ever in it. */
export const REMOTE_COMMAND = `exec sh -c '${BOOT}'`;

/** Exit status the bootstrap uses when the frame arrived incomplete (nothing was run). */
export const FRAME_INCOMPLETE_EXIT = 255;

/**
 * Builds the stdin frame for {@link REMOTE_COMMAND}: script, optional stdin data and a random
 * trailer that proves the frame arrived whole. Throws on NUL bytes (a bug: sh variables cannot hold them).
 */
export function frameScript(script: string, stdin: string | undefined, graceSeconds: number): Buffer {
  if (script.includes("\0") || stdin?.includes("\0")) {
    throw new Error("ssh: a script or its stdin contains a NUL byte");
  }
  const body = Buffer.from(script, "utf8");
  const data = Buffer.from(stdin ?? "", "utf8");
  const nonce = randomBytes(16).toString("hex");
  const grace = Math.max(1, Math.ceil(graceSeconds));
  const header = Buffer.from(`${body.length} ${data.length} ${grace} ${nonce}\n`);
  return Buffer.concat([header, body, data, Buffer.from(`${nonce}\n`)]);
}
