import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { EXAMPLE_OWNER, observedFixture } from "./observedFixture.js";
import { ROOT, runCli } from "./runCli.js";

const CONFIG = ["--config", "examples/hostroot.yml"];
const PLAN = ["plan", ...CONFIG, "--observed", "examples/observed.json", "--owner", "github:712233"];

/** Keys LXC 2.1 renamed or dropped; LXC 4/5 refuses a config that uses them. */
const LEGACY_LXC_KEYS = new Set([
  "lxc.rootfs",
  "lxc.rootfs.backend",
  "lxc.utsname",
  "lxc.network",
  "lxc.aa_profile",
  "lxc.se_context",
  "lxc.haltsignal",
  "lxc.stopsignal",
  "lxc.rebootsignal",
  "lxc.init_cmd",
  "lxc.init_uid",
  "lxc.init_gid",
  "lxc.id_map",
  "lxc.tty",
  "lxc.pts",
  "lxc.devttydir",
  "lxc.mount",
  "lxc.console",
  "lxc.loglevel",
  "lxc.logfile",
  "lxc.seccomp",
  "lxc.limit",
]);

/** The subcommands a help text lists under "Commands:" (commander's `help` pseudo-command left out). */
const listedCommands = (help: string) =>
  [...(help.split("Commands:\n")[1] ?? "").matchAll(/^ {2}([a-z][\w-]*)/gm)]
    .map((m) => m[1] as string)
    .filter((c) => c !== "help");

