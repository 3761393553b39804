// `hostroot` from this checkout's sources, for the CI/CD component's jobs under test (the
// component runs `npx hostroot@<version>`; the `command` input points here instead).
import { main } from "../../src/adapters/cli/main.js";

process.exitCode = await main(process.argv);
