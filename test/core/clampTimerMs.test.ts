import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { clampTimerMs, MAX_TIMER_MS } from "../../src/core/clampTimerMs.js";

describe("clampTimerMs", () => {
  it("keeps delays setTimeout can hold and clamps the rest", () => {
    expect(clampTimerMs(300_000)).toBe(300_000);
    expect(clampTimerMs(30 * 24 * 3600 * 1000)).toBe(MAX_TIMER_MS);
    expect(clampTimerMs(Number.POSITIVE_INFINITY)).toBe(MAX_TIMER_MS);
    expect(clampTimerMs(-5)).toBe(0);
    expect(clampTimerMs(Number.NaN)).toBe(0);
  });

  it("always lands in [0, 2^31-1]", () => {
    fc.assert(
      fc.property(fc.double(), (ms) => {
        const c = clampTimerMs(ms);
        return c >= 0 && c <= MAX_TIMER_MS && Number.isInteger(c);
      }),
      { seed: 424242, numRuns: 500 },
    );
  });
});
