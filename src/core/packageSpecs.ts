/**
 * The grammars of the package specs a definition may list, as each installer reads them. A spec
 * goes to `pip install`, `npm install -g` or `gem install` as one argv element, so anything the
 * installer would read as an option, a file, a URL or a version-control checkout must be refused
 * before a merge: on the host it would either fail after the merge or install code from outside
 * the package index.
 *
 * Policy: only packages from the installer's index, by name with an optional version. Direct
 * references (pip `name @ URL`, npm git/file/URL/alias specs, local archives) are refused: they
 * fetch arbitrary code that no index vouches for and that a version pin cannot hold still.
 */

/** Which installer a spec is for. */
export type PackageKind = "pip" | "npm" | "gem";

/** Why a spec is refused: the rule id and a message that says what to write instead. */
export interface PackageSpecProblem {
  rule: "packages/option-like" | "packages/pip-spec" | "packages/npm-spec" | "packages/gem-spec";
  message: string;
}

/** The problem with one spec for its installer, or undefined when the installer reads it as a package. */
export function packageSpecProblem(kind: PackageKind, spec: string): PackageSpecProblem | undefined {
  if (spec.startsWith("-"))
    return {
      rule: "packages/option-like",
      message:
        `${kind} spec '${printable(spec)}' starts with '-': ${INSTALLER[kind]} would read it as an ` +
        "option, not a package; list packages by name",
    };
  const why =
    kind === "pip" ? pipSpecProblem(spec) : kind === "npm" ? npmSpecProblem(spec) : gemSpecProblem(spec);
  if (why === undefined) return undefined;
  return { rule: `packages/${kind}-spec`, message: `${kind} spec '${printable(spec)}' ${why}` };
}

const INSTALLER: Record<PackageKind, string> = {
  pip: "pip install",
  npm: "npm install",
  gem: "gem install",
};

