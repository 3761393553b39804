#!/usr/bin/env node
// Thin launcher: the CLI is bundled into build/cli/ by `npm run build` (run by `npm ci` through
// `prepare`; see scripts/bundle-cli.mjs) and loaded with its code cache (see loadCli.js).
import { loadCli } from "./loadCli.js";

// `hostroot ... | head` closes the pipe early; that is the reader's choice, not an error.
process.stdout.on("error", (error) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});
process.exitCode = await loadCli().main(process.argv);
