/** The longest delay `setTimeout` holds: a larger one (or NaN) fires at once, after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A delay `setTimeout` keeps as asked: a config value in seconds times 1000 can exceed 2^31-1 ms
 * (about 24.8 days), and Node then fires the timer after 1 ms, turning a long timeout into none.
 * Values above the limit (and +Infinity) become the limit; negative values and NaN become 0.
 */
export function clampTimerMs(ms: number): number {
  if (Number.isNaN(ms) || ms <= 0) return 0;
  return Math.min(Math.floor(ms), MAX_TIMER_MS);
}