/** Control characters shown as escapes, so a message never carries them to a terminal or a log. */
function printable(s: string): string {
  const shown = s.length > 80 ? `${s.slice(0, 80)}…` : s;
  return shown.replace(/\p{Cc}/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

// ---------------------------------------------------------------------------------------------
// pip: PEP 508 dependency specifiers (name, extras, version specifiers, environment markers).

const PEP508_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?/;
const IDENTIFIER = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?/;
const VERSION_CMP = /^(?:===|==|!=|<=|>=|~=|<|>)/;
const VERSION = /^[A-Za-z0-9_.*+!-]+/;
/** PEP 508's environment marker variables. */
const MARKER_VARS = [
  "implementation_version",
  "platform_python_implementation",
  "python_full_version",
  "platform_release",
  "platform_version",
  "platform_machine",
  "platform_system",
  "implementation_name",
  "python_version",
  "sys_platform",
  "os_name",
  "extra",
];
/** Characters PEP 508 allows inside a quoted marker string (besides the other quote). */
const PYTHON_STR_C = /^[ \tA-Za-z0-9().{}\-_*#:;,/?[\]!~`@$%^&=+|<>]$/;
/** Names pip reads as a local archive rather than a package on the index. */
const ARCHIVE = /\.(?:whl|zip|tar|tgz|tbz|txz|tlz|tar\.gz|tar\.bz2|tar\.xz|tar\.lz)$/i;

class SpecError extends Error {}

/** A cursor over one spec; every `expect*` throws a SpecError saying what was wanted where. */
class Cursor {
  at = 0;
  constructor(readonly text: string) {}
  get rest(): string {
    return this.text.slice(this.at);
  }
  done(): boolean {
    return this.at >= this.text.length;
  }
  ws(): number {
    const m = /^[ \t]*/.exec(this.rest);
    this.at += m?.[0].length ?? 0;
    return m?.[0].length ?? 0;
  }
  eat(token: string): boolean {
    if (!this.rest.startsWith(token)) return false;
    this.at += token.length;
    return true;
  }
  match(re: RegExp): string | undefined {
    const m = re.exec(this.rest);
    if (!m) return undefined;
    this.at += m[0].length;
    return m[0];
  }
  fail(what: string): never {
    const found = this.done() ? "the end" : `'${printable(this.rest.slice(0, 12))}'`;
    throw new SpecError(
      `is not a PEP 508 requirement: expected ${what} at character ${this.at + 1}, found ${found}`,
    );
  }
}

/**
 * Why `spec` is not a PEP 508 requirement pip reads from the index, or undefined when it is:
 * `name[extras] specifiers ; marker`, e.g. `requests[socks]>=2.31,<3; python_version >= "3.8"`.
 */
export function pipSpecProblem(spec: string): string | undefined {
  if (/\p{Cc}/u.test(spec.replaceAll("\t", ""))) return "contains a control character";
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(spec.trim()) || /^\.{0,2}\/|^~\//.test(spec.trim()))
    return "is a URL or a path: hostroot installs only from the package index, by name with an optional version";
  const c = new Cursor(spec);
  try {
    c.ws();
    const name = c.match(PEP508_NAME) ?? c.fail("a package name");
    if (ARCHIVE.test(name) && !/[=<>~!;[@]/.test(spec))
      return "names a local archive, which pip installs from the container's disk: list the package by name";
    c.ws();
    if (c.eat("[")) {
      c.ws();
      if (!c.eat("]")) {
        do {
          c.ws();
          c.match(IDENTIFIER) ?? c.fail("an extra's name");
          c.ws();
        } while (c.eat(","));
        if (!c.eat("]")) c.fail("',' or ']' closing the extras");
      }
      c.ws();
    }
    if (c.rest.startsWith("@"))
      return (
        "is a direct reference (name @ URL): hostroot installs only from the package index, where a " +
        "version pins what runs; publish the package or pin a version with =="
      );
    const paren = c.eat("(");
    if (VERSION_CMP.test(c.rest.trimStart())) {
      do {
        c.ws();
        c.match(VERSION_CMP) ?? c.fail("a version operator (==, >=, ~=, ...)");
        c.ws();
        c.match(VERSION) ?? c.fail("a version");
        c.ws();
      } while (c.eat(","));
    } else if (paren) c.fail("a version operator (==, >=, ~=, ...)");
    if (paren) {
      c.ws();
      if (!c.eat(")")) c.fail("')'");
    }
    c.ws();
    if (c.eat(";")) {
      marker(c);
      c.ws();
    }
    if (!c.done())
      c.fail(c.rest.startsWith(";") ? "one marker" : "a version specifier, ';' and a marker, or the end");
    return undefined;
  } catch (e) {
    if (e instanceof SpecError) return e.message;
    throw e;
  }
}

/** marker_or: marker_and ('or' marker_and)*. */
function marker(c: Cursor): void {
  markerAnd(c);
  while (keyword(c, "or")) markerAnd(c);
}

function markerAnd(c: Cursor): void {
  markerExpr(c);
  while (keyword(c, "and")) markerExpr(c);
}

/** A word operator (`and`, `or`, `in`, `not`) after whitespace or a closing quote/paren. */
function keyword(c: Cursor, word: string): boolean {
  const start = c.at;
  const before = c.text[start - 1] ?? "";
  const spaced = c.ws() > 0 || /[ \t"')]/.test(before);
  if (spaced && c.rest.startsWith(word) && /^(?:[ \t('"]|$)/.test(c.rest.slice(word.length))) {
    c.at += word.length;
    return true;
  }
  c.at = start;
  return false;
}

function markerExpr(c: Cursor): void {
  c.ws();
  if (c.eat("(")) {
    marker(c);
    c.ws();
    if (!c.eat(")")) c.fail("')' closing the marker");
    return;
  }
  markerVar(c);
  c.ws();
  if (!c.match(VERSION_CMP) && !keyword(c, "in") && !(keyword(c, "not") && keyword(c, "in")))
    c.fail("a marker operator (==, <, in, not in, ...)");
  markerVar(c);
}

function markerVar(c: Cursor): void {
  c.ws();
  const quote = c.rest[0];
  if (quote === '"' || quote === "'") {
    c.at++;
    while (!c.done() && c.rest[0] !== quote) {
      const ch = c.rest[0] as string;
      if (!PYTHON_STR_C.test(ch) && ch !== (quote === '"' ? "'" : '"'))
        c.fail("a plain character in the string");
      c.at++;
    }
    if (!c.eat(quote)) c.fail(`${quote} closing the string`);
    return;
  }
  const name = MARKER_VARS.find(
    (v) => c.rest.startsWith(v) && !/^[A-Za-z0-9_.]/.test(c.rest.slice(v.length)),
  );
  if (!name)
    c.fail(`a marker variable (${MARKER_VARS.slice(-4).reverse().join(", ")}, ...) or a quoted string`);
  c.at += name.length;
}

// ---------------------------------------------------------------------------------------------
// npm: a registry package, `name` or `@scope/name`, with an optional `@version`, `@range` or `@tag`.

/** One part of an npm name: URL-safe, not starting with `.` or `_` (validate-npm-package-name). */
const NPM_PART = /^[A-Za-z0-9-][A-Za-z0-9._-]*$/;
/** A semver version or range (`1.2.3`, `^4.17.21`, `>=1.2 <2 || 3.x`) or a dist-tag (`latest`, `next`). */
const NPM_RANGE = /^[0-9A-Za-z.*^~<>=|+-](?:[0-9A-Za-z.*^~<>=|+ -]*[0-9A-Za-z.*|+-])?$/;

/**
 * Why `spec` is not an npm registry spec, or undefined when it is. git, file, URL, GitHub
 * shorthand (`user/repo`), alias (`npm:`) and tarball specs are refused: they install code that
 * does not come from the registry.
 */
export function npmSpecProblem(spec: string): string | undefined {
  if (/\p{Cc}/u.test(spec)) return "contains a control character";
  if (/^(?:[a-z][a-z0-9+.-]*:|\.{0,2}\/|~\/)/i.test(spec) || /^[^@/]+\/|:\/\//.test(spec))
    return "is a git, file, URL or GitHub reference: hostroot installs only registry packages (name or @scope/name, with an optional @version)";
  const scoped = spec.startsWith("@");
  const at = spec.indexOf("@", scoped ? 1 : 0);
  const name = at < 0 ? spec : spec.slice(0, at);
  const version = at < 0 ? undefined : spec.slice(at + 1);
  const parts = scoped ? name.slice(1).split("/") : [name];
  if (parts.length !== (scoped ? 2 : 1) || !parts.every((p) => NPM_PART.test(p)))
    return scoped
      ? "is not a scoped npm package name like @scope/name (letters, digits, '-', '.', '_')"
      : "is not an npm package name (letters, digits, '-', '.', '_', not starting with '.' or '_')";
  if (name.length > 214) return "is longer than npm's 214 characters for a package name";
  if (/\.(?:tgz|tar|tar\.gz)$/i.test(name) && version === undefined)
    return "names a tarball, which npm installs from the container's disk: list the package by name";
  if (version !== undefined) {
    if (version.startsWith("npm:"))
      return "is an alias (name@npm:other): list the package under its own name";
    if (!NPM_RANGE.test(version))
      return `has '${printable(version)}' after '@', which is not a version, a semver range or a dist-tag`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// gem: a gem name with an optional `:version`, as `gem install NAME[:VERSION]` reads it.

/** RubyGems' name rule: letters, digits, `.`, `-`, `_`, with at least one letter. */
const GEM_NAME = /^[A-Za-z0-9._-]+$/;
/** Gem::Version: `1`, `7.1.3`, `1.0.0.rc1`, `2.0.0-beta.2`. */
const GEM_VERSION = /^[0-9]+(?:\.[0-9A-Za-z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

/** Why `spec` is not `name` or `name:version` for `gem install`, or undefined when it is. */
export function gemSpecProblem(spec: string): string | undefined {
  if (/\p{Cc}/u.test(spec)) return "contains a control character";
  const colon = spec.indexOf(":");
  const name = colon < 0 ? spec : spec.slice(0, colon);
  const version = colon < 0 ? undefined : spec.slice(colon + 1);
  if (!GEM_NAME.test(name) || !/[A-Za-z]/.test(name))
    return "is not a gem name (letters, digits, '.', '-', '_', with at least one letter), optionally followed by :VERSION";
  if (name.toLowerCase().endsWith(".gem"))
    return "names a .gem file, which gem installs from the container's disk: list the gem by name";
  if (version !== undefined && !GEM_VERSION.test(version))
    return `has '${printable(version)}' after ':', which is not a gem version like 7.1.3`;
  return undefined;
}
