import { z } from "zod";
import { COMMAND_NAMES } from "./commands/commandRegistry.js";
import { DNS_LABEL } from "./definitionSchema.js";

/** Repository permission levels as GitHub orders them (GitLab's map onto the same names). */
export const PERMISSION_LEVELS = ["none", "read", "triage", "write", "maintain", "admin"] as const;
export type PermissionLevel = (typeof PERMISSION_LEVELS)[number];

// Command names and their default rules come from the commands' own modules (src/core/commands).
export { COMMAND_NAMES, type CommandName, DEFAULT_COMMAND_RULES } from "./commands/commandRegistry.js";

// Each segment ends in "/" except maybe the last: one way to match, so no catastrophic backtracking.
const absPath = z.string().regex(/^\/(?:[^/\0]+\/)*(?:[^/\0]+)?$/, "must be an absolute, normalised path");

/** `ssh-ed25519 AAAA...`: the host's public key, pinned; an unknown or changed key is refused. */
const hostKey = z
  .string()
  .regex(
    /^(ssh-ed25519|ecdsa-sha2-nistp(256|384|521)|ssh-rsa) [A-Za-z0-9+/]+=*( .*)?$/,
    "must be an OpenSSH public key line like 'ssh-ed25519 AAAA...'",
  );

/**
 * An SSH jump host (OpenSSH's ProxyJump): hostroot connects to it first and reaches the pool host
 * through a forwarded TCP channel, so pool hosts need no sshd reachable from the operator. Its
 * host key is pinned like every host's; it authenticates with the same deploy key.
 */
const jumpHost = z
  .strictObject({
    address: z.string().min(1).describe("IP address or DNS name of the jump host's sshd."),
    port: z.int().min(1).max(65535).default(22),
    user: z.string().min(1).default("root"),
    hostKey: hostKey.describe("The jump host's pinned SSH host public key."),
  })
  .describe("Reach the host through this SSH jump host (ProxyJump).");

const host = z.strictObject({
  name: z.string().regex(DNS_LABEL, "must be a DNS label"),
  address: z.string().min(1).describe("IP address or DNS name to reach the host's sshd."),
  port: z.int().min(1).max(65535).default(22),
  user: z.string().min(1).default("root"),
  hostKey: hostKey.describe("Pinned SSH host public key (never trusted on first use)."),
  labels: z.record(z.string(), z.string()).default({}),
  capacity: z.int().min(1).default(100).describe("Most containers this host may run."),
  lxcPath: absPath.default("/var/lib/lxc"),
  jumpHost: jumpHost.optional(),
});

const commandRule = z.strictObject({
  permission: z.enum(PERMISSION_LEVELS).optional().describe("Least repository permission that may run it."),
  teams: z.array(z.string().min(1)).optional().describe("Members of any of these teams may run it."),
});

/** The ops-owned file, `.github/hostroot.yml` on the default branch: pool and policy. */
export const configSchema = z
  .strictObject({
    apiVersion: z.literal("hostroot/v1"),
    pool: z.strictObject({
      platforms: z
        .record(
          z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, "must be a platform id like debian-12"),
          z.strictObject({
            hosts: z.array(host).min(1),
            jumpHost: jumpHost
              .optional()
              .describe("Jump host for every host of the platform without its own."),
          }),
        )
        .describe("Platform id -> its hosts. Every host of a platform runs that reference distro."),
    }),
    policy: z
      .strictObject({
        definitionsPath: z.string().min(1).default("containers").describe("Directory of definition files."),
        commands: z.partialRecord(z.enum(COMMAND_NAMES), commandRule).default({}),
        mounts: z
          .strictObject({ allowedSources: z.array(absPath).default([]) })
          .default({ allowedSources: [] }),
        masks: z
          .strictObject({ files: z.array(absPath).default([]), dirs: z.array(absPath).default([]) })
          .default({ files: [], dirs: [] })
          .describe("Masked in every container in addition to the built-in set."),
        deployKeyPath: absPath.default("/root/.ssh/authorized_keys").describe("Masked in every container."),
        network: z
          .strictObject({
            allowedBridges: z
              .array(z.string().regex(/^[A-Za-z0-9_.-]{1,15}$/, "must be a Linux interface name"))
              .min(1)
              .default(["lxcbr0"])
              .describe("Bridges a definition's network.bridge may name; hosts prepare creates them."),
          })
          .default({ allowedBridges: ["lxcbr0"] }),
        apparmorProfile: z.string().optional().describe("lxc.apparmor.profile for hosts that use AppArmor."),
        unprivileged: z
          .boolean()
          .default(false)
          .describe("Containers run unprivileged unless their definition says unprivileged: false."),
        rollout: z
          .strictObject({
            canary: z.int().min(0).default(1).describe("Hosts upgraded alone first."),
            batchSize: z.int().min(1).default(5),
            maxFailures: z
              .int()
              .min(0)
              .default(0)
              .describe("Failed hosts tolerated before the rollout halts."),
            concurrency: z.int().min(1).max(256).default(10).describe("Hosts worked on at once."),
            commandTimeoutSeconds: z.int().min(1).default(300),
            lockTimeoutSeconds: z.int().min(0).default(600),
          })
          .default({
            canary: 1,
            batchSize: 5,
            maxFailures: 0,
            concurrency: 10,
            commandTimeoutSeconds: 300,
            lockTimeoutSeconds: 600,
          }),
      })
      .prefault({}),
  })
  .describe("hostroot pool and policy (ops-owned, read from the default branch).");

/** The config after defaults are applied. */
export type Config = z.output<typeof configSchema>;
/** An SSH jump host, after defaults. */
export type JumpHost = z.output<typeof jumpHost>;
/** One host of the pool, with its platform (and its platform's jump host, if it has none of its own) attached. */
export type PoolHost = z.output<typeof host> & { platform: string };

/** All hosts of the pool, flattened, in file order. */
export function poolHosts(config: Config): PoolHost[] {
  return Object.entries(config.pool.platforms).flatMap(([platform, p]) =>
    p.hosts.map((h) => {
      // A host's own jump host wins over its platform's; a host without either connects directly.
      const jump = h.jumpHost ?? p.jumpHost;
      return { ...h, platform, ...(jump ? { jumpHost: jump } : {}) };
    }),
  );
}
