import { readFileSync, writeFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { SCHEMA_FILES, schemaText } from "../../src/adapters/cli/schemaCommand.js";
import { configSchema } from "../../src/core/configSchema.js";
import { DNS_LABEL, definitionSchema } from "../../src/core/definitionSchema.js";
import { jsonSchemas } from "../../src/core/jsonSchemas.js";
import { serverConfigSchema } from "../../src/core/serverConfigSchema.js";

type Schema = Record<string, unknown>;
const schemas = jsonSchemas();

describe("committed JSON Schemas", () => {
  it.each(["definition", "config", "serverConfig"] as const)(
    "the %s schema is committed as jsonSchemas() generates it",
    (kind) => {
      const name = SCHEMA_FILES[kind === "serverConfig" ? "server-config" : kind];
      const file = new URL(`../../schema/${name}`, import.meta.url);
      const expected = schemaText(schemas[kind]);
      if (process.env.UPDATE_GOLDEN === "1") writeFileSync(file, expected);
      const committed = readFileSync(file, "utf8");
      expect(
        committed === expected,
        `schema/${name} is out of date: regenerate it with 'npm run schema' ` +
          "(or UPDATE_GOLDEN=1 npx vitest run test/core/jsonSchemas.test.ts) and commit the result",
      ).toBe(true);
    },
  );

  it("identifies itself", () => {
    expect(schemas.definition).toMatchObject({
      $id: expect.stringMatching(/definition/),
      title: expect.any(String),
    });
    expect(schemas.config).toMatchObject({ $id: expect.stringMatching(/config/), title: expect.any(String) });
    expect(schemas.serverConfig).toMatchObject({
      $id: expect.stringMatching(/server-config/),
      title: expect.any(String),
    });
  });

  it.each(["definition", "config", "serverConfig"] as const)(
    "the %s schema closes every object with known keys",
    (kind) => {
      const objects = collect(schemas[kind]).filter((s) => s.type === "object" && s.properties !== undefined);
      expect(objects.length).toBeGreaterThan(3);
      for (const o of objects) expect(o.additionalProperties, JSON.stringify(o.properties)).toBe(false);
    },
  );
});

describe("JSON Schema and zod agree", () => {
  const path = fc
    .array(fc.stringMatching(/^[a-z0-9_.-]{1,8}$/), { minLength: 1, maxLength: 3 })
    .map((s) => `/${s.join("/")}`);
  const argv = fc.array(fc.stringMatching(/^[a-z/.=-]{1,10}$/), { minLength: 1, maxLength: 4 });
  const definition = fc.record(
    {
      apiVersion: fc.constant("hostroot/v1"),
      name: fc.stringMatching(DNS_LABEL),
      platform: fc.constantFrom("debian-12", "ubuntu-24.04"),
      replicas: fc.integer({ min: 1, max: 1000 }),
      hide: fc.array(path, { maxLength: 2 }),
      mounts: fc.array(
        fc.record(
          { source: path, target: path, readOnly: fc.boolean() },
          { requiredKeys: ["source", "target"] },
        ),
        { maxLength: 2 },
      ),
      packages: fc.record({ pip: fc.array(fc.constantFrom("flask==3.0.3", "requests")) }),
      setup: fc.array(argv, { maxLength: 2 }),
      service: fc.record(
        { command: argv, user: fc.constantFrom("app", "www-data") },
        { requiredKeys: ["command"] },
      ),
      resources: fc.record(
        {
          memory: fc.constantFrom("512M", "2G"),
          cpus: fc.double({ min: 0.1, max: 64, noNaN: true }),
          pids: fc.integer({ min: 16, max: 4096 }),
        },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: ["apiVersion", "name", "platform"] },
  );

  it("accepts the same valid definitions, and refuses the same unknown keys", () => {
    fc.assert(
      fc.property(definition, (d) => {
        expect(definitionSchema.safeParse(d).success).toBe(true);
        expect(check(schemas.definition, d)).toEqual([]);
        const typo = { ...d, replica: 2 };
        expect(definitionSchema.safeParse(typo).success).toBe(false);
        expect(check(schemas.definition, typo)).toEqual(["$: unknown key replica"]);
      }),
      { numRuns: 100 },
    );
  });

  it("accepts a valid config and refuses a misspelt host key", () => {
    const config = {
      apiVersion: "hostroot/v1",
      pool: {
        platforms: {
          "debian-12": { hosts: [{ name: "a", address: "10.0.0.1", hostKey: "ssh-ed25519 AAAA" }] },
        },
      },
      policy: { commands: { deploy: { permission: "admin" } }, mounts: { allowedSources: ["/srv"] } },
    };
    expect(configSchema.safeParse(config).success).toBe(true);
    expect(check(schemas.config, config)).toEqual([]);
    const bad = structuredClone(config) as Schema & typeof config;
    Object.assign(bad.pool.platforms["debian-12"].hosts[0] as object, { prot: 22 });
    expect(configSchema.safeParse(bad).success).toBe(false);
    expect(check(schemas.config, bad)).toEqual(["$.pool: matches none of 2 forms"]);
  });

  it("accepts a pool named from the App's server config, and not both forms at once", () => {
    const named = { apiVersion: "hostroot/v1", pool: { name: "web", hosts: ["web-1"] } };
    expect(check(schemas.config, named)).toEqual([]);
    const both = { apiVersion: "hostroot/v1", pool: { name: "web", platforms: {} } };
    expect(check(schemas.config, both)).toEqual(["$.pool: matches none of 2 forms"]);
  });

  it("accepts the server config docs/server-config.md shows, and refuses a misspelt key in it", () => {
    const doc = readFileSync(new URL("../../docs/server-config.md", import.meta.url), "utf8");
    const yaml = /```yaml\n(# hostroot-server\.yml\n[\s\S]*?)```/.exec(doc)?.[1] ?? "";
    const value = parse(yaml) as Schema;
    expect(serverConfigSchema.safeParse(value).success).toBe(true);
    expect(check(schemas.serverConfig, value)).toEqual([]);
    const bad = structuredClone(value) as Schema & { pools: Record<string, Schema> };
    Object.assign(bad.pools.web as object, { repos: ["acme/x"] });
    expect(serverConfigSchema.safeParse(bad).success).toBe(false);
    expect(check(schemas.serverConfig, bad)).toEqual(["$.pools.web: unknown key repos"]);
  });
});

/** Every sub-schema, depth first. */
function collect(schema: unknown, out: Schema[] = []): Schema[] {
  if (Array.isArray(schema)) for (const s of schema) collect(s, out);
  else if (schema !== null && typeof schema === "object") {
    out.push(schema as Schema);
    for (const [k, v] of Object.entries(schema))
      if (k !== "default" && k !== "enum" && k !== "const")
        collect(k === "properties" ? Object.values(v as object) : v, out);
  }
  return out;
}

const KNOWN = new Set([
  "$schema",
  "$id",
  "title",
  "description",
  "default",
  "format",
  "type",
  "properties",
  "required",
  "additionalProperties",
  "propertyNames",
  "items",
  "minItems",
  "const",
  "enum",
  "pattern",
  "minLength",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "anyOf",
]);

/**
 * A checker for exactly the JSON Schema keywords the generated files use; an unknown keyword
 * throws, so a schema change cannot make this test quietly check less.
 */
function check(schema: Schema, v: unknown, at = "$"): string[] {
  for (const k of Object.keys(schema)) if (!KNOWN.has(k)) throw new Error(`checker does not know ${k}`);
  const errs: string[] = [];
  const fail = (m: string) => errs.push(`${at}: ${m}`);
  if ("const" in schema && v !== schema.const) fail("const");
  if (Array.isArray(schema.enum) && !schema.enum.includes(v)) fail("enum");
  const n = (k: string) => schema[k] as number;
  if (Array.isArray(schema.anyOf)) {
    const branches = (schema.anyOf as Schema[]).map((b) => check(b, v, at));
    return branches.some((b) => b.length === 0) ? errs : [`${at}: matches none of ${branches.length} forms`];
  }
  switch (schema.type) {
    case "object": {
      if (v === null || typeof v !== "object" || Array.isArray(v)) return [`${at}: not an object`];
      const props = (schema.properties ?? {}) as Record<string, Schema>;
      for (const r of (schema.required ?? []) as string[]) if (!(r in v)) fail(`missing ${r}`);
      for (const [k, x] of Object.entries(v)) {
        if (schema.propertyNames) errs.push(...check(schema.propertyNames as Schema, k, `${at}[key ${k}]`));
        if (props[k]) errs.push(...check(props[k], x, `${at}.${k}`));
        else if (schema.additionalProperties === false) fail(`unknown key ${k}`);
        else if (typeof schema.additionalProperties === "object")
          errs.push(...check(schema.additionalProperties as Schema, x, `${at}.${k}`));
      }
      break;
    }
    case "array":
      if (!Array.isArray(v)) return [`${at}: not an array`];
      if (v.length < (n("minItems") ?? 0)) fail("too few items");
      for (const [i, x] of v.entries()) errs.push(...check(schema.items as Schema, x, `${at}.${i}`));
      break;
    case "string":
      if (typeof v !== "string") return [`${at}: not a string`];
      if (v.length < (n("minLength") ?? 0)) fail("too short");
      if (typeof schema.pattern === "string" && !new RegExp(schema.pattern, "u").test(v)) fail("pattern");
      break;
    case "integer":
    case "number":
      if (typeof v !== "number" || (schema.type === "integer" && !Number.isInteger(v)))
        return [`${at}: not a ${schema.type}`];
      if (
        v < (n("minimum") ?? -Infinity) ||
        v > (n("maximum") ?? Infinity) ||
        v <= (n("exclusiveMinimum") ?? -Infinity)
      )
        fail("range");
      break;
    case "boolean":
      if (typeof v !== "boolean") fail("not a boolean");
      break;
    default:
      throw new Error(`checker does not know type ${String(schema.type)}`);
  }
  return errs;
}
