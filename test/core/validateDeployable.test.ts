import { describe, expect, it } from "vitest";
import type { Config } from "../../src/core/configSchema.js";
import { parseConfig } from "../../src/core/parseConfig.js";
import { parseDefinition } from "../../src/core/parseDefinition.js";
import { validateDefinitions } from "../../src/core/validateDefinitions.js";

const CONFIG = parseConfig(
  ".github/hostroot.yml",
  `apiVersion: hostroot/v1
pool:
  platforms:
    debian-12:
      hosts:
        - { name: web-1, address: 192.0.2.11, hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEtd0hrgY63x5CDH0suroeeWutFgAbnyGFVYFTHKKKBr" }
policy:
  mounts: { allowedSources: [/srv] }
`,
).config?.value as Config;

/** `file:line:col rule` of every finding on a definition written as `text`. */
function findings(text: string, file = "containers/app.yml"): string[] {
  const parsed = parseDefinition(file, text);
  const rules = parsed.definition ? validateDefinitions([parsed.definition], CONFIG) : [];
  return [...parsed.diagnostics, ...rules]
    .sort((a, b) => a.line - b.line || a.column - b.column)
    .map((d) => `${d.line}:${d.column} ${d.rule}`);
}

const HEAD = "apiVersion: hostroot/v1\nname: app\nplatform: debian-12\n";

describe("what a deploy must be able to build", () => {
  it("reports each value at its line and column", () => {
    expect(
      findings(`${HEAD}hide: ["/srv/a\\u0085b"]
mounts:
  - { source: "/srv/x\\ny", target: /srv/ok }
packages:
  pip: [flask, "-e", "x @ https://example.com/x.whl"]
  npm: ["user/repo"]
  gem: ["rails:>= 7"]
setup:
  - ["--version"]
service:
  command: ["-w", "/bin/app"]
  workdir: "/srv/app\\r"
  env: { OK: "a\\nb", BAD: "a\\0b" }
health:
  command: ["-x"]
`),
    ).toEqual([
      "4:8 path/control-character",
      "6:15 path/control-character",
      "8:16 packages/option-like",
      "8:22 packages/pip-spec",
      "9:9 packages/npm-spec",
      "10:9 packages/gem-spec",
      "12:6 command/option-like",
      "14:13 command/option-like",
      "15:12 path/control-character",
      "16:27 service/env-value",
      "18:13 command/option-like",
    ]);
  });

  it("refuses a multicast or all-zero hwaddr, which no device can carry", () => {
    expect(findings(`${HEAD}network: { hwaddr: "33:00:00:00:00:01" }\n`)).toEqual([
      "4:20 network/hwaddr-unusable",
    ]);
    expect(findings(`${HEAD}network: { hwaddr: "00:00:00:00:00:00" }\n`)).toEqual([
      "4:20 network/hwaddr-unusable",
    ]);
    expect(findings(`${HEAD}network: { hwaddr: "00:16:3e:00:00:01" }\n`)).toEqual([]);
  });

  it("reserves the name 'host' and nothing like it", () => {
    expect(
      findings("apiVersion: hostroot/v1\nname: host\nplatform: debian-12\n", "containers/host.yml"),
    ).toEqual(["2:7 name/reserved"]);
    expect(
      findings("apiVersion: hostroot/v1\nname: hosts\nplatform: debian-12\n", "containers/hosts.yml"),
    ).toEqual([]);
  });

  it("lets through what the builders carry: blanks and non-ASCII in paths, newlines in env values", () => {
    expect(
      findings(`${HEAD}hide: ["/srv/caf\\u00e9 old"]
mounts: [{ source: "/srv/with space", target: "/srv/ünïcode" }]
service: { command: [/bin/app], env: { PEM: "-----BEGIN-----\\nx\\n-----END-----" } }
`),
    ).toEqual([]);
  });
});
