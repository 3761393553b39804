import path from "node:path";
import * as core from "@actions/core";
import { chooseTask, readEvent } from "./actionEvent.js";
import { readInput, readInputs } from "./actionInputs.js";
import { type ActionOutcome, ActionReport } from "./actionReport.js";
import { commentTask } from "./commentTask.js";
import { deployTask } from "./deployTask.js";
import { operationTask } from "./operationTask.js";
import { pullRequestTask } from "./pullRequestTask.js";
import type { TaskContext, TaskOutcome } from "./taskContext.js";
import { invalidMessage, validateWorkTree } from "./validateWorkTree.js";

/**
 * One run of the hostroot Action, as the runner starts it: inputs and event from `env`
 * (`INPUT_*`, `GITHUB_EVENT_NAME`, `GITHUB_EVENT_PATH`, `GITHUB_WORKSPACE`, ...), annotations on
 * stdout, outputs and job summary through `@actions/core` (the files named by `GITHUB_OUTPUT`
 * and `GITHUB_STEP_SUMMARY` in the process environment). Never throws and never exits: the
 * outcome says whether the step failed (`message` set), and the entry point fails the step.
 */
export async function run(env: NodeJS.ProcessEnv = process.env): Promise<ActionOutcome> {
  // Secrets are masked before anything else can print them; every line too, as the runner
  // masks a multi-line value line by line.
  for (const secret of [readInput(env, "ssh-key"), readInput(env, "github-token")])
    for (const value of [secret, ...secret.split(/\r?\n/)])
      if (value.trim().length > 3) core.setSecret(value.trim());

  const workspace = path.resolve(env.GITHUB_WORKSPACE ?? process.cwd());
  const parsed = readInputs(env);
  const root = path.resolve(workspace, parsed.kind === "ok" ? parsed.inputs.workingDirectory : ".");
  const prefix = path.relative(workspace, root).split(path.sep).join("/");
  const report = new ActionReport(env, prefix.startsWith("..") ? "" : prefix);
  let out: TaskOutcome;
  try {
    if (parsed.kind === "usage") out = { outcome: "failure", message: parsed.message };
    else {
      const event = readEvent(env);
      const ctx: TaskContext = { env, inputs: parsed.inputs, event, root, report };
      const task = chooseTask(parsed.inputs, event);
      report.info(
        `hostroot: ${event.name || "no event"} -> ${task.kind}${"command" in task ? ` ${task.command.kind}` : ""}`,
      );
      switch (task.kind) {
        case "usage":
          out = { outcome: "failure", message: task.message };
          break;
        case "validate":
          out = await validateTask(ctx);
          break;
        case "pull-request":
          out = await pullRequestTask(ctx);
          break;
        case "deploy":
          out = await deployTask(ctx, task.onPush);
          break;
        case "plan":
          out = await operationTask(ctx, { kind: "plan" });
          break;
        case "operation":
          out = await operationTask(ctx, task.command);
          break;
        case "comment":
          out = await commentTask(ctx);
          break;
      }
    }
  } catch (error) {
    // Broken infrastructure (git, the API, a bad key): the step fails with the reason.
    out = {
      outcome: "failure",
      message: `hostroot: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  if (out.outcome === "failure" && out.message === undefined) out = { ...out, message: "hostroot failed" };
  return report.finish(out);
}

async function validateTask(ctx: TaskContext): Promise<TaskOutcome> {
  const v = await validateWorkTree(ctx);
  return v.ok
    ? { outcome: "success", errorCount: v.errors }
    : { outcome: "failure", errorCount: v.errors, message: invalidMessage(v, "see the annotations") };
}
