import pLimit, { type LimitFunction } from "p-limit";

interface Hold {
  users: number;
  acquired: Promise<void>;
  release: () => void;
}

/**
 * Bounds how many hosts are worked on at once. A host takes one slot while it has any command in
 * flight, however many; its further commands share the slot. Idle connections hold no slot: they
 * cost the client nothing.
 */
export class HostSlots {
  private readonly holds = new Map<string, Hold>();
  private readonly limit: LimitFunction;

  constructor(maxHosts: number) {
    this.limit = pLimit(maxHosts);
  }

  /** Waits for the host's slot; call the returned function once the command is done. */
  async hold(host: string): Promise<() => void> {
    let hold = this.holds.get(host);
    if (!hold) {
      let release = () => {};
      const done = new Promise<void>((resolve) => {
        release = resolve;
      });
      // The slot is the p-limit task itself: it runs (holds the slot) until `done` resolves.
      const acquired = new Promise<void>((resolve) => {
        void this.limit(() => {
          resolve();
          return done;
        });
      });
      hold = { users: 0, acquired, release };
      this.holds.set(host, hold);
    }
    const current = hold;
    current.users++;
    await current.acquired;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--current.users === 0) {
        this.holds.delete(host);
        current.release();
      }
    };
  }
}
