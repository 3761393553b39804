import type { Diagnostic } from "../../../src/core/diagnostic.js";
import type { OperationResult } from "../../../src/core/operationResult.js";
import type { Plan } from "../../../src/core/plan.js";

/** Findings over two files of a pull request, one message quoting hostile YAML. */
export const diagnostics: Diagnostic[] = [
  {
    file: "containers/web.yml",
    line: 9,
    column: 5,
    severity: "warning",
    rule: "schema/unknown-key",
    message: "Unknown key 'helth'; did you mean 'health'?",
  },
  {
    file: "containers/billing-api.yml",
    line: 12,
    column: 7,
    severity: "error",
    rule: "mount/system-path",
    message: "Mount target '/usr/lib' would shadow host files under /usr.",
  },
  {
    file: "containers/billing-api.yml",
    line: 4,
    column: 3,
    severity: "error",
    rule: "packages/apt-refused",
    message: "Package 'libc6 | `rm -rf /` <script>' is an apt package; a delta may not install apt packages.",
  },
];

/** A plan with every step kind over two hosts, and a warning. */
export const plan: Plan = {
  steps: [
    {
      kind: "create",
      host: "host-a",
      container: "billing-api",
      file: "containers/billing-api.yml",
      definitionHash: "h1",
      destructive: false,
      reason: "new definition",
    },
    {
      kind: "reconfigure",
      host: "host-a",
      container: "web",
      file: "containers/web.yml",
      definitionHash: "h2",
      destructive: false,
      reason: "definition changed: mounts, resources",
    },
    {
      kind: "noop",
      host: "host-a",
      container: "cache",
      file: "containers/cache.yml",
      definitionHash: "h3",
      destructive: false,
      reason: "up to date",
    },
    {
      kind: "restart",
      host: "host-b",
      container: "queue",
      file: "containers/queue.yml",
      definitionHash: "h4",
      destructive: false,
      reason: "not running",
    },
    {
      kind: "destroy",
      host: "host-b",
      container: "old-api",
      destructive: true,
      reason: "definition removed",
    },
    {
      kind: "noop",
      host: "host-b",
      container: "cache",
      file: "containers/cache.yml",
      definitionHash: "h3",
      destructive: false,
      reason: "up to date",
    },
  ],
  warnings: ["host-c is unreachable: its containers are not planned"],
  errors: [],
};

const upgrade = (status: "applied" | "failed" | "not-run") => ({
  id: "upgrade",
  description: "apt-get install --only-upgrade libc6",
  status,
});

/** `/upgrade-hosts libc6` over three hosts: one upgraded, one failed, then the rollout halted. */
export const upgradeResult: OperationResult = {
  operation: "upgrade-hosts",
  dryRun: false,
  startedAt: "2025-03-04T10:00:00.000Z",
  finishedAt: "2025-03-04T10:03:12.400Z",
  outcome: "halted",
  summary: "Upgrade libc6 on debian-12, one host at a time; halted after host-b failed.",
  hosts: [
    {
      host: "host-a",
      platform: "debian-12",
      outcome: "succeeded",
      steps: [
        { ...upgrade("applied"), exitCode: 0, durationMs: 41_250 },
        {
          id: "restart:billing-api",
          description: "stop and start billing-api",
          status: "applied",
          exitCode: 0,
          durationMs: 3_100,
        },
        {
          id: "restart:web",
          description: "stop and start web",
          status: "applied",
          exitCode: 0,
          durationMs: 2_480,
        },
      ],
      packages: [{ name: "libc6", before: "2.36-9+deb12u7", after: "2.36-9+deb12u9" }],
      containers: [
        {
          name: "billing-api",
          state: "running",
          commit: "0123456789abcdef0123456789abcdef01234567",
          healthy: true,
          sees: { libc6: "2.36-9+deb12u9" },
          staleMappings: 0,
        },
        {
          name: "web",
          state: "running",
          healthy: true,
          sees: { libc6: "2.36-9+deb12u9" },
          staleMappings: 0,
          shadowed: ["libssl3"],
        },
      ],
    },
    {
      host: "host-b",
      platform: "debian-12",
      outcome: "failed",
      steps: [
        {
          ...upgrade("failed"),
          exitCode: 100,
          durationMs: 12_030,
          outputTruncated: true,
          output:
            "Reading package lists...\nE: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 4242 (unattended-upgr)\nE: Unable to acquire the dpkg frontend lock, is another process using it?\n",
        },
        { id: "restart:queue", description: "stop and start queue", status: "not-run" },
      ],
      packages: [{ name: "libc6", before: "2.36-9+deb12u7", after: "2.36-9+deb12u7" }],
      containers: [
        {
          name: "queue",
          state: "running",
          healthy: true,
          sees: { libc6: "2.36-9+deb12u7" },
          staleMappings: 0,
        },
      ],
    },
    { host: "host-c", platform: "debian-12", outcome: "not-run", steps: [] },
  ],
};

/** A deploy of one commit where starting a container failed with hostile output. */
export const deployResult: OperationResult = {
  operation: "deploy",
  dryRun: false,
  startedAt: "2025-03-04T11:00:00.000Z",
  finishedAt: "2025-03-04T11:00:27.900Z",
  outcome: "failed",
  summary: "Deploy of main at 89abcdef",
  commit: "89abcdef0123456789abcdef0123456789abcdef",
  hosts: [
    {
      host: "host-a",
      platform: "debian-12",
      outcome: "succeeded",
      steps: [
        {
          id: "reconfigure:web",
          description: "reconfigure web",
          status: "applied",
          exitCode: 0,
          durationMs: 1_900,
        },
      ],
      containers: [
        { name: "web", state: "running", commit: "89abcdef0123456789abcdef0123456789abcdef", healthy: true },
      ],
    },
    {
      host: "host-b",
      platform: "debian-12",
      outcome: "failed",
      steps: [
        {
          id: "create:billing-api",
          description: "create billing-api",
          status: "applied",
          exitCode: 0,
          durationMs: 850,
        },
        {
          id: "start:billing-api",
          description: "start billing-api",
          status: "failed",
          exitCode: 1,
          durationMs: 5_020,
          output:
            "lxc-start: billing-api: start.c: 2114 Failed to spawn\n```\n</details>\n| not | a | table |\n<script>alert(1)</script>\n",
        },
        { id: "health:billing-api", description: "wait until billing-api is healthy", status: "not-run" },
        { id: "destroy:old-api", description: "destroy old-api (deletes its delta)", status: "not-run" },
      ],
      containers: [
        { name: "billing-api", state: "stopped", commit: "89abcdef0123456789abcdef0123456789abcdef" },
      ],
    },
  ],
};
