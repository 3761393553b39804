import { z } from "zod";

/** The only definition format version so far; bumping it lets the format change without guessing. */
export const DEFINITION_API_VERSION = "hostroot/v1";

/** DNS label: it is also the LXC name and the container's hostname. */
export const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

const dnsLabel = z
  .string()
  .regex(DNS_LABEL, "must be a DNS label: lowercase letters, digits and '-', 1 to 63 characters");

/** One argv element; NUL cannot cross exec(2), so it is refused here rather than truncated later. */
const arg = z
  .string()
  .min(1, "must not be empty")
  .refine((s) => !s.includes("\0"), "must not contain a NUL byte");
const argv = z.array(arg).min(1, "must name a program");

/** Absolute path; normalisation and system-path rules are checked with positions in validation. */
const absPath = z.string().startsWith("/", "must be an absolute path");

const mount = z.strictObject({
  source: absPath.describe("Host directory to bind into the container; must be under a policy prefix."),
  target: absPath.describe("Where it appears inside the container."),
  readOnly: z.boolean().default(false),
});

const packages = z.strictObject({
  pip: z
    .array(z.string().min(1))
    .default([])
    .describe("pip requirement specifiers, installed into the delta."),
  npm: z.array(z.string().min(1)).default([]).describe("npm package specs, installed globally in the delta."),
  gem: z
    .array(z.string().min(1))
    .default([])
    .describe("gem names (optionally name:version), into the delta."),
});

/** A container definition, one per YAML file. Unknown keys are errors (with a "did you mean"). */
export const definitionSchema = z
  .strictObject({
    apiVersion: z.literal(DEFINITION_API_VERSION).describe("Format version of this file."),
    name: dnsLabel.describe("Container name: LXC name and hostname. Unique across all definitions."),
    platform: z.string().min(1).describe("Reference distro of the hosts to run on, e.g. debian-12."),
    replicas: z.int().min(1).max(1000).default(1).describe("How many copies, each on a distinct host."),
    placement: z
      .strictObject({
        hosts: z.array(dnsLabel).min(1).optional().describe("Only these hosts."),
        labels: z.record(z.string(), z.string()).optional().describe("Only hosts carrying all these labels."),
      })
      .optional(),
    hide: z.array(absPath).default([]).describe("Extra directories made opaque (empty) in the container."),
    mounts: z.array(mount).default([]),
    network: z
      .strictObject({
        bridge: z
          .string()
          .regex(/^[A-Za-z0-9_.-]{1,15}$/, "must be a Linux interface name")
          .default("lxcbr0"),
        hwaddr: z
          .string()
          .regex(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/, "must be a lowercase MAC like 00:16:3e:12:34:56")
          .optional()
          .describe("Derived stably from the name (and replica) when not given."),
      })
      .default({ bridge: "lxcbr0" }),
    packages: packages.default({ pip: [], npm: [], gem: [] }),
    setup: z.array(argv).default([]).describe("argv lists run once in the container after creation."),
    service: z
      .strictObject({
        command: argv,
        user: z
          .string()
          .regex(/^[a-z_][a-z0-9_-]*$/, "must be a user name")
          .optional(),
        workdir: absPath.optional(),
        env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string()).optional(),
      })
      .optional(),
    health: z
      .strictObject({
        command: argv,
        timeoutSeconds: z.int().min(1).max(600).default(5),
        retries: z.int().min(0).max(100).default(3),
        intervalSeconds: z.number().min(0).max(60).default(1),
      })
      .optional(),
    resources: z
      .strictObject({
        memory: z
          .string()
          .regex(/^[1-9][0-9]*[KMG]?$/, "must be a size like 512M or 2G")
          .optional(),
        cpus: z.number().positive().max(1024).optional(),
        pids: z.int().min(16).max(4_194_304).optional(),
      })
      .optional(),
    unprivileged: z
      .boolean()
      .optional()
      .describe(
        "Run in a user namespace: container root is an unprivileged host uid. Default: policy.unprivileged.",
      ),
  })
  .describe("A hostroot container definition.");

/** A definition after defaults are applied. */
export type Definition = z.output<typeof definitionSchema>;
/** A definition as written in YAML. */
export type DefinitionInput = z.input<typeof definitionSchema>;
