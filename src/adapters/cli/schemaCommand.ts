import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { jsonSchemas } from "../../core/jsonSchemas.js";
import { type CliIo, EXIT } from "./cliIo.js";

/** The committed file names; editors find them through `# yaml-language-server: $schema=...`. */
export const SCHEMA_FILES = {
  definition: "definition.schema.json",
  config: "config.schema.json",
  "server-config": "server-config.schema.json",
} as const;

/** The schema kinds, as `--kind` takes them. */
export type SchemaKind = keyof typeof SCHEMA_FILES;

/** Serialises a schema exactly as committed under schema/, so a test can compare bytes. */
export function schemaText(schema: object): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

/** `hostroot schema [--kind K] [--write DIR]`: print a JSON Schema, or write every one to DIR. */
export async function schemaCommand(
  io: CliIo,
  options: { kind: SchemaKind; write?: string },
): Promise<number> {
  const { definition, config, serverConfig } = jsonSchemas();
  const schemas: Record<SchemaKind, object> = { definition, config, "server-config": serverConfig };
  if (options.write === undefined) {
    io.stdout(schemaText(schemas[options.kind]));
    return EXIT.ok;
  }
  const dir = path.resolve(io.cwd, options.write);
  await mkdir(dir, { recursive: true });
  for (const kind of Object.keys(SCHEMA_FILES) as SchemaKind[]) {
    await writeFile(path.join(dir, SCHEMA_FILES[kind]), schemaText(schemas[kind]));
    io.stderr(`wrote ${path.join(options.write, SCHEMA_FILES[kind])}\n`);
  }
  return EXIT.ok;
}
