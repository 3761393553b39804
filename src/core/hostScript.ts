import type { HostStep } from "./hostSteps.js";
import { quoteArg, shellQuote } from "./shellQuote.js";

/** Options for {@link hostScript}. */
export interface HostScriptOptions {
  /** PATH for the whole script; the SSH login's PATH varies between hosts and users. */
  path?: string;
}

/** Prefix of the progress lines a host script prints on stdout; see parseStepMarkers. */
export const STEP_MARKER = "::hostroot-step";
/** Printed once, last, when every step succeeded: absent means the script did not finish. */
export const DONE_MARKER = "::hostroot-done";

/** Step ids travel unquoted inside marker lines, so they are kept to one plain token. */
export const STEP_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;

const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** `printf '%s\n' '<text>'`: a marker line whose text is passed as data. */
const say = (text: string) => `printf '%s\\n' ${quoteArg(text)}`;

/** base64 in 76-column chunks, as printf arguments (no single huge word, readable in a dry run). */
function stdinPipe(data: string): string {
  const b64 = Buffer.from(data, "utf8").toString("base64");
  const chunks = b64.match(/.{1,76}/g) ?? [""];
  return `printf '%s' ${chunks.map(quoteArg).join(" ")} | base64 -d | `;
}

/**
 * The lines of one step. The command runs in a subshell so no argv[0] (`exit`, `set`, `exec`)
 * can change the script's own shell; stdin is /dev/null or the step's decoded data — never the
 * script's stdin, which may be the rest of the script itself (`sh -s`); stdout goes to stderr,
 * so stdout carries markers only and no command output can forge one.
 */
function stepLines(s: HostStep): string[] {
  if (!STEP_ID.test(s.id))
    throw new Error(`hostScript: step id ${JSON.stringify(s.id)} is not a plain token`);
  const command = `( ${shellQuote(s.argv)} )`;
  const run = s.stdin === undefined ? `${command} </dev/null >&2` : `${stdinPipe(s.stdin)}${command} >&2`;
  return [
    say(`${STEP_MARKER} ${s.id} begin -`),
    run,
    "hostroot_rc=$?",
    `if [ "$hostroot_rc" -ne 0 ]; then printf '%s %s\\n' ${quoteArg(`${STEP_MARKER} ${s.id} failed`)} "$hostroot_rc"; exit "$hostroot_rc"; fi`,
    say(`${STEP_MARKER} ${s.id} ok 0`),
  ];
}

/**
 * One POSIX sh script for one host and one phase, so the phase is one SSH exec with no round trip
 * per step and no interpreter started on the host. Steps run in order; the first failure prints
 * `::hostroot-step <id> failed <exit>` and ends the script with that exit code; each step also
 * prints `begin` and `ok` markers, and a last `::hostroot-done` line. Every line is either fixed
 * text or shellQuote'd data; stdin data travels base64-encoded (no here-doc to terminate early).
 */
export function hostScript(steps: readonly HostStep[], options: HostScriptOptions = {}): string {
  const ids = new Set<string>();
  for (const s of steps) {
    if (ids.has(s.id)) throw new Error(`hostScript: duplicate step id ${s.id}`);
    ids.add(s.id);
  }
  const lines = [
    "set -u",
    "umask 022",
    `PATH=${quoteArg(options.path ?? DEFAULT_PATH)}`,
    "LC_ALL=C",
    "export PATH LC_ALL",
    ...steps.flatMap(stepLines),
    say(DONE_MARKER),
  ];
  return `${lines.join("\n")}\n`;
}
