/** A comment that shows an operation's progress and, at the end, its result. */
export interface StatusComment {
  /** Its web address, for logs and the audit line. */
  url: string;
  /** Asks for the comment to show `markdown`; edits are throttled and coalesced (latest wins). */
  update(markdown: string): void;
  /** Shows `markdown` now, after any edit in flight; always sent. Later updates are ignored. */
  finish(markdown: string): Promise<void>;
}

/** How often progress may be written. */
export interface ThrottleOptions {
  /** At most one progress edit per this many milliseconds. Default 2000. */
  intervalMs?: number;
  /** Milliseconds clock; injectable so tests can make time pass without waiting. */
  now?: () => number;
  /** Where a failed progress edit is reported (progress is best effort; the final edit is not). */
  onError?: (error: unknown) => void;
}

/**
 * A throttled editor over `edit`: the first update after a quiet interval is sent at once, later
 * ones within the interval are coalesced into one edit at its end, and edits never overlap. A
 * rollout over 500 hosts then costs a handful of edits, not 500 (GitHub's secondary rate limits
 * count content-creating requests; GitLab rate-limits note edits per user). Shared by every code
 * host's status comment, so the throttling is the same everywhere.
 */
export function throttledEditor(
  edit: (markdown: string) => Promise<void>,
  options: ThrottleOptions & { url?: string } = {},
): StatusComment {
  const interval = options.intervalMs ?? 2000;
  const now = options.now ?? Date.now;
  // The comment was just written (created), so the first interval starts now.
  let lastSent = now();
  let lastBody: string | undefined;
  let pending: string | undefined;
  let inFlight: Promise<void> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let finished = false;

  const send = (body: string) => {
    lastSent = now();
    lastBody = body;
    inFlight = edit(body)
      .catch((error) => options.onError?.(error))
      .finally(() => {
        inFlight = undefined;
        if (!finished) schedule();
      });
  };
  const flush = () => {
    const body = pending;
    pending = undefined;
    if (body !== undefined && body !== lastBody) send(body);
  };
  function schedule() {
    if (pending === undefined || inFlight) return;
    const wait = lastSent + interval - now();
    if (wait <= 0) {
      // Due already (the timer may lag behind the clock): send now, and drop the timer.
      if (timer) clearTimeout(timer);
      timer = undefined;
      flush();
    } else
      timer ??= setTimeout(() => {
        timer = undefined;
        if (!finished) flush();
      }, wait);
  }
  return {
    url: options.url ?? "",
    update(markdown) {
      if (finished) return;
      pending = markdown;
      schedule();
    },
    async finish(markdown) {
      finished = true;
      pending = undefined;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await inFlight;
      await edit(markdown);
    },
  };
}
