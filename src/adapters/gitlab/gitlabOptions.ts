import type { Config } from "../../core/configSchema.js";
import type { ServerConfig } from "../../core/serverConfigSchema.js";
import type { RemoteExecutor } from "../../ports/remoteExecutor.js";
import type { OperationLimits } from "../../workflows/operationLimits.js";
import type { OperationRegistry } from "../../workflows/operationRegistry.js";
import type { ThrottleOptions } from "../../workflows/throttledEditor.js";
import type { GitlabApi } from "./gitlabApi.js";

/** What the GitLab note handler runs with; the entry point wires it, tests replace parts. */
export interface GitlabCommandOptions {
  /** The GitLab instance's API client, authenticated as hostroot's own user (its notes are hostroot's). */
  api: GitlabApi;
  /** The instance's host name, part of every owner id (`gitlab:<host>/<project id>`). */
  instanceHost: string;
  /** GitLab's operations in this process: separate from GitHub's, so `/cancel` never crosses forges. */
  operations: OperationRegistry;
  /** The operator's server config: which project (`path_with_namespace`) may reach which pool. */
  server?: ServerConfig;
  /** An executor for the pool of one operation; closed when the operation ends. */
  executor: (config: Config) => RemoteExecutor;
  throttle: ThrottleOptions;
  botName: string;
  limits: OperationLimits;
  now?: () => Date;
  /** Where audit entries and failures are logged (Probot's pino logger). */
  log: {
    info(obj: object, msg: string): void;
    warn(obj: object, msg: string): void;
    error(obj: object, msg: string): void;
  };
}
