import { describe, expect, it } from "vitest";
import { DEFAULT_OPERATION_LIMITS } from "../../src/workflows/operationLimits.js";
import { OperationRegistry } from "../../src/workflows/operationRegistry.js";

const op = (actor: string, repo = "acme/web") => ({ actor, repo, what: "/status" });

describe("OperationRegistry.admit", () => {
  it("admits up to the per-person limit, over every repository, and says so without naming them", () => {
    const registry = new OperationRegistry();
    const limits = { perActor: 2, perRepo: 10 };
    expect(registry.admit(op("alice", "acme/web"), limits).kind).toBe("admitted");
    expect(registry.admit(op("alice", "acme/secret-infra"), limits).kind).toBe("admitted");
    const third = registry.admit(op("Alice", "acme/other"), limits);
    expect(third).toEqual({
      kind: "busy",
      reason:
        "you already have 2 operations running in this App (at most 2 per person at once). Wait for one to finish.",
    });
    expect(JSON.stringify(third)).not.toContain("secret-infra");
    expect(registry.admit(op("bob", "acme/other"), limits).kind).toBe("admitted");
  });

  it("admits up to the per-repository limit, whoever asks", () => {
    const registry = new OperationRegistry();
    const limits = { perActor: 5, perRepo: 3 };
    for (const actor of ["a", "b", "c"]) expect(registry.admit(op(actor), limits).kind).toBe("admitted");
    expect(registry.admit(op("d", "ACME/web"), limits)).toMatchObject({
      kind: "busy",
      reason: expect.stringContaining("this repository already has 3 operations running (at most 3"),
    });
    expect(registry.admit(op("d", "acme/api"), limits).kind).toBe("admitted");
  });

  it("frees the place when an operation is done, but not when it is only cancelled", () => {
    const registry = new OperationRegistry();
    const limits = { perActor: 1, perRepo: 1 };
    const first = registry.admit(op("alice"), limits);
    if (first.kind !== "admitted") throw new Error("not admitted");
    expect(registry.cancel("acme/web")).toHaveLength(1);
    expect(first.signal.aborted).toBe(true);
    expect(registry.admit(op("alice"), limits).kind).toBe("busy");
    first.done();
    expect(registry.admit(op("alice"), limits).kind).toBe("admitted");
  });

  it("counts operations registered without a limit (deploys on merge) against the repository", () => {
    const registry = new OperationRegistry();
    registry.start({ repo: "acme/web", what: "deploy-on-merge of 1a2b3c4", actor: "merger" });
    registry.start({ repo: "acme/web", what: "deploy-on-merge of 5d6e7f8", actor: "merger" });
    registry.start({ repo: "acme/web", what: "deploy-on-merge of 9a0b1c2", actor: "merger" });
    expect(registry.admit(op("alice"), DEFAULT_OPERATION_LIMITS).kind).toBe("busy");
  });
});
