import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { definitionHash, fieldHashes, policyMasks } from "../../src/core/definitionHash.js";
import { type Definition, definitionSchema } from "../../src/core/definitionSchema.js";
import type { ContainerState, ObservedState } from "../../src/core/observedState.js";
import { parseConfig } from "../../src/core/parseConfig.js";
import { parseDefinition } from "../../src/core/parseDefinition.js";

/** The repository the example containers belong to; the README's plan passes `--owner` with its id. */
export const EXAMPLE_OWNER = { id: "github:712233", name: "acme/containers" };

const OLD_COMMIT = "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d";
const LAST_COMMIT = "5d1c0e7a9b3f4e2d8c6a1b0f9e8d7c6b5a4f3e2d";

/**
 * The text of examples/observed.json, computed from the current examples so its hashes stay true:
 * a snapshot where ledger (web-1) and billing-api replica 1 (web-3) are up to date, billing-api
 * replica 0 (web-2) still runs an older revision with less memory, invoice-worker was never
 * deployed, and report-cron, whose definition was deleted, still runs on web-1. `hostroot plan
 * --observed` on it shows a create, a reconfigure, two noops and a destroy.
 */
export function observedFixture(root: string): string {
  const configFile = path.join(root, "examples/hostroot.yml");
  const config = parseConfig("examples/hostroot.yml", readFileSync(configFile)).config?.value;
  if (!config) throw new Error("examples/hostroot.yml does not parse");
  const masks = policyMasks(config);
  const dir = path.join(root, "examples/containers");
  const defs = new Map<string, Definition>();
  for (const f of readdirSync(dir)) {
    const parsed = parseDefinition(`examples/containers/${f}`, readFileSync(path.join(dir, f)));
    if (parsed.definition) defs.set(parsed.definition.value.name, parsed.definition.value);
  }
  const def = (name: string) => {
    const d = defs.get(name);
    if (!d) throw new Error(`examples/containers has no ${name}`);
    return d;
  };
  const billing = def("billing-api");
  const olderBilling: Definition = { ...billing, resources: { ...billing.resources, memory: "256M" } };
  const reportCron = definitionSchema.parse({
    apiVersion: "hostroot/v1",
    name: "report-cron",
    platform: "debian-12",
    service: { command: ["/usr/bin/python3", "/srv/reports/cron.py"] },
  });
  const state = (d: Definition, replica: number, commit: string, deployedAt: string): ContainerState => ({
    name: d.name,
    definitionHash: definitionHash(d, masks),
    commit,
    deployedAt,
    running: true,
    replica,
    fieldHashes: fieldHashes(d, masks),
    owner: EXAMPLE_OWNER,
  });
  const observed: ObservedState = {
    hosts: [
      {
        host: "web-1",
        reachable: true,
        containers: [
          state(def("ledger"), 0, LAST_COMMIT, "2025-05-12T09:41:07.000Z"),
          state(reportCron, 0, OLD_COMMIT, "2025-03-03T14:02:55.000Z"),
        ],
      },
      {
        host: "web-2",
        reachable: true,
        containers: [state(olderBilling, 0, OLD_COMMIT, "2025-03-03T14:02:51.000Z")],
      },
      {
        host: "web-3",
        reachable: true,
        containers: [state(billing, 1, LAST_COMMIT, "2025-05-12T09:41:12.000Z")],
      },
    ],
  };
  return `${JSON.stringify(observed, null, 2)}\n`;
}
