#!/usr/bin/env node
// Thin launcher: the CLI is compiled to build/ by `npm run build` (run by `npm ci` through `prepare`).
import { main } from "../build/adapters/cli/main.js";

// `hostroot ... | head` closes the pipe early; that is the reader's choice, not an error.
process.stdout.on("error", (error) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});
process.exitCode = await main(process.argv);
