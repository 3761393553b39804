import { z } from "zod";
import { configSchema } from "./configSchema.js";
import { DNS_LABEL, definitionSchema } from "./definitionSchema.js";
import { serverConfigSchema } from "./serverConfigSchema.js";

/** JSON Schemas of the file formats, for editors (yaml-language-server) and other tools. */
export interface JsonSchemas {
  definition: Record<string, unknown>;
  config: Record<string, unknown>;
  serverConfig: Record<string, unknown>;
}

/**
 * A repository config as an editor should accept it: either form of `pool`, the hosts listed (the
 * CLI and the Action) or a server pool named (the GitHub App, see docs/server-config.md). Which one
 * is allowed where is hostroot's to say, with a diagnostic at the line; an editor only checks shape.
 */
const editorConfigSchema = configSchema.extend({
  pool: z.union([
    configSchema.shape.pool,
    z
      .strictObject({
        name: z.string().min(1).describe("The App's server pool this repository uses."),
        hosts: z
          .array(z.string().regex(DNS_LABEL, "must be a host name"))
          .min(1)
          .optional()
          .describe("Only these hosts of the pool (all when absent)."),
      })
      .describe("A pool of the App's server config, by name (GitHub App only)."),
  ]),
});

/**
 * The definition, config and server config formats as JSON Schema (draft 2020-12), generated from the zod
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
      z.toJSONSchema(editorConfigSchema, { io: "input" }),
      "config",
      "hostroot pool and policy config",
    ),
    serverConfig: withId(
      z.toJSONSchema(serverConfigSchema, { io: "input" }),
      "server-config",
      "hostroot GitHub App server config",
    ),
  };
}

/** Puts `$schema`, `$id` and `title` first, where a reader of the file looks for them. */
function withId(schema: Record<string, unknown>, kind: string, title: string): Record<string, unknown> {
  const { $schema, ...rest } = schema;
  return { $schema, $id: `urn:hostroot:schema:${kind}:v1`, title, ...rest };
}
