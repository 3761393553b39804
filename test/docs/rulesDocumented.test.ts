import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fsSourceReader } from "../../src/adapters/shared/fsSourceReader.js";
import type { Config } from "../../src/core/configSchema.js";
import type { Definition } from "../../src/core/definitionSchema.js";
import type { Diagnostic } from "../../src/core/diagnostic.js";
import type { Located } from "../../src/core/located.js";
import { parseAppConfig } from "../../src/core/parseAppConfig.js";
import { parseConfig } from "../../src/core/parseConfig.js";
import { parseDefinition } from "../../src/core/parseDefinition.js";
import { parseServerConfig } from "../../src/core/parseServerConfig.js";
import { repositoryAccess } from "../../src/core/repositoryAccess.js";
import { RULES } from "../../src/core/rules.js";
import { validateDefinitions } from "../../src/core/validateDefinitions.js";
import { validateSources } from "../../src/workflows/validateSources.js";
import { type DocBlock, docBlocks, ruleSections } from "./docSections.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const DOC = readFileSync(path.join(ROOT, "docs/definitions.md"), "utf8");

/** The pool every example is checked against; the doc shows the same file to its readers. */
const CONFIG_YAML = `# .github/hostroot.yml
apiVersion: hostroot/v1
pool:
  platforms:
    debian-12:
      hosts:
        - { name: web-1, address: 192.0.2.11, labels: { zone: a }, hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEtd0hrgY63x5CDH0suroeeWutFgAbnyGFVYFTHKKKBr" }
        - { name: web-2, address: 192.0.2.12, labels: { zone: b }, hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKvPfMjPm2NPH7IJuNPF1dQyR9AYG82LpT+rzgsvJZPt" }
        - { name: web-3, address: 192.0.2.13, labels: { zone: c }, hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGUEVL46j3cNe8Z/8jpjZYk4F0tG6qUBk5MNhmKBVO+9" }
    ubuntu-24.04:
      hosts:
        - { name: edge-1, address: 192.0.2.21, capacity: 1, hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ8vwn/mT4I6N0nnWPZYZ6WeTXfjNQPIF4sBv1oTNtOB" }
policy:
  mounts:
    allowedSources: [/srv]
`;
const parsedConfig = parseConfig(".github/hostroot.yml", CONFIG_YAML);
const CONFIG = parsedConfig.config?.value as Config;

/** The server config the App rules' examples are read against, as the doc shows it. */
const SERVER_BLOCK = docBlocks(DOC).find((b) => b.heading === "The server config the examples use");
const SERVER = SERVER_BLOCK
  ? parseServerConfig(SERVER_BLOCK.file, SERVER_BLOCK.text).config?.value
  : undefined;
/** Rules whose repository config examples are read as the App reads them, for acme/billing. */
const APP_RULES = new Set([
  "config/pool-from-server",
  "config/pool-not-bound",
  "config/pool-unknown-host",
  "policy/loosens",
  "policy/server-only",
]);

/**
 * Rules whose input cannot be written as a literal YAML block, each with an input that shows the
 * behaviour the doc describes in words, so "described only" is still checked.
 */
const DESCRIBED_ONLY: Record<string, () => Promise<Diagnostic[]>> = {
  // Latin-1 "é" where UTF-8 was expected.
  "yaml/encoding": async () =>
    parseDefinition("containers/cafe.yml", Buffer.from("name: caf\xe9\n", "latin1")).diagnostics,
  "yaml/too-large": async () =>
    parseDefinition("containers/big.yml", `# ${"x".repeat(300 * 1024)}\n`).diagnostics,
  "config/too-many-files": async () =>
    (
      await validateSources(
        {
          listDefinitionFiles: async () => Array.from({ length: 501 }, (_, i) => `containers/c${i}.yml`),
          read: async (p) => (p === ".github/hostroot.yml" ? Buffer.from(CONFIG_YAML) : undefined),
        },
        { configPath: ".github/hostroot.yml", maxFiles: 500 },
      )
    ).diagnostics,
  // Missing, linked and empty sources: a work tree made on the spot, read as `hostroot validate` reads it.
  "source/missing": async () => (await sourcesIn({}, ["containres"])).diagnostics,
  "source/symlink": async () =>
    (await sourcesIn({ "containers/a.yml": "x", "containers/b.yml": { link: "a.yml" } })).diagnostics,
  "source/empty": async () =>
    (await sourcesIn({ "containers/README.md": "no containers yet\n" })).diagnostics,
  "config/missing": async () =>
    (
      await validateSources(
        { listDefinitionFiles: async () => [], read: async () => undefined },
        { configPath: ".github/hostroot.yml" },
      )
    ).diagnostics,
};

