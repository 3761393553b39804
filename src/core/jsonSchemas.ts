import { z } from "zod";
import { configSchema } from "./configSchema.js";
import { definitionSchema } from "./definitionSchema.js";

/** JSON Schemas of the two file formats, for editors (yaml-language-server) and other tools. */
export interface JsonSchemas {
  definition: Record<string, unknown>;
  config: Record<string, unknown>;
}

/**
 * The definition and config formats as JSON Schema (draft 2020-12), generated from the zod
 * schemas so they cannot drift. `io: "input"` describes what a person may write: keys with
 * defaults are optional. Strict objects come out with `additionalProperties: false`, so editors
 * flag unknown keys as hostroot does. Committed under schema/ and checked by a test.
 */
export function jsonSchemas(): JsonSchemas {
  return {
    definition: withId(
      z.toJSONSchema(definitionSchema, { io: "input" }),
      "definition",
      "hostroot definition",
    ),
    config: withId(
      z.toJSONSchema(configSchema, { io: "input" }),
      "config",
      "hostroot pool and policy config",
    ),
  };
}

/** Puts `$schema`, `$id` and `title` first, where a reader of the file looks for them. */
function withId(schema: Record<string, unknown>, kind: string, title: string): Record<string, unknown> {
  const { $schema, ...rest } = schema;
  return { $schema, $id: `urn:hostroot:schema:${kind}:v1`, title, ...rest };
}
