import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { definitionsPathProblem, parseConfig } from "../../src/core/parseConfig.js";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHostKeyForTests";

/** A config whose debian-12 platform has these hosts, one flow mapping per line from line 6. */
const pool = (hosts: string[], policy: string[] = []) =>
  [
    "apiVersion: hostroot/v1",
    "pool:",
    "  platforms:",
    "    debian-12:",
    "      hosts:",
    ...hosts.map((h) => `        - { ${h}, hostKey: ${KEY} }`),
    ...policy,
    "",
  ].join("\n");

describe("parseConfig", () => {
  it("reads the example config with defaults applied", () => {
    const bytes = readFileSync(new URL("./fixtures/config/hostroot.yml", import.meta.url));
    const { config, diagnostics } = parseConfig(".github/hostroot.yml", bytes);
    expect(diagnostics).toEqual([]);
    const debA = config?.value.pool.platforms["debian-12"]?.hosts[0];
    expect(debA).toEqual({
      name: "deb-a",
      address: "10.0.1.11",
      port: 22,
      user: "root",
      hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHostKeyOfDebA",
      labels: { zone: "eu-west-1a" },
      capacity: 100,
      lxcPath: "/var/lib/lxc",
    });
    expect(config?.value.policy).toMatchObject({
      definitionsPath: "deploy/containers",
      commands: { "upgrade-hosts": { permission: "admin", teams: ["ops"] } },
      rollout: { canary: 1, batchSize: 2, maxFailures: 0, concurrency: 10 },
      masks: { files: [], dirs: [] },
    });
    expect(config?.span(["pool", "platforms", "debian-12", "hosts", 1, "port"])).toMatchObject({
      line: 13,
      column: 17,
    });
  });

  it("reports every occurrence of a duplicate host name, each naming the other lines", () => {
    const text = pool([
      "name: a, address: 10.0.0.1",
      "name: b, address: 10.0.0.2",
      "name: a, address: 10.0.0.3",
    ]);
    const { config, diagnostics } = parseConfig("c.yml", text);
    expect(config).toBeUndefined();
    expect(diagnostics.map((d) => [d.rule, d.line, d.column])).toEqual([
      ["config/duplicate-host", 6, 19],
      ["config/duplicate-host", 8, 19],
    ]);
    expect(diagnostics[0]?.message).toContain("also on line 8");
    expect(diagnostics[1]?.message).toContain("also on line 6");
  });

  it("finds duplicate host names across platforms", () => {
    const text = `${pool(["name: a, address: 10.0.0.1"])}    ubuntu-24.04:\n      hosts: [{ name: a, address: 10.0.0.2, hostKey: ${KEY} }]\n`;
    const { diagnostics } = parseConfig("c.yml", text);
    expect(diagnostics.map((d) => [d.rule, d.line])).toEqual([
      ["config/duplicate-host", 6],
      ["config/duplicate-host", 8],
    ]);
  });

  it("reports hosts sharing an address and port (the default port counts, names are case-insensitive)", () => {
    const text = pool([
      "name: a, address: db.example.org",
      "name: b, address: DB.example.org, port: 22",
      "name: c, address: db.example.org, port: 2222",
    ]);
    const { diagnostics } = parseConfig("c.yml", text);
    expect(diagnostics.map((d) => [d.rule, d.line, d.column])).toEqual([
      ["config/duplicate-address", 6, 31],
      ["config/duplicate-address", 7, 31],
    ]);
    expect(diagnostics[0]?.message).toBe(
      "host 'a' uses address db.example.org port 22, as does 'b' (line 7); each host needs its own address and port",
    );
  });

  it("reads jump hosts per platform and per host; one private address behind two jump hosts is two hosts", () => {
    const text = `apiVersion: hostroot/v1
pool:
  platforms:
    debian-12:
      jumpHost: { address: bastion-a.example.net, hostKey: ${KEY} }
      hosts:
        - { name: a, address: 10.0.0.5, hostKey: ${KEY} }
        - { name: b, address: 10.0.0.5, hostKey: ${KEY}, jumpHost: { address: bastion-b.example.net, port: 2222, user: jump, hostKey: ${KEY} } }
        - { name: c, address: 10.0.0.5, hostKey: ${KEY} }
`;
    const { config, diagnostics } = parseConfig("c.yml", text);
    // a and c are one machine behind bastion-a; b is another machine behind bastion-b.
    expect(diagnostics.map((d) => [d.rule, d.line])).toEqual([
      ["config/duplicate-address", 7],
      ["config/duplicate-address", 9],
    ]);
    expect(diagnostics[0]?.message).toBe(
      "host 'a' uses address 10.0.0.5 port 22 via jump host bastion-a.example.net port 22, as does 'c' (line 9); each host needs its own address and port",
    );
    expect(config).toBeUndefined();
    const fixed = parseConfig(
      "c.yml",
      text.replace("- { name: c, address: 10.0.0.5", "- { name: c, address: 10.0.0.6"),
    );
    expect(fixed.diagnostics).toEqual([]);
    const [a, b] = fixed.config?.value.pool.platforms["debian-12"]?.hosts ?? [];
    expect(a?.jumpHost).toBeUndefined();
    expect(b?.jumpHost).toEqual({ address: "bastion-b.example.net", port: 2222, user: "jump", hostKey: KEY });
    expect(fixed.config?.value.pool.platforms["debian-12"]?.jumpHost).toMatchObject({
      address: "bastion-a.example.net",
      port: 22,
      user: "root",
    });
  });

  it.each([
    ["/srv/containers", "relative to the repository root"],
    ["C:\\containers", "relative to the repository root"],
    ["../containers", "'..' is not allowed"],
    ["deploy/../containers", "'..' is not allowed"],
    ["./containers", "write 'containers'"],
    ["deploy//containers", "write 'deploy/containers'"],
    ["containers/", "write 'containers'"],
    [".", "must name a directory inside the repository"],
  ])("refuses definitionsPath %s", (path, reason) => {
    const text = pool(
      ["name: a, address: 10.0.0.1"],
      ["policy:", `  definitionsPath: ${JSON.stringify(path)}`],
    );
    const { config, diagnostics } = parseConfig("c.yml", text);
    expect(config).toBeUndefined();
    expect(diagnostics).toMatchObject([{ rule: "config/definitions-path", line: 8, column: 20 }]);
    expect(diagnostics[0]?.message).toContain(reason);
  });

  it.each(["containers", "deploy/containers", "team.a/defs"])("accepts definitionsPath %s", (path) => {
    expect(definitionsPathProblem(path)).toBeUndefined();
  });

  it("maps schema problems to the node, with suggestions from record keys too", () => {
    const text = pool(
      ["name: a, address: 10.0.0.1, prot: 2222"],
      ["policy:", "  commands: { deplyo: { permission: admin }, plan: { permission: god } }"],
    );
    const { diagnostics } = parseConfig("c.yml", text);
    expect(diagnostics.map((d) => [d.rule, d.line, d.column, d.message])).toEqual([
      [
        "schema/unknown-key",
        6,
        41,
        "unknown key 'prot' in pool.platforms.debian-12.hosts[0]; did you mean 'port'?",
      ],
      ["schema/unknown-key", 8, 15, "unknown key 'deplyo' in policy.commands; did you mean 'deploy'?"],
      [
        "schema/value",
        8,
        66,
        'policy.commands.plan.permission must be one of none, read, triage, write, maintain, admin; got the text "god"',
      ],
    ]);
  });

  it("reports a missing pool at the top and a bad platform id at its key", () => {
    expect(parseConfig("c.yml", "apiVersion: hostroot/v1\n").diagnostics).toMatchObject([
      {
        rule: "schema/required",
        line: 1,
        column: 1,
        message: "the config is missing the required key 'pool'",
      },
    ]);
    const bad = parseConfig(
      "c.yml",
      `apiVersion: hostroot/v1\npool:\n  platforms:\n    Debian 12: { hosts: [] }\n`,
    );
    expect(bad.diagnostics).toMatchObject([{ rule: "schema/value", line: 4, column: 5 }]);
    expect(bad.diagnostics[0]?.message).toBe(
      "key 'Debian 12' in pool.platforms must be a platform id like debian-12",
    );
  });

  it("checks mount prefixes quickly however long the path", () => {
    const text = pool(
      ["name: a, address: 10.0.0.1"],
      ["policy:", `  mounts: { allowedSources: ["/${"a".repeat(5000)}\\0"] }`],
    );
    const start = performance.now();
    const { diagnostics } = parseConfig("c.yml", text);
    expect(performance.now() - start).toBeLessThan(200);
    expect(diagnostics).toMatchObject([{ rule: "schema/value", line: 8, column: 30 }]);
  });
});
