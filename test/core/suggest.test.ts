import { describe, expect, it } from "vitest";
import { editDistance, suggest } from "../../src/core/suggest.js";

const DEFINITION_KEYS = [
  "apiVersion",
  "name",
  "platform",
  "replicas",
  "placement",
  "hide",
  "mounts",
  "network",
];

describe("suggest", () => {
  it.each([
    ["replica", DEFINITION_KEYS, "replicas"],
    ["mount", DEFINITION_KEYS, "mounts"],
    ["plataform", DEFINITION_KEYS, "platform"],
    ["apiversion", DEFINITION_KEYS, "apiVersion"],
    ["readonly", ["source", "target", "readOnly"], "readOnly"],
    ["pacakges", ["pip", "packages"], "packages"],
    ["trgt", ["source", "target", "readOnly"], "target"],
    ["deplyo", ["plan", "deploy", "restart"], "deploy"],
  ])("%s -> %s", (word, candidates, expected) => {
    expect(suggest(word, candidates)).toBe(expected);
  });

  it.each([
    ["healthcheck", DEFINITION_KEYS],
    ["xy", ["ab", "cd"]],
    ["cpu", ["memory", "pids"]],
    ["anything", []],
  ])("%s has no plausible match", (word, candidates) => {
    expect(suggest(word, candidates)).toBeUndefined();
  });

  it("prefers a case-only difference, then the earlier of equally close candidates", () => {
    expect(suggest("Name", ["names", "name"])).toBe("name");
    expect(suggest("pids", ["pid", "pidz"])).toBe("pid");
  });

  it("counts a swap of neighbours as one edit", () => {
    expect(editDistance("pacakges", "packages")).toBe(1);
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("", "abc")).toBe(3);
  });
});
