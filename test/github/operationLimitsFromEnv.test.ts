import { describe, expect, it } from "vitest";
import { operationLimitsFromEnv } from "../../src/adapters/github/operationLimitsFromEnv.js";

describe("operationLimitsFromEnv", () => {
  it("uses the documented defaults, 2 per person and 3 per repository, when nothing is set", () => {
    expect(operationLimitsFromEnv({})).toEqual({ perActor: 2, perRepo: 3 });
    expect(operationLimitsFromEnv({ HOSTROOT_MAX_OPERATIONS_PER_ACTOR: " " })).toEqual({
      perActor: 2,
      perRepo: 3,
    });
  });

  it("takes whole numbers from 1 to 1000 from the operator's environment", () => {
    expect(
      operationLimitsFromEnv({
        HOSTROOT_MAX_OPERATIONS_PER_ACTOR: "1",
        HOSTROOT_MAX_OPERATIONS_PER_REPO: "1000",
      }),
    ).toEqual({ perActor: 1, perRepo: 1000 });
  });

  it.each(["0", "-1", "2.5", "1e3", "1001", "two", "0x10", "Infinity"])(
    "refuses %s, naming the variable",
    (value) => {
      expect(() => operationLimitsFromEnv({ HOSTROOT_MAX_OPERATIONS_PER_REPO: value })).toThrow(
        /HOSTROOT_MAX_OPERATIONS_PER_REPO must be a whole number from 1 to 1000 \(the default is 3\)/,
      );
    },
  );
});
