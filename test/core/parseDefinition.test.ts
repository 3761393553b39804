import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseDefinition } from "../../src/core/parseDefinition.js";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/definitions/${name}`, import.meta.url));

/** A valid definition with `extra` lines appended (so line numbers below are predictable). */
const withLines = (...extra: string[]) =>
  ["apiVersion: hostroot/v1", "name: billing-api", "platform: debian-12", ...extra, ""].join("\n");

describe("parseDefinition on good files", () => {
  it("applies defaults to the billing-api example and keeps positions as written", () => {
    const { definition, diagnostics } = parseDefinition(
      "containers/billing-api.yml",
      fixture("billing-api.yml"),
    );
    expect(diagnostics).toEqual([]);
    expect(definition?.value).toEqual({
      apiVersion: "hostroot/v1",
      name: "billing-api",
      platform: "debian-12",
      replicas: 2,
      hide: [],
      mounts: [{ source: "/srv/billing", target: "/srv/billing", readOnly: true }],
      network: { bridge: "lxcbr0" },
      packages: { pip: ["flask==3.0.3"], npm: [], gem: [] },
      setup: [],
      service: { command: ["/usr/bin/python3", "-m", "http.server", "8080"], user: "app" },
    });
    expect(definition?.file).toBe("containers/billing-api.yml");
    expect(definition?.span(["mounts", 0, "readOnly"])).toEqual({
      line: 7,
      column: 61,
      endLine: 7,
      endColumn: 65,
    });
    expect(definition?.span(["service", "command", 3])).toEqual({
      line: 9,
      column: 63,
      endLine: 9,
      endColumn: 69,
    });
    // Defaulted, never written: the nearest written ancestor.
    expect(definition?.span(["packages", "npm"])).toEqual({ line: 8, column: 11, endLine: 8, endColumn: 34 });
  });

  it("reads a definition using every section", () => {
    const { definition, diagnostics } = parseDefinition(
      "containers/reports-worker.yml",
      fixture("reports-worker.yml"),
    );
    expect(diagnostics).toEqual([]);
    expect(definition?.value).toMatchObject({
      replicas: 1,
      placement: { labels: { zone: "eu-west-1a" } },
      mounts: [{ readOnly: false }, { readOnly: true }],
      packages: { pip: ["celery==5.4.0", "redis>=5,<6"], npm: ["pdfkit@0.15.0"], gem: [] },
      health: { timeoutSeconds: 10, retries: 3, intervalSeconds: 1 },
      resources: { memory: "1G", cpus: 2, pids: 1024 },
    });
    expect(definition?.span(["setup", 1, 4])).toEqual({ line: 19, column: 41, endLine: 19, endColumn: 57 });
  });
});

describe("parseDefinition diagnostics", () => {
  it("points at typos with a 'did you mean', and refuses apt with the reason", () => {
    const { definition, diagnostics } = parseDefinition("containers/typos.yml", fixture("typos.yml"));
    expect(definition).toBeUndefined();
    expect(diagnostics.map((d) => [d.rule, d.line, d.column, d.endColumn])).toEqual([
      ["schema/unknown-key", 4, 1, 8],
      ["schema/unknown-key", 8, 5, 13],
      ["packages/apt-refused", 11, 3, 6],
    ]);
    expect(diagnostics[0]?.message).toBe("unknown key 'replica'; did you mean 'replicas'?");
    expect(diagnostics[1]?.message).toBe("unknown key 'readonly' in mounts[0]; did you mean 'readOnly'?");
    expect(diagnostics[2]?.message).toMatch(/shadow the host's own packages and miss their security fixes/);
    expect(diagnostics[2]?.message).toMatch(/on the host instead/);
  });

  it.each(["apt", "dpkg", "apt-get", "deb"])("refuses packages.%s", (key) => {
    const { diagnostics } = parseDefinition("x.yml", withLines("packages:", `  ${key}: [libssl3]`));
    expect(diagnostics).toMatchObject([{ rule: "packages/apt-refused", line: 5, column: 3 }]);
    expect(diagnostics[0]?.message).toContain(`packages.${key}`);
  });

  it("treats apt outside packages as an ordinary unknown key", () => {
    const { diagnostics } = parseDefinition("x.yml", withLines("apt: [libssl3]"));
    expect(diagnostics).toMatchObject([{ rule: "schema/unknown-key", line: 4, column: 1 }]);
  });

  it("lists the allowed keys when nothing is close", () => {
    const { diagnostics } = parseDefinition("x.yml", withLines("network: { vlan: 12 }"));
    expect(diagnostics).toMatchObject([{ rule: "schema/unknown-key", line: 4, column: 12 }]);
    expect(diagnostics[0]?.message).toBe("unknown key 'vlan' in network; the keys here are: bridge, hwaddr");
  });

  // [what, extra lines, rule, line, column, message]
  const cases: [string, string[], string, number, number, string][] = [
    [
      "wrong type",
      ["replicas: two"],
      "schema/type",
      4,
      11,
      'replicas must be a whole number, not the text "two"',
    ],
    [
      "quoted number",
      ['replicas: "2"'],
      "schema/type",
      4,
      11,
      'replicas must be a whole number, not the text "2"',
    ],
    [
      "list expected",
      ["mounts: /srv/a"],
      "schema/type",
      4,
      9,
      'mounts must be a list, not the text "/srv/a"',
    ],
    ["empty section", ["service:"], "schema/type", 4, 1, "service is empty; it must be a mapping"],
    ["nested type", ["setup: [[useradd, 7]]"], "schema/type", 4, 19, "setup[0][1] must be text, not 7"],
    ["below range", ["replicas: 0"], "schema/value", 4, 11, "replicas must be at least 1; got 0"],
    [
      "own message",
      ["placement: { hosts: [Deb_A] }"],
      "schema/value",
      4,
      22,
      "placement.hosts[0] must be a DNS label",
    ],
    [
      "size format",
      ["resources: { memory: 512MB }"],
      "schema/value",
      4,
      22,
      'must be a size like 512M or 2G; got the text "512MB"',
    ],
    ["empty argv", ["setup: [[]]"], "schema/value", 4, 9, "setup[0] must name a program"],
    [
      "empty text",
      ["service: { command: [''] }"],
      "schema/value",
      4,
      22,
      "service.command[0] must not be empty",
    ],
    [
      "pattern",
      ["network: { hwaddr: 00:16:3E:00:00:01 }"],
      "schema/value",
      4,
      20,
      "network.hwaddr must be a lowercase MAC",
    ],
    [
      "missing nested key",
      ["mounts:", "  - source: /srv/a"],
      "schema/required",
      5,
      5,
      "mounts[0] is missing the required key 'target'",
    ],
  ];
  it.each(cases)("%s", (_what, extra, rule, line, column, message) => {
    const { definition, diagnostics } = parseDefinition("x.yml", withLines(...extra));
    expect(definition).toBeUndefined();
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ file: "x.yml", rule, line, column });
    expect(diagnostics[0]?.message).toContain(message);
  });

  it("reports a missing top-level key at the top of the file", () => {
    const { diagnostics } = parseDefinition("x.yml", "apiVersion: hostroot/v1\nname: billing-api\n");
    expect(diagnostics).toMatchObject([{ rule: "schema/required", line: 1, column: 1 }]);
    expect(diagnostics[0]?.message).toBe("the definition is missing the required key 'platform'");
  });

  it("says which apiVersion to add when it is missing, and still checks the rest", () => {
    const { diagnostics } = parseDefinition("x.yml", "name: billing-api\nplatform: debian-12\nreplica: 2\n");
    expect(diagnostics.map((d) => [d.rule, d.line, d.column])).toEqual([
      ["schema/api-version", 1, 1],
      ["schema/unknown-key", 3, 1],
    ]);
    expect(diagnostics[0]?.message).toContain("add 'apiVersion: hostroot/v1'");
  });

  it("reports only the apiVersion of a format it does not read", () => {
    const { diagnostics } = parseDefinition(
      "x.yml",
      "apiVersion: hostroot/v2\nname: billing-api\nimage: x\n",
    );
    expect(diagnostics).toMatchObject([{ rule: "schema/api-version", line: 1, column: 13 }]);
    expect(diagnostics[0]?.message).toBe(
      "apiVersion 'hostroot/v2' is not supported: this hostroot reads hostroot/v1",
    );
  });

  it("refuses a file that is not a mapping", () => {
    const { diagnostics } = parseDefinition("x.yml", "- name: a\n");
    expect(diagnostics).toMatchObject([{ rule: "schema/type", line: 1, column: 1 }]);
    expect(diagnostics[0]?.message).toBe("the definition must be a mapping, not a list");
  });

  it("passes YAML refusals through without a definition", () => {
    const { definition, diagnostics } = parseDefinition("x.yml", withLines("name: other"));
    expect(definition).toBeUndefined();
    expect(diagnostics).toMatchObject([{ rule: "yaml/duplicate-key", line: 4, column: 1 }]);
  });

  it("reports every problem in one go, in file order", () => {
    const text = withLines(
      "replica: 2",
      "mounts: [{ source: srv, readonly: true }]",
      "resources: { cpus: 0 }",
    );
    const { diagnostics } = parseDefinition("x.yml", text);
    expect(diagnostics.map((d) => `${d.line}:${d.column} ${d.rule}`)).toEqual([
      "4:1 schema/unknown-key",
      "5:10 schema/required",
      "5:20 schema/value",
      "5:25 schema/unknown-key",
      "6:20 schema/value",
    ]);
  });
});
