import { rmSync } from "node:fs";
import { stripVTControlCharacters } from "node:util";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { makeRepo, runCli } from "./runCli.js";

const CONFIG = ["--config", "examples/hostroot.yml"];

/** What `validate examples/broken` must report: where, and under which rule. */
const BROKEN: Array<[string, string]> = [
  ["examples/broken/alias-bomb.yml:8:17", "yaml/alias-limit"],
  ["examples/broken/apt-in-delta.yml:6:3", "packages/apt-refused"],
  ["examples/broken/duplicate-name.yml:4:1", "yaml/duplicate-key"],
  ["examples/broken/hides-usr.yml:4:8", "hide/system-path"],
  ["examples/broken/hides-usr.yml:4:18", "hide/system-path"],
  ["examples/broken/hides-usr.yml:4:18", "path/not-normalised"],
  ["examples/broken/hides-usr.yml:6:15", "mount/source-not-allowed"],
  ["examples/broken/hides-usr.yml:6:34", "mount/system-path"],
  ["examples/broken/typos.yml:2:7", "schema/value"],
  ["examples/broken/typos.yml:4:1", "schema/unknown-key"],
  ["examples/broken/typos.yml:6:47", "schema/unknown-key"],
];

const DEF = "apiVersion: hostroot/v1\nname: x\nplatform: debian-12\n";
/** One anchored mount used twice: two findings identical in file, position, rule and message. */
const TWIN = `apiVersion: hostroot/v1
name: twin
platform: debian-12
mounts: [&m { source: /srv/twin, target: /etc/ssl }, *m]
`;
/** File names with what each format must escape: newline, comma, colon, percent, XML specials. */
const repo = makeRepo({
  "containers/odd,na:me\nx%.yml": DEF,
  "containers/a&b<c>.yml": DEF.replace("name: x", "name: y"),
  "containers/twin.yml": TWIN,
});
afterAll(() => rmSync(repo, { recursive: true, force: true }));

interface JsonDiagnostic {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: string;
  rule: string;
  message: string;
}
const jsonOf = async (args: string[], cwd?: string) => {
  const run = await runCli([...args, "--format", "json"], cwd ? { cwd } : {});
  return (JSON.parse(run.stdout) as { diagnostics: JsonDiagnostic[] }).diagnostics;
};

