import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { jsonSchemas } from "../../core/jsonSchemas.js";
import { type CliIo, EXIT } from "./cliIo.js";

/** The committed file names; editors find them through `# yaml-language-server: $schema=...`. */
export const SCHEMA_FILES = { definition: "definition.schema.json", config: "config.schema.json" } as const;

/** Serialises a schema exactly as committed under schema/, so a test can compare bytes. */
export function schemaText(schema: object): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

/** `hostroot schema [--kind K] [--write DIR]`: print a JSON Schema, or write both to DIR. */
export async function schemaCommand(
  io: CliIo,
  options: { kind: "definition" | "config"; write?: string },
): Promise<number> {
  const schemas = jsonSchemas();
  if (options.write === undefined) {
    io.stdout(schemaText(schemas[options.kind]));
    return EXIT.ok;
  }
  const dir = path.resolve(io.cwd, options.write);
  await mkdir(dir, { recursive: true });
  for (const kind of ["definition", "config"] as const) {
    await writeFile(path.join(dir, SCHEMA_FILES[kind]), schemaText(schemas[kind]));
    io.stderr(`wrote ${path.join(options.write, SCHEMA_FILES[kind])}\n`);
  }
  return EXIT.ok;
}
