import { Command, CommanderError, Option } from "commander";
import { type CliIo, EXIT, processIo } from "./cliIo.js";
import { configOption, ownerNameOption, ownerOption } from "./commonOptions.js";
import { registerDeployCommands } from "./deployCommands.js";
import { registerGitlabCommands } from "./gitlabCommands.js";
import { registerInventoryCommand } from "./inventoryCommand.js";
import { registerLabCommands } from "./labCommands.js";
import { PLAN_FORMATS, planCommand } from "./planCommand.js";
import { renderCommand } from "./renderCommand.js";
import { SCHEMA_FILES, schemaCommand } from "./schemaCommand.js";
import { registerUpgradeCommands } from "./upgradeCommands.js";
import { VALIDATE_FORMATS, validateCommand } from "./validateCommand.js";

/**
 * Builds the `hostroot` command tree. Each action stores its exit code in `result.code`
 * instead of exiting, so `main` can be called from tests and from other entry points.
 */
function buildProgram(io: CliIo, result: { code: number }): Command {
  const program = new Command("hostroot")
    .description("Git-driven LXC containers over the host's own root: validate, plan, deploy, upgrade.")
    .version("0.1.0")
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    // A usage error shows the usage of the command it concerns, not just "see --help".
    .showHelpAfterError();

  program
    .command("validate")
    .description("check definitions against the schema, the policy and each other")
    .argument("[paths...]", "definition files or directories (default: the policy's definitionsPath)")
    .addOption(configOption(io))
    .addOption(new Option("-f, --format <format>", "output format").choices(VALIDATE_FORMATS).default("text"))
    .option("--server-config <file>", "read the config as the GitHub App does, with this server config")
    .option("--repository <owner/name>", "with --server-config: the repository whose pool to use")
    .action(async (paths: string[], opts) => {
      result.code = await validateCommand(io, paths, opts);
    });

  program
    .command("plan")
    .description("show what deploying the definitions would change on the hosts")
    .argument("[paths...]", "definition files or directories")
    .addOption(configOption(io))
    .option("--observed <file>", "plan offline against a JSON snapshot of host state")
    .option("--commit <sha>", "commit recorded in the plan")
    .addOption(new Option("-f, --format <format>", "output format").choices(PLAN_FORMATS).default("text"))
    .option("--detailed-exitcode", "exit 3 when the plan has changes, 0 when it has none")
    .addOption(ownerOption())
    .addOption(ownerNameOption())
    .action(async (paths: string[], opts) => {
      result.code = await planCommand(io, paths, opts);
    });

  program
    .command("render")
    .description("print the LXC config and host steps a deploy would use for one container")
    .argument("<name>", "definition name")
    .addOption(configOption(io))
    .option("--host <host>", "render for this host (default: where placement puts it)")
    .option("--replica <n>", "replica index", "0")
    .option("--script", "print the exact script sent to the host instead")
    .action(async (name: string, opts) => {
      result.code = await renderCommand(io, name, opts);
    });

  program
    .command("schema")
    .description(
      "print the JSON Schema of definitions, the config or the App's server config, or write them all",
    )
    .addOption(
      new Option("--kind <kind>", "which schema").choices(Object.keys(SCHEMA_FILES)).default("definition"),
    )
    .option("--write <dir>", `write ${Object.values(SCHEMA_FILES).join(", ")} into DIR`)
    .action(async (opts) => {
      result.code = await schemaCommand(io, opts);
    });

  registerDeployCommands(program, io, result);
  registerLabCommands(program, io, result);
  registerUpgradeCommands(program, io, result);
  registerGitlabCommands(program, io, result);
  registerInventoryCommand(program, io, result);
  return program;
}

/** CLI entry point; returns the process exit code instead of exiting so tests can call it. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const result = { code: EXIT.ok as number };
  const program = buildProgram(io, result);
  try {
    await program.parseAsync(argv);
    return result.code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version are "errors" to commander, but successes to the user.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    io.stderr(`hostroot: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.usage;
  }
}