describe("hostroot validate", () => {
  it("passes the example definitions: exit 0, no problems", async () => {
    const run = await runCli(["validate", ...CONFIG]);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(run.stdout).toMatch(/^4 files checked: no problems\.\n$/);
    expect((await runCli(["validate", ...CONFIG, "examples/containers"])).code).toBe(0);
  });

  it("reports every broken example at file:line:col with its rule, exit 1", async () => {
    const run = await runCli(["validate", ...CONFIG, "examples/broken"]);
    expect(run.code).toBe(1);
    const lines = run.stdout.split("\n");
    for (const [where, rule] of BROKEN)
      expect(lines.some((l) => l.startsWith(`${where}  error  `) && l.endsWith(`  ${rule}`))).toBe(true);
    expect(lines.at(-2)).toBe(`6 files checked: ${BROKEN.length} errors, 0 warnings.`);
  });

  it("exits 2 when the config is missing, and says where it looked", async () => {
    const run = await runCli(["validate", "--config", "examples/nope.yml"]);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain("examples/nope.yml:1:1  error  config file not found");
    expect(run.stdout).toContain("config/missing");
  });

  it("exits 2 when the config is invalid, pointing into it", async () => {
    const dir = makeRepo({
      "containers/x.yml": DEF,
      "bad.yml": "apiVersion: hostroot/v1\npool:\n  platfroms: {}\n",
    });
    try {
      const run = await runCli(["validate", "--config", "bad.yml"], { cwd: dir });
      expect(run.code).toBe(2);
      expect(run.stdout).toMatch(
        /^bad\.yml:3:3 {2}error {2}unknown key 'platfroms'.*did you mean 'platforms'/m,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("exits 2 with the command's usage on an unknown option, format or command", async () => {
    for (const args of [
      ["validate", "--bogus"],
      ["validate", "--format", "xml"],
    ]) {
      const run = await runCli(args);
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stderr).toMatch(/^error: .*(--bogus|xml)/);
      expect(run.stderr).toContain("Usage: hostroot validate [options] [paths...]");
    }
    const run = await runCli(["frobnicate"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Usage: hostroot [options] [command]");
  });

  it("--format json: only JSON, one fixed shape, the same findings as the text report", async () => {
    const run = await runCli(["validate", ...CONFIG, "examples/broken", "--format", "json"]);
    expect(run.code).toBe(1);
    const { diagnostics } = JSON.parse(run.stdout) as { diagnostics: JsonDiagnostic[] };
    const missing = await jsonOf(["validate", "--config", "examples/nope.yml"]);
    const text = (await runCli(["validate", ...CONFIG, "examples/broken"])).stdout;
    expect(diagnostics).toHaveLength(BROKEN.length);
    for (const d of [...diagnostics, ...missing]) {
      expect(Object.keys(d)).toEqual([
        "file",
        "line",
        "column",
        "endLine",
        "endColumn",
        "severity",
        "rule",
        "message",
      ]);
      for (const k of ["line", "column", "endLine", "endColumn"] as const) expect(d[k]).toBeGreaterThan(0);
    }
    for (const d of diagnostics)
      expect(text).toContain(`${d.file}:${d.line}:${d.column}  ${d.severity}  ${d.message}  ${d.rule}`);
  });

  it("--format github: one workflow command per finding, escaped so it decodes to the finding", async () => {
    const expected = await jsonOf(["validate", "containers"], repo);
    const run = await runCli(["validate", "containers", "--format", "github"], { cwd: repo });
    const lines = run.stdout.split("\n").filter(Boolean);
    expect(lines).toHaveLength(expected.length);
    expect(expected.some((d) => /[\n,:]/.test(d.file) && /[\n,:%]/.test(d.message))).toBe(true);
    lines.forEach((line, i) => {
      const m = /^::(error|warning|notice) ([^:]*)::(.*)$/.exec(line);
      expect(m, line).not.toBeNull();
      const [, command, props, data] = m as unknown as [string, string, string, string];
      const p = Object.fromEntries(props.split(",").map((kv) => kv.split("=") as [string, string]));
      const d = expected[i] as JsonDiagnostic;
      expect(command).toBe(d.severity);
      expect(decodeCommand(p.file as string)).toBe(d.file);
      expect([Number(p.line), Number(p.col)]).toEqual([d.line, d.column]);
      expect(decodeCommand(p.title as string)).toBe(`hostroot ${d.rule}`);
      expect(decodeCommand(data)).toBe(d.message);
    });
  });

  it("--format gitlab: valid JSON, unique fingerprints even for identical findings, stable", async () => {
    const first = await runCli(["validate", "containers", "--format", "gitlab"], { cwd: repo });
    const second = await runCli(["validate", "containers", "--format", "gitlab"], { cwd: repo });
    const issues = JSON.parse(first.stdout) as Array<Record<string, unknown>>;
    const withoutPrint = issues.map(({ fingerprint, ...rest }) => JSON.stringify(rest));
    expect(new Set(withoutPrint).size).toBeLessThan(issues.length); // identical findings are there
    expect(new Set(issues.map((i) => i.fingerprint)).size).toBe(issues.length);
    expect(second.stdout).toBe(first.stdout);
    for (const i of issues) {
      expect(i).toMatchObject({ check_name: expect.stringMatching(/^[a-z]+\/[a-z-]+$/) });
      expect(i).toMatchObject({
        location: { path: expect.any(String), lines: { begin: expect.any(Number) } },
      });
      expect(["info", "minor", "major", "critical", "blocker"]).toContain(i.severity);
    }
  });

  it("--format junit: well-formed XML, one test case per file", async () => {
    for (const [cwd, paths] of [
      [undefined, [...CONFIG, "examples/broken"]],
      [repo, ["containers"]],
    ] as const) {
      const run = await runCli(["validate", ...paths, "--format", "junit"], cwd ? { cwd } : {});
      const files = [...new Set((await jsonOf(["validate", ...paths], cwd)).map((d) => d.file))];
      const errors = (await jsonOf(["validate", ...paths], cwd)).filter((d) => d.severity === "error");
      expect(checkXml(run.stdout)).toEqual([]);
      const cases = [...run.stdout.matchAll(/<testcase [^>]*name="([^"]*)"/g)].map((m) =>
        xmlText(m[1] as string),
      );
      expect(new Set(cases).size).toBe(cases.length);
      for (const f of files) expect(cases).toContain(f);
      expect(run.stdout).toContain(
        `<testsuites name="hostroot" tests="${cases.length}" failures="${errors.length}">`,
      );
    }
  });

  describe("colour", () => {
    // Node's styleText would colour any stream under FORCE_COLOR: only the CLI's own check stands between.
    afterEach(() => vi.unstubAllEnvs());

    it("writes no ANSI escapes when stdout is not a terminal, or under NO_COLOR", async () => {
      vi.stubEnv("FORCE_COLOR", "1");
      const args = ["validate", ...CONFIG, "examples/broken"];
      const piped = await runCli(args, { stdoutStream: { isTTY: false } });
      const noColor = await runCli(args, { stdoutStream: { isTTY: true }, env: { NO_COLOR: "1" } });
      const terminal = await runCli(args, { stdoutStream: { isTTY: true } });
      expect(piped.stdout).not.toContain("\x1b[");
      expect(noColor.stdout).not.toContain("\x1b[");
      expect(terminal.stdout).toContain("\x1b["); // so the two checks above can fail
      expect(stripVTControlCharacters(terminal.stdout)).toBe(piped.stdout);
    });
  });
});

/** Decodes workflow-command escaping (%25 last, so an escaped "%0A" stays literal). */
function decodeCommand(s: string): string {
  return s
    .replaceAll("%0D", "\r")
    .replaceAll("%0A", "\n")
    .replaceAll("%3A", ":")
    .replaceAll("%2C", ",")
    .replaceAll("%25", "%");
}

function xmlText(s: string): string {
  return s
    .replace(/&#([0-9]+);/g, (_, n) => String.fromCodePoint(Number(n)))
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&quot;", '"')
    .replaceAll("&amp;", "&");
}

/** A small well-formedness check: declaration first, balanced tags, one root, no stray `<` or `&`. */
function checkXml(xml: string): string[] {
  const problems: string[] = [];
  if (!xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')) problems.push("no XML declaration");
  const body = xml.replace(/^<\?xml[^>]*\?>/, "");
  const stack: string[] = [];
  let roots = 0;
  const tag = /<(\/?)([A-Za-z][\w.-]*)((?:\s+[\w.-]+="[^"<]*")*)\s*(\/?)>/g;
  let last = 0;
  for (let m = tag.exec(body); m; m = tag.exec(body)) {
    const text = body.slice(last, m.index);
    if (/[<>]|&(?!(amp|lt|gt|quot|apos|#[0-9]+);)/.test(text)) problems.push(`bad text before ${m[0]}`);
    if (/&(?!(amp|lt|gt|quot|apos|#[0-9]+);)/.test(m[3] ?? "")) problems.push(`bad attribute in ${m[0]}`);
    last = m.index + m[0].length;
    const [, close, name, , selfClosing] = m as unknown as [string, string, string, string, string];
    if (close) {
      if (stack.pop() !== name) problems.push(`unbalanced </${name}>`);
    } else {
      if (stack.length === 0) roots++;
      if (!selfClosing) stack.push(name);
    }
  }
  if (body.slice(last).trim() !== "") problems.push("text after the root");
  if (stack.length > 0) problems.push(`unclosed ${stack.join(", ")}`);
  if (roots !== 1) problems.push(`${roots} root elements`);
  return problems;
}
