import { stringify } from "yaml";
import { type Config, configSchema } from "../../src/core/configSchema.js";
import { type Definition, type DefinitionInput, definitionSchema } from "../../src/core/definitionSchema.js";
import type { Located } from "../../src/core/located.js";
import { parseDefinition } from "../../src/core/parseDefinition.js";

/**
 * A definition read the way hostroot reads a file (parseDefinition), so positions are real. The
 * YAML must be a valid definition: these tests are about the rules after parsing.
 */
export function locatedDefinition(file: string, text: string): Located<Definition> {
  const parsed = parseDefinition(file, text);
  if (!parsed.definition) throw new Error(`fixture ${file}: ${parsed.diagnostics[0]?.message}`);
  return parsed.definition;
}

/** A definition given as an object, written out as YAML first so positions still exist. */
export function locatedFrom(file: string, input: Partial<DefinitionInput>): Located<Definition> {
  return locatedDefinition(file, stringify({ apiVersion: "hostroot/v1", ...input }));
}

/** A definition value with defaults applied. */
export function definition(input: Partial<DefinitionInput> & { name: string }): Definition {
  return definitionSchema.parse({ apiVersion: "hostroot/v1", platform: "debian-12", ...input });
}

/** Hosts for {@link poolConfig}: name, optional labels and capacity. */
export interface TestHost {
  name: string;
  labels?: Record<string, string>;
  capacity?: number;
}

/** A valid config with the given hosts per platform and allowed mount sources. */
export function poolConfig(
  platforms: Record<string, TestHost[]>,
  allowedSources: string[] = ["/srv"],
): Config {
  let n = 0;
  return configSchema.parse({
    apiVersion: "hostroot/v1",
    pool: {
      platforms: Object.fromEntries(
        Object.entries(platforms).map(([platform, hosts]) => [
          platform,
          {
            hosts: hosts.map((h) => ({
              ...h,
              address: `192.0.2.${++n}`,
              hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTests",
            })),
          },
        ]),
      ),
    },
    policy: { mounts: { allowedSources } },
  });
}
