import { z } from "zod";
import { assertContainerName } from "./containerPaths.js";
import type { ContainerState } from "./observedState.js";
import { type Owner, ownerSchema } from "./owner.js";

/**
 * What a deploy writes to `<lxcPath>/<name>/hostroot.json`; `running` is observed, never stored.
 * Every state file hostroot writes names its owner (the repository that deployed it).
 */
export type StoredState = Omit<ContainerState, "running" | "owner"> & { replica: number; owner: Owner };

/**
 * A state file as read from a host: `owner` is absent in files written before hostroot recorded
 * owners; a plan treats such a container as nobody's until an operator adopts it.
 */
export type ReadState = Omit<StoredState, "owner"> & { owner?: Owner };

const storedStateSchema = z.object({
  name: z.string(),
  definitionHash: z.string().regex(/^[0-9a-f]{64}$/),
  commit: z.string(),
  deployedAt: z.string(),
  replica: z.int().min(0),
  fieldHashes: z.record(z.string(), z.string()).optional(),
  owner: ownerSchema.optional(),
});

/**
 * The state file's bytes: JSON with a fixed key order and a trailing newline, so the same deploy
 * writes the same bytes (a golden script stays stable, a diff on a host stays readable).
 */
export function renderStateFile(state: StoredState): string {
  assertContainerName(state.name);
  const parsed = storedStateSchema.required({ owner: true }).parse(state);
  const ordered = {
    name: parsed.name,
    definitionHash: parsed.definitionHash,
    commit: parsed.commit,
    deployedAt: parsed.deployedAt,
    replica: parsed.replica,
    ...(parsed.fieldHashes === undefined ? {} : { fieldHashes: parsed.fieldHashes }),
    owner: { id: parsed.owner.id, name: parsed.owner.name },
  };
  return `${JSON.stringify(ordered)}\n`;
}

/**
 * Reads a state file as a host returned it. A file that is not valid JSON of the right shape
 * is an expected outcome (a half-written file, a hand edit), not an exception.
 */
export function parseStateFile(
  text: string,
): { kind: "ok"; state: ReadState } | { kind: "invalid"; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { kind: "invalid", reason: `not JSON: ${(e as Error).message}` };
  }
  const result = storedStateSchema.safeParse(json);
  if (!result.success) return { kind: "invalid", reason: z.prettifyError(result.error) };
  return { kind: "ok", state: result.data };
}
