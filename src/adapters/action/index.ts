import * as core from "@actions/core";
import { run } from "./run.js";

// The Action's entry point (bundled into dist/index.js): run once, fail the step when the run
// says so. run() never throws; the catch is for a bug in it.
run().then(
  (outcome) => {
    if (outcome.message !== undefined) core.setFailed(outcome.message);
  },
  (error: unknown) => core.setFailed(error instanceof Error ? error.message : String(error)),
);
