// Runs labUp in a child process so a test can SIGKILL it half-way; each log line goes to stdout.
import { labUp } from "../../src/adapters/lab/index.js";

const [stateDir = "", hosts = "3"] = process.argv.slice(2);
await labUp({ stateDir, hosts: Number(hosts), log: (line) => process.stdout.write(`${line}\n`) });
process.stdout.write("LAB-UP-DONE\n");
