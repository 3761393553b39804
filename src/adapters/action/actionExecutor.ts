import type { Config } from "../../core/configSchema.js";
import type { RemoteExecutor } from "../../ports/remoteExecutor.js";
import { executorFor } from "../ssh/executorFor.js";
import type { SshExecutor } from "../ssh/sshExecutor.js";
import type { TaskContext } from "./taskContext.js";

/** The sentence a run that needs hosts but has no key fails with, or undefined when there is a key. */
export function missingKey(ctx: TaskContext, what: string): string | undefined {
  return ctx.inputs.sshKeyVariable
    ? undefined
    : `${what} needs the ssh-key input (the deploy key, from a secret)`;
}

/**
 * An SSH executor on the `ssh-key` input. The key is read from the input's environment variable
 * by name, so its text never passes through our values or messages; host keys are pinned by the
 * pool, as everywhere. Callers check {@link missingKey} first.
 */
export function sshExecutor(ctx: TaskContext, config: Config): SshExecutor {
  const variable = ctx.inputs.sshKeyVariable;
  if (!variable) throw new Error("sshExecutor without an ssh-key input");
  return executorFor({ env: variable }, config.policy.rollout, ctx.env);
}

/** Runs `work` with {@link sshExecutor}, closed afterwards. */
export async function withActionExecutor<T>(
  ctx: TaskContext,
  config: Config,
  work: (executor: RemoteExecutor) => Promise<T>,
): Promise<T> {
  const executor = sshExecutor(ctx, config);
  try {
    return await work(executor);
  } finally {
    await executor.close();
  }
}