/** validateSources over a temporary work tree holding CONFIG_YAML (definitionsPath: containers) and `files`. */
async function sourcesIn(files: Record<string, string | { link: string }>, paths?: string[]) {
  const dir = mkdtempSync(path.join(tmpdir(), "hostroot-docs-"));
  try {
    const all: Record<string, string | { link: string }> = { ".github/hostroot.yml": CONFIG_YAML, ...files };
    for (const [name, content] of Object.entries(all)) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      if (typeof content === "string") writeFileSync(path.join(dir, name), content);
      else symlinkSync(content.link, path.join(dir, name));
    }
    const options = { configPath: ".github/hostroot.yml", ...(paths ? { paths } : {}) };
    return await validateSources(fsSourceReader(dir), options);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs blocks as files of one repository: configs through parseConfig (or, for the App's rules, as
 * the App reads them for acme/billing against the doc's server config), server configs through
 * parseServerConfig, definitions through every rule.
 */
function diagnosticsOf(blocks: readonly DocBlock[], rule?: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const defs: Located<Definition>[] = [];
  for (const b of blocks) {
    if (b.file.endsWith("hostroot-server.yml")) {
      out.push(...parseServerConfig(b.file, Buffer.from(b.text)).diagnostics);
      continue;
    }
    if (b.file.endsWith("hostroot.yml")) {
      out.push(
        ...(rule !== undefined && APP_RULES.has(rule)
          ? parseAppConfig(b.file, Buffer.from(b.text), repositoryAccess(SERVER, "acme/billing")).diagnostics
          : parseConfig(b.file, Buffer.from(b.text)).diagnostics),
      );
      continue;
    }
    const parsed = parseDefinition(b.file, Buffer.from(b.text));
    out.push(...parsed.diagnostics);
    if (parsed.definition) defs.push(parsed.definition);
  }
  return [...out, ...validateDefinitions(defs, CONFIG)];
}

const show = (ds: readonly Diagnostic[]) => ds.map((d) => `${d.file}:${d.line}:${d.column} ${d.rule}`);
const sections = ruleSections(DOC);

describe("docs/definitions.md", () => {
  it("checks its examples against a valid config, the one it shows", () => {
    expect(parsedConfig.diagnostics).toEqual([]);
    expect(SERVER_BLOCK && parseServerConfig(SERVER_BLOCK.file, SERVER_BLOCK.text).diagnostics).toEqual([]);
    const shown = docBlocks(DOC).filter((b) => b.heading === "The pool the examples use");
    expect(shown).toHaveLength(1);
    expect(parseConfig("shown.yml", shown[0]?.text ?? "").config?.value).toEqual(CONFIG);
  });

  it("has one section per rule id, and nothing else looks like a rule", () => {
    const ids = sections.map((s) => s.id);
    expect([...ids].sort()).toEqual(Object.keys(RULES).sort());
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("shows bad and good examples everywhere except a short, explicit list", () => {
    const describedOnly = sections.filter((s) => s.describedOnly).map((s) => s.id);
    expect(describedOnly.sort()).toEqual(Object.keys(DESCRIBED_ONLY).sort());
    for (const s of sections.filter((x) => !x.describedOnly)) {
      expect(s.bad.length, `${s.id} (line ${s.line}) has no **Bad:** example`).toBeGreaterThan(0);
      expect(s.good.length, `${s.id} (line ${s.line}) has no **Good:** example`).toBeGreaterThan(0);
    }
  });

  it.each(sections.filter((s) => !s.describedOnly).map((s) => [s.id, s] as const))(
    "%s: the bad example is reported under that rule, the good one is clean",
    (id, section) => {
      const bad = diagnosticsOf(section.bad, id);
      expect(show(bad).join("\n"), `bad example of ${id} (line ${section.line})`).toContain(` ${id}`);
      expect(show(diagnosticsOf(section.good, id)), `good example of ${id} (line ${section.line})`).toEqual(
        [],
      );
    },
  );

  it.each(Object.entries(DESCRIBED_ONLY))("%s: does what its description says", async (id, run) => {
    expect((await run()).map((d) => d.rule)).toContain(id);
  });

  it("documents every field of the definition schema in its table", () => {
    const schema = JSON.parse(readFileSync(path.join(ROOT, "schema/definition.schema.json"), "utf8"));
    const table = DOC.slice(DOC.indexOf("## Fields"), DOC.indexOf("\n## ", DOC.indexOf("## Fields") + 1));
    const keys = table.split("\n").flatMap((l) => /^\| `([^`]+)` \|/.exec(l)?.[1] ?? []);
    expect(keys.sort()).toEqual(fieldKeys(schema).sort());
  });

  it("keeps every other yaml block of the doc a valid definition or config", () => {
    const others = docBlocks(DOC).filter((b) => b.marker === undefined);
    expect(others.length).toBeGreaterThan(0);
    for (const b of others) expect(show(diagnosticsOf([b])), `block at line ${b.line}`).toEqual([]);
  });
});

type JsonSchema = { properties?: Record<string, JsonSchema>; items?: JsonSchema };

/** Dotted keys of every field (`mounts[].source`); free-form maps (labels, env) are one field. */
function fieldKeys(schema: JsonSchema, prefix = ""): string[] {
  return Object.entries(schema.properties ?? {}).flatMap(([k, v]) => {
    const key = `${prefix}${k}`;
    if (v.properties) return fieldKeys(v, `${key}.`);
    if (v.items?.properties) return fieldKeys(v.items, `${key}[].`);
    return [key];
  });
}
