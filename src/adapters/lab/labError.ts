/**
 * Why a lab operation could not go on: the machine is not fit (not root, a tool missing, the
 * subnet taken), an earlier lab is in the way, or a step failed. The message says what to do.
 */
export class LabError extends Error {
  constructor(
    readonly code:
      | "not-root"
      | "missing-tools"
      | "busy"
      | "already-up"
      | "leftovers"
      | "subnet-in-use"
      | "bad-path"
      | "step-failed"
      | "still-mounted",
    message: string,
  ) {
    super(message);
    this.name = "LabError";
  }
}
