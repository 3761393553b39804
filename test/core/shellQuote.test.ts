import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { quoteArg, shellQuote } from "../../src/core/shellQuote.js";

/** Runs a script with the real /bin/sh and returns its stdout bytes. */
function sh(script: string, env?: NodeJS.ProcessEnv): Buffer {
  return execFileSync("/bin/sh", ["-c", script], { env, maxBuffer: 64 * 1024 * 1024 });
}

/** Characters that mean something to sh, plus a few that stress encodings. */
const nasty = fc.constantFrom(
  ..."'\"\\$`(){}[];&|<>*?!#~=% \t\n\r-e".split(""),
  "$(id)",
  "`id`",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal parameter expansion is the point
  "${HOME}",
  "'\\''",
  "-e",
  "-n",
  "--",
  "",
  "é",
  "😀",
  "\u2028",
  "\x7f",
  "\x1b[31m",
);
const arg = fc.oneof(
  fc.string({ unit: "binary", maxLength: 24 }).filter((s) => !s.includes("\0")),
  fc.string({ unit: nasty, maxLength: 8 }),
  nasty,
);

describe("shellQuote through a real /bin/sh", () => {
  it("gives printf exactly the bytes of every argument, whatever they contain", () => {
    // Many argv lists per sh run keeps ~200 runs quick; each line is `printf '%s\0' <quoted argv>`.
    fc.assert(
      fc.property(
        fc.array(fc.array(arg, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 25 }),
        (lists) => {
          const script = lists.map((argv) => `printf '%s\\0' ${shellQuote(argv)}`).join("\n");
          const expected = Buffer.from(
            lists.map((argv) => argv.map((a) => `${a}\0`).join("")).join(""),
            "utf8",
          );
          expect(sh(script).equals(expected)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("keeps the empty string as an argument of its own", () => {
    expect(sh(`printf '[%s]' ${shellQuote(["", "a", ""])}`).toString()).toBe("[][a][]");
  });

  it("refuses NUL, which no exec can carry, instead of silently cutting the argument", () => {
    expect(() => quoteArg("a\0b")).toThrow(/NUL/);
    expect(() => shellQuote(["printf", "%s", "x\0"])).toThrow(/NUL/);
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(() => quoteArg(`${a}\0${b}`)).toThrow(/NUL/);
      }),
      { numRuns: 50 },
    );
  });

  it("refuses an empty argv", () => {
    expect(() => shellQuote([])).toThrow(/empty argv/);
  });

  it("leaves plain words readable in dry-run output", () => {
    expect(shellQuote(["lxc-start", "-n", "billing-api", "-P", "/var/lib/lxc", "-d"])).toBe(
      "lxc-start -n billing-api -P /var/lib/lxc -d",
    );
  });
});

describe("shellQuote in command position", () => {
  // Programs named like sh syntax: unquoted, `if x` is a syntax error and `A=b x` an assignment.
  const dir = mkdtempSync(join(tmpdir(), "hostroot-quote-"));
  const names = ["if", "then", "done", "case", "in", "FOO=bar", "PATH=nowhere", "for"];
  for (const name of names) {
    const file = join(dir, name);
    writeFileSync(file, '#!/bin/sh\nprintf \'%s|\' "$(basename "$0")" "$@"\n');
    chmodSync(file, 0o755);
  }
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(names)("runs a program named %s rather than reading it as syntax", (name) => {
    const out = sh(shellQuote([name, "arg one", "$x"]), { PATH: `${dir}:/usr/bin:/bin` }).toString();
    expect(out).toBe(`${name}|arg one|$x|`);
  });
});
