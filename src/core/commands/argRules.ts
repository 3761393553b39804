import {
  DNS_LABEL,
  echo,
  PACKAGE_NAME,
  PACKAGE_VERSION,
  type PackageSpec,
  SLASH_LIMITS,
} from "./slashText.js";

/**
 * What is wrong with a command's arguments, as a markdown sentence. Thrown by {@link fail} and
 * caught by parseSlashCommandArgs, never beyond: it only keeps the many early exits readable;
 * callers see a tagged union.
 */
export class ArgError {
  constructor(readonly message: string) {}
}

/** Stops parsing with `message`. */
export function fail(message: string): never {
  throw new ArgError(message);
}

/** The words of one command line, checked and sorted: flags by name, the rest in order. */
export type CommandFlags = ReadonlyMap<string, string | true>;

/** A flag's value (undefined for an absent flag or a switch). */
export function flagValue(flags: CommandFlags, flag: string): string | undefined {
  const v = flags.get(flag);
  return typeof v === "string" ? v : undefined;
}

/** A package name, optionally `=VERSION`, each matched against Debian's rule. */
export function packageSpec(word: string): PackageSpec {
  const eq = word.indexOf("=");
  const name = eq < 0 ? word : word.slice(0, eq);
  if (!PACKAGE_NAME.test(name)) {
    const hint = PACKAGE_NAME.test(name.toLowerCase()) ? " Debian package names are lowercase." : "";
    fail(
      `${echo(name)} is not a Debian package name (lowercase letters, digits, \`+\`, \`-\`, \`.\`).${hint}`,
    );
  }
  if (eq < 0) return { name };
  const version = word.slice(eq + 1);
  if (version === "") fail(`${echo(word)} has an empty version.`);
  if (!PACKAGE_VERSION.test(version))
    fail(`${echo(version)} is not a Debian version (like \`2.36-9+deb12u4\`).`);
  return { name, version };
}

/** A comma-separated list of distinct host names, bounded by its count. */
export function hostList(list: string): string[] {
  const names = list.split(",");
  if (names.length > SLASH_LIMITS.hosts) fail(`at most ${SLASH_LIMITS.hosts} hosts per command.`);
  const seen = new Set<string>();
  for (const host of names) {
    if (host === "") fail(`${echo(list)} has an empty host name.`);
    label(host, "host");
    if (seen.has(host)) fail(`host ${echo(host)} is named twice.`);
    seen.add(host);
  }
  return names;
}

/** One token no longer than a command allows. */
export function checkLength(word: string): void {
  if (word.length > SLASH_LIMITS.tokenChars) {
    fail(`${echo(word)} is too long (over ${SLASH_LIMITS.tokenChars} characters).`);
  }
}

/** A host or container name: a DNS label. */
export function label(word: string, what: "host" | "container"): void {
  if (!DNS_LABEL.test(word)) fail(`${echo(word)} is not a ${what} name (a DNS label like \`web-1\`).`);
}
