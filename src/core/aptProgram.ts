/** Programs that install or remove Debian packages: run in a container they write into its delta. */
const APT_PROGRAMS = new Set(["apt", "apt-get", "aptitude", "dpkg"]);
const SHELLS = new Set(["sh", "bash", "dash", "zsh", "ksh", "ash", "mksh"]);
/**
 * Programs that run the rest of their argv as a command, with their options that take a value,
 * and how many plain arguments come before the command (timeout's duration).
 */
const WRAPPERS: Record<string, { valueOptions: string[]; positional: number }> = {
  env: { valueOptions: ["-u", "-C"], positional: 0 },
  sudo: { valueOptions: ["-u", "-g", "-h", "-p", "-C", "-D", "-r", "-t", "-U", "-T"], positional: 0 },
  doas: { valueOptions: ["-u", "-C"], positional: 0 },
  nice: { valueOptions: ["-n"], positional: 0 },
  ionice: { valueOptions: ["-c", "-n", "-p"], positional: 0 },
  timeout: { valueOptions: ["-s", "-k"], positional: 1 },
  nohup: { valueOptions: [], positional: 0 },
  exec: { valueOptions: [], positional: 0 },
  command: { valueOptions: [], positional: 0 },
};
/** apt/dpkg named as a word in a script; `apt-cache`, `dpkg-query` and `/etc/apt/` paths only read. */
const APT_IN_SCRIPT = /(?:^|[^\w.-])(apt-get|aptitude|apt|dpkg)(?![\w./-])/;

/** Where an argv runs apt or dpkg: the argv index to point at and the program as found. */
export interface AptFinding {
  index: number;
  program: string;
}

/**
 * Finds apt or dpkg run by an argv: as the program itself, behind a wrapper such as `env` or
 * `sudo`, or named in the script of `sh -c`. A guard against the common mistake, not a sandbox:
 * a program that runs apt internally is not seen.
 */
export function aptProgram(argv: readonly string[], start = 0): AptFinding | undefined {
  const first = argv[start];
  if (first === undefined) return undefined;
  const program = first.split("/").pop() ?? first;
  if (APT_PROGRAMS.has(program)) return { index: start, program };
  if (SHELLS.has(program)) return shellScript(argv, start + 1);
  const wrapper = WRAPPERS[program];
  if (!wrapper) return undefined;
  let positional = wrapper.positional;
  for (let i = start + 1; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === "--") return aptProgram(argv, i + 1);
    if (wrapper.valueOptions.includes(a)) i++;
    else if (a.startsWith("-") || (program === "env" && a.includes("="))) continue;
    else if (positional > 0) positional--;
    else return aptProgram(argv, i);
  }
  return undefined;
}

/** `sh -c SCRIPT`: the script is the first operand once a `-c` flag was seen. */
function shellScript(argv: readonly string[], from: number): AptFinding | undefined {
  let command = false;
  for (let i = from; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === "-o" || a === "+o") i++;
    else if (/^[-+][A-Za-z]+$/.test(a)) command ||= a.startsWith("-") && a.includes("c");
    else if (a === "--") continue;
    else {
      if (!command) return undefined;
      const m = APT_IN_SCRIPT.exec(a);
      return m ? { index: i, program: m[1] as string } : undefined;
    }
  }
  return undefined;
}
