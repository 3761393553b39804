#!/usr/bin/env node
// Thin launcher: the CLI is compiled to build/ by `npm run build` (run by `npm ci` through `prepare`).
import { main } from "../build/adapters/cli/main.js";

process.exitCode = await main(process.argv);
