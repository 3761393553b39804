import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { definitionHash } from "../../src/core/definitionHash.js";
import { type Definition, definitionSchema } from "../../src/core/definitionSchema.js";

const fromYaml = (text: string): Definition => definitionSchema.parse(parse(text));
const base = `
apiVersion: hostroot/v1
name: web
platform: debian-12
mounts:
  - { source: /srv/web, target: /srv/web, readOnly: true }
setup: [[useradd, -r, app], [mkdir, /srv/app]]
service: { command: [python3, -m, http.server], env: { A: "1", B: "2" } }
resources: { memory: 512M }
`;

describe("definitionHash", () => {
  it("is a hex sha256", () => {
    expect(definitionHash(fromYaml(base))).toMatch(/^[0-9a-f]{64}$/);
  });

  it("ignores key order, comments and defaults spelled out", () => {
    const same = `
# the web front end
resources: { memory: 512M }   # enough
service: { env: { B: "2", A: "1" }, command: [python3, -m, http.server] }
setup: [[useradd, -r, app], [mkdir, /srv/app]]
mounts:
  - { readOnly: true, target: /srv/web, source: /srv/web }
platform: debian-12
name: web
apiVersion: hostroot/v1
replicas: 1
network: { bridge: lxcbr0 }
packages: { pip: [] }
hide: []
`;
    expect(definitionHash(fromYaml(same))).toBe(definitionHash(fromYaml(base)));
  });

  it.each([
    ["a hidden dir", "hide: [/srv/old]"],
    ["a mount flag", "mounts: [{ source: /srv/web, target: /srv/web }]"],
    ["the order of setup steps", "setup: [[mkdir, /srv/app], [useradd, -r, app]]"],
    ["an environment value", 'service: { command: [python3, -m, http.server], env: { A: "1", B: "3" } }'],
    ["a resource limit", "resources: { memory: 1G }"],
    ["the MAC", "network: { hwaddr: 00:16:3e:00:00:01 }"],
    ["a package", "packages: { pip: [flask] }"],
    ["the name", "name: web2"],
  ])("changes with %s", (_, line) => {
    const key = line.split(":")[0] as string;
    const changed = base
      .split("\n")
      .filter((l) => !l.startsWith(`${key}:`) && !(key === "mounts" && l.startsWith("  -")))
      .concat(line)
      .join("\n");
    expect(definitionHash(fromYaml(changed))).not.toBe(definitionHash(fromYaml(base)));
  });

  it("leaves out replicas and placement, so scaling does not reconfigure running replicas", () => {
    const scaled = `${base}replicas: 3\nplacement: { labels: { zone: a } }\n`;
    expect(definitionHash(fromYaml(scaled))).toBe(definitionHash(fromYaml(base)));
  });

  it("covers the policy masks, whatever their order", () => {
    const d = fromYaml(base);
    const masks = { files: ["/etc/a", "/etc/b"], dirs: ["/opt/x"] };
    expect(definitionHash(d, masks)).not.toBe(definitionHash(d));
    expect(definitionHash(d, { files: ["/etc/b", "/etc/a"], dirs: ["/opt/x"] })).toBe(
      definitionHash(d, masks),
    );
    expect(definitionHash(d, { files: [], dirs: [] })).toBe(definitionHash(d));
  });
});
