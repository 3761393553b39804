import { describe, expect, it } from "vitest";
import { matchRepositoryGlob, repositoryGlobProblem } from "../../src/core/repositoryGlob.js";

describe("matchRepositoryGlob", () => {
  it.each([
    ["acme/web", "acme/web", true],
    ["acme/web", "ACME/Web", true],
    ["acme/web-*", "acme/web-frontend", true],
    ["acme/web-*", "acme/web-", true],
    ["acme/web-*", "acme/webfrontend", false],
    ["acme/*", "acme/anything.at-all", true],
    ["acme/*", "acme-evil/web", false],
    ["acme/web", "acme/web-evil", false],
    ["acme/web", "evil/acme/web", false],
    ["*/web", "acme/web", true],
    ["acme/w?b", "acme/wxb", true],
    ["acme/w?b", "acme/wb", false],
    ["*", "acme/web", false],
    ["acme*", "acme/web", false],
    ["acme/**", "acme/web", true],
  ])("%s against %s: %s", (pattern, name, expected) => {
    expect(matchRepositoryGlob(pattern, name)).toBe(expected);
  });

  it("never lets a wildcard cross the '/' between owner and name", () => {
    expect(matchRepositoryGlob("a*/b", "a/x/b")).toBe(false);
    expect(matchRepositoryGlob("a?b/c", "a/b/c")).toBe(false);
  });

  it("stays linear-ish on patterns that would make a backtracking matcher explode", () => {
    const started = Date.now();
    expect(matchRepositoryGlob(`a/${"*a".repeat(40)}b`, `a/${"a".repeat(200)}`)).toBe(false);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe("repositoryGlobProblem", () => {
  it.each([["acme"], ["acme/"], ["/web"], ["acme/web/x"], ["acme/[web]"], ["acme/web name"], ["acme/(a|b)"]])(
    "refuses %s",
    (pattern) => {
      expect(repositoryGlobProblem(pattern)).toBeDefined();
      expect(matchRepositoryGlob(pattern, "acme/web")).toBe(false);
    },
  );

  it("accepts owner/name with * and ?", () => {
    expect(repositoryGlobProblem("acme-inc/web.api_2-*")).toBeUndefined();
  });
});

describe("GitLab project patterns", () => {
  it("take gitlab: and a full path of two or more parts, and never match a GitHub name or a deeper path", () => {
    expect(repositoryGlobProblem("gitlab:acme/ops/web")).toBeUndefined();
    expect(repositoryGlobProblem("gitlab:acme")).toMatch(/must be 'gitlab:' and a project's full path/);
    expect(matchRepositoryGlob("gitlab:acme/ops/*", "gitlab:acme/ops/web")).toBe(true);
    expect(matchRepositoryGlob("gitlab:acme/*", "gitlab:acme/ops/web")).toBe(false);
    expect(matchRepositoryGlob("acme/web", "gitlab:acme/web")).toBe(false);
    expect(matchRepositoryGlob("gitlab:acme/web", "acme/web")).toBe(false);
    expect(matchRepositoryGlob("*/*", "gitlab:acme/web")).toBe(false);
  });
});