describe("hostroot --help", () => {
  it("exits 0 with usage for the program and for every command and subcommand it lists", async () => {
    const root = await runCli(["--help"]);
    expect(root.code).toBe(0);
    expect(root.stdout).toMatch(/^Usage: hostroot \[options\] \[command\]/);
    const queue = listedCommands(root.stdout).map((c) => [c]);
    expect(queue.flat()).toEqual(expect.arrayContaining(["validate", "plan", "render", "schema"]));
    const seen: string[] = [];
    for (let path = queue.shift(); path; path = queue.shift()) {
      const run = await runCli([...path, "--help"]);
      const name = path.join(" ");
      seen.push(name);
      expect(run.code, `${name} --help`).toBe(0);
      expect(run.stdout, `${name} --help`).toMatch(new RegExp(`^Usage: hostroot ${name} `));
      expect(run.stderr, `${name} --help`).toBe("");
      queue.push(...listedCommands(run.stdout).map((c) => [...path, c]));
    }
    expect(seen.length).toBeGreaterThanOrEqual(4);
    const help = await runCli(["help", "render"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: hostroot render \[options\] <name>/);
  });
});

describe("hostroot plan", () => {
  it("examples/observed.json carries the hashes of the current examples (UPDATE_GOLDEN=1 rewrites it)", () => {
    const file = path.join(ROOT, "examples/observed.json");
    if (process.env.UPDATE_GOLDEN) writeFileSync(file, observedFixture(ROOT));
    expect(readFileSync(file, "utf8"), "an example changed: rerun with UPDATE_GOLDEN=1").toBe(
      observedFixture(ROOT),
    );
  });

  it("plans examples/observed.json as the README tells: create, reconfigure, noops and a destroy", async () => {
    const run = await runCli([...PLAN, "--format", "json"]);
    expect(run.code).toBe(0);
    const plan = JSON.parse(run.stdout) as { steps: Array<Record<string, unknown>>; warnings: string[] };
    expect(plan.warnings).toEqual([]);
    expect(plan.steps.map((s) => `${s.host} ${s.container} ${s.kind}`).sort()).toEqual([
      "web-1 ledger noop",
      "web-1 report-cron destroy",
      "web-2 billing-api reconfigure",
      "web-2 invoice-worker create",
      "web-3 billing-api noop",
    ]);
    const destroy = plan.steps.find((s) => s.kind === "destroy");
    expect(destroy?.destructive).toBe(true);
  });

  it("marks the destroy in the text plan and counts what is unchanged", async () => {
    const run = await runCli(PLAN);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines.find((l) => l.includes("report-cron"))).toMatch(/^! destroy +web-1 +report-cron /);
    expect(lines.find((l) => l.includes("invoice-worker"))).toMatch(/^\+ create +web-2 /);
    expect(lines.find((l) => l.includes("billing-api"))).toMatch(/^~ reconfigure +web-2 .*resources/);
    expect(lines.at(-1)).toBe("3 changes, 2 unchanged.");
  });

  it("--format markdown: a destroy warning and a table per host", async () => {
    const run = await runCli([...PLAN, "--format", "markdown"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("DESTROY");
    expect(run.stdout).toMatch(/^\|.*destroy.*\| `report-cron` \|/im);
    expect(run.stdout).toMatch(/^\|.*create.*\| `invoice-worker` \|/im);
    expect(run.stdout).not.toContain("\x1b[");
  });

  it("--detailed-exitcode: 3 while changes are pending, 0 once the hosts match", async () => {
    const pending = await runCli([...PLAN, "--detailed-exitcode"]);
    expect(pending.code).toBe(3);
    expect(pending.stdout.trimEnd().split("\n").at(-1)).toBe("3 changes, 2 unchanged.");
    expect((await runCli(PLAN)).code).toBe(0);

    // The hosts after that plan was applied: every placed container up to date and running.
    const planned = JSON.parse((await runCli([...PLAN, "--format", "json"])).stdout) as {
      steps: Array<{
        kind: string;
        host: string;
        container: string;
        definitionHash?: string;
        replica?: number;
      }>;
    };
    const hosts = ["web-1", "web-2", "web-3"].map((host) => ({
      host,
      reachable: true,
      containers: planned.steps
        .filter((s) => s.host === host && s.kind !== "destroy")
        .map((s) => ({
          name: s.container,
          definitionHash: s.definitionHash,
          commit: "",
          deployedAt: "2026-01-01T00:00:00.000Z",
          running: true,
          replica: s.replica,
          owner: EXAMPLE_OWNER,
        })),
    }));
    const dir = mkdtempSync(path.join(tmpdir(), "hostroot-plan-"));
    try {
      writeFileSync(path.join(dir, "applied.json"), JSON.stringify({ hosts }));
      const args = [
        "plan",
        ...CONFIG,
        "--observed",
        path.join(dir, "applied.json"),
        "--owner",
        EXAMPLE_OWNER.id,
      ];
      const done = await runCli([...args, "--detailed-exitcode"]);
      expect(done.stdout.trimEnd().split("\n").at(-1)).toBe("No changes, 4 unchanged.");
      expect(done.code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses to plan invalid definitions: exit 1, with the errors", async () => {
    const run = await runCli([...PLAN, "examples/broken"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("examples/broken/typos.yml:4:1");
    expect(run.stderr).toContain("No plan");
  });
});

describe("hostroot render", () => {
  it("names the replicas a definition has, and the pool's hosts, instead of \"no host ''\"", async () => {
    const past = await runCli(["render", "billing-api", ...CONFIG, "--replica", "7"]);
    expect([past.code, past.stderr]).toEqual([
      2,
      "billing-api has replicas 0 to 1: there is no replica '7'\n",
    ]);
    const word = await runCli(["render", "billing-api", ...CONFIG, "--replica", "one"]);
    expect(word.code).toBe(2);
    const host = await runCli(["render", "billing-api", ...CONFIG, "--host", "web-9"]);
    expect([host.code, host.stderr]).toEqual([
      2,
      "no host 'web-9' in the pool (hosts: web-1, web-2, web-3)\n",
    ]);
    expect((await runCli(["render", "billing-api", ...CONFIG, "--replica", "1"])).code).toBe(0);
  });

  it("prints an LXC 4/5 config over the host's root, with none of the 2016-era keys", async () => {
    const run = await runCli(["render", "billing-api", ...CONFIG]);
    expect(run.code).toBe(0);
    const config = run.stdout.split("# create steps")[0] ?? "";
    expect(config).toMatch(
      /^lxc\.rootfs\.path = overlayfs:\/var\/lib\/lxc\/host\/rootfs:\/var\/lib\/lxc\/billing-api\/delta0$/m,
    );
    expect(config).toMatch(/^lxc\.uts\.name = billing-api$/m);
    const keys = [...config.matchAll(/^(lxc\.[\w.]+) =/gm)].map((m) => m[1] as string);
    expect(keys.length).toBeGreaterThan(5);
    for (const key of keys) {
      expect(LEGACY_LXC_KEYS.has(key), key).toBe(false);
      expect(key.startsWith("lxc.network."), key).toBe(false);
    }
  });

  it("exits 2 for a name no definition has, listing the names", async () => {
    const run = await runCli(["render", "billing", ...CONFIG]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("no definition named 'billing'");
    expect(run.stderr).toContain("billing-api");
  });
});

describe("hostroot schema", () => {
  it("prints exactly the committed JSON Schemas", async () => {
    for (const [args, file] of [
      [[], "definition.schema.json"],
      [["--kind", "config"], "config.schema.json"],
    ] as const) {
      const run = await runCli(["schema", ...args]);
      expect(run.code).toBe(0);
      expect(run.stdout).toBe(readFileSync(path.join(ROOT, "schema", file), "utf8"));
      expect(JSON.parse(run.stdout)).toMatchObject({ $schema: expect.stringContaining("json-schema.org") });
    }
  });

  it("--write DIR writes both files as committed", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "hostroot-schema-"));
    try {
      const run = await runCli(["schema", "--write", "out"], { cwd: dir });
      expect(run.code).toBe(0);
      for (const file of ["definition.schema.json", "config.schema.json"])
        expect(readFileSync(path.join(dir, "out", file), "utf8")).toBe(
          readFileSync(path.join(ROOT, "schema", file), "utf8"),
        );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
