import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";

/**
 * Compares rendered markdown with a checked-in golden file, byte for byte. `UPDATE_GOLDEN=1`
 * rewrites the file instead; a missing file fails, so a golden is never created silently.
 */
export function expectGolden(name: string, actual: string): void {
  const path = fileURLToPath(new URL(`../golden/markdown/${name}`, import.meta.url));
  if (process.env.UPDATE_GOLDEN === "1") {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  let expected: string;
  try {
    expected = readFileSync(path, "utf8");
  } catch {
    throw new Error(`golden file ${name} is missing; run with UPDATE_GOLDEN=1 and review it`);
  }
  expect(actual).toBe(expected);
}
