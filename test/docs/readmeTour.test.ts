import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT, runCli } from "../cli/runCli.js";

const README = readFileSync(path.join(ROOT, "README.md"), "utf8");
const start = README.indexOf("## A 5-minute tour");
const TOUR = README.slice(start, README.indexOf("\n## ", start + 1));

/** Each `npx hostroot ...` line of a ```sh block, with the plain ``` block printed after it, if any. */
function tourCommands(): Array<{ args: string[]; shown?: string[] }> {
  const fences = [...TOUR.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({
    lang: m[1] as string,
    lines: (m[2] as string).split("\n").slice(0, -1),
  }));
  const out: Array<{ args: string[]; shown?: string[] }> = [];
  fences.forEach((f, i) => {
    if (f.lang !== "sh") return;
    const next = fences[i + 1];
    for (const line of f.lines) {
      const m = /^npx hostroot (.*?)\s*(#.*)?$/.exec(line);
      if (!m) throw new Error(`not a hostroot command: ${line}`);
      const args = (m[1] as string).split(/\s+/);
      out.push(next?.lang === "" ? { args, shown: next.lines } : { args });
    }
  });
  return out;
}

// `--write DIR` runs in a scratch directory: a test must not rewrite the repository's files.
const scratch = mkdtempSync(path.join(tmpdir(), "hostroot-tour-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("README's 5-minute tour", () => {
  const commands = tourCommands();

  it("shows commands", () => {
    expect(commands.length).toBeGreaterThanOrEqual(5);
  });

  it.each(commands.map((c) => [c.args.join(" "), c] as const))(
    "%s: runs and prints what is shown",
    async (_, c) => {
      const run = await runCli(c.args, c.args.includes("--write") ? { cwd: scratch } : {});
      expect(run.code, run.stderr).toBeLessThan(2);
      // Shown lines appear in the real output, in order; "..." stands for lines left out.
      const actual = run.stdout.split("\n");
      let at = 0;
      for (const line of c.shown ?? []) {
        if (line === "...") continue;
        const found = actual.indexOf(line, at);
        expect(found, `not printed (in this order): ${line}`).toBeGreaterThanOrEqual(0);
        at = found + 1;
      }
    },
  );

  it("shows examples/containers/billing-api.yml as it is", () => {
    const block = /^```yaml\n([\s\S]*?)^```$/m.exec(TOUR)?.[1];
    expect(block).toBe(readFileSync(path.join(ROOT, "examples/containers/billing-api.yml"), "utf8"));
  });
});
