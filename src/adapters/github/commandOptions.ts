import type { Config } from "../../core/configSchema.js";
import type { ServerConfig } from "../../core/serverConfigSchema.js";
import type { RemoteExecutor } from "../../ports/remoteExecutor.js";
import type { OperationLimits } from "../../workflows/operationLimits.js";
import { OperationRegistry } from "../../workflows/operationRegistry.js";
import { operationLimitsFromEnv } from "./operationLimitsFromEnv.js";
import { poolExecutor } from "./poolExecutor.js";
import type { ThrottleOptions } from "./statusComment.js";

/** What the command and deploy handlers run with; tests replace the executor, clock and throttle. */
export interface CommandAppOptions {
  /** Background operations of this process (for `/cancel` and for awaiting them). */
  operations: OperationRegistry;
  /**
   * The operator's server config: which repository may reach which pool. Undefined: the App
   * validates and plans but never connects to a host.
   */
  server?: ServerConfig;
  /** An executor for the pool of one operation; closed when the operation ends. */
  executor: (config: Config) => RemoteExecutor;
  /** How often a status comment may be edited. */
  throttle: ThrottleOptions;
  /** The name replies sign with and commands are parsed for. */
  botName: string;
  /** The operations' clock (result times, audit times). */
  now?: () => Date;
  /** Operations at once per person and per repository, set by the operator's environment. */
  limits: OperationLimits;
}

/** The one registry of the running app: `probot run` loads the app once per process. */
export const appOperations = new OperationRegistry();

/**
 * The production options: SSH keys from the server config's pools, operation limits from the
 * environment, edits at most every 2 s. Throws on an invalid limit, so the App does not start with one.
 */
export function commandAppOptions(overrides: Partial<CommandAppOptions> = {}): CommandAppOptions {
  return {
    operations: appOperations,
    executor: (config) => poolExecutor(config, overrides.server),
    throttle: { intervalMs: 2000 },
    botName: "hostroot",
    limits: overrides.limits ?? operationLimitsFromEnv(process.env),
    ...overrides,
  };
}
