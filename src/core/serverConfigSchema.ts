import { z } from "zod";
import { configSchema } from "./configSchema.js";

/** How far a repository's own policy may go with one group of policy keys. */
export const REPOSITORY_POLICY_MODES = ["narrow", "fixed"] as const;
export type RepositoryPolicyMode = (typeof REPOSITORY_POLICY_MODES)[number];

/** The policy groups a repository may narrow (or, when `fixed`, not set at all). */
export const NARROWABLE_POLICY_KEYS = ["commands", "mounts", "masks", "rollout"] as const;
export type NarrowablePolicyKey = (typeof NARROWABLE_POLICY_KEYS)[number];

/** The cap on definition files read per event when the server config does not set one. */
export const DEFAULT_MAX_DEFINITION_FILES = 500;

const mode = z.enum(REPOSITORY_POLICY_MODES).default("narrow");

const sshKey = z
  .strictObject({
    file: z
      .string()
      .regex(/^\//, "must be an absolute path")
      .optional()
      .describe("Path of the private key file on the machine that runs the App."),
    env: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name")
      .optional()
      .describe("Name of the environment variable holding the private key text."),
  })
  .describe("Exactly one of file and env: where the App finds this pool's SSH private key.");

const pool = z.strictObject({
  repositories: z
    .array(z.string().min(1))
    .min(1)
    .describe(
      "Repositories (owner/name; GitLab projects as gitlab:group/project; * and ? allowed, case-insensitive) that may use this pool.",
    ),
  sshKey,
  platforms: configSchema.shape.pool.shape.platforms,
  policy: configSchema.shape.policy.describe(
    "The pool's policy: what a repository starts from and may only narrow.",
  ),
  repositoryPolicy: z
    .strictObject({ commands: mode, mounts: mode, masks: mode, rollout: mode })
    .prefault({})
    .describe("Per policy group: narrow (a repository may tighten it) or fixed (the server's value only)."),
});

/**
 * The App operator's file (its path in `HOSTROOT_SERVER_CONFIG`, never read from a repository):
 * which repositories may reach which pool of hosts, with which SSH key, under which policy.
 */
export const serverConfigSchema = z
  .strictObject({
    apiVersion: z.literal("hostroot/v1"),
    limits: z
      .strictObject({
        maxDefinitionFiles: z
          .int()
          .min(1)
          .max(100_000)
          .default(DEFAULT_MAX_DEFINITION_FILES)
          .describe("Most definition files read per event; beyond it the check fails before any is read."),
      })
      .prefault({}),
    pools: z
      .record(z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "must be a pool name like 'web' or 'team-a'"), pool)
      .describe("Pool name -> its hosts, key, policy and the repositories bound to it."),
  })
  .describe("hostroot App server config (operator-owned, outside every repository).");

/** The server config after defaults. */
export type ServerConfig = z.output<typeof serverConfigSchema>;
/** One pool of the server config. */
export type ServerPool = ServerConfig["pools"][string];
