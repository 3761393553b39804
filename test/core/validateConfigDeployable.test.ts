import { expect, it } from "vitest";
import { parseConfig } from "../../src/core/parseConfig.js";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEtd0hrgY63x5CDH0suroeeWutFgAbnyGFVYFTHKKKBr";
const findings = (text: string) =>
  parseConfig(".github/hostroot.yml", text).diagnostics.map((d) => `${d.line}:${d.column} ${d.rule}`);

it("refuses config values the renderers cannot carry, each at its line and column", () => {
  expect(
    findings(`apiVersion: hostroot/v1
pool:
  platforms:
    debian-12:
      hosts:
        - { name: web-1, address: 192.0.2.11, lxcPath: "/srv/lxc:x", hostKey: "${KEY}" }
        - { name: web-2, address: 192.0.2.12, lxcPath: "/srv/a b", port: 2222, hostKey: "${KEY}" }
        - { name: web-3, address: 192.0.2.13, lxcPath: /srv/../lxc, port: 2223, hostKey: "${KEY}" }
policy:
  mounts: { allowedSources: [/srv/./data] }
  masks: { files: [/etc/../shadow], dirs: [/srv/keys/..] }
  deployKeyPath: /root/./.ssh/authorized_keys
  apparmorProfile: " unconfined"
`),
  ).toEqual([
    "6:56 config/lxc-path-unusable",
    "7:56 config/lxc-path-unusable",
    "8:56 config/path-not-normalised",
    "10:30 config/path-not-normalised",
    "11:20 config/path-not-normalised",
    "11:44 config/path-not-normalised",
    "12:18 config/path-not-normalised",
    "13:20 config/apparmor-profile",
  ]);
});

it("accepts the values the renderers carry", () => {
  expect(
    findings(`apiVersion: hostroot/v1
pool:
  platforms:
    debian-12:
      hosts:
        - { name: web-1, address: 192.0.2.11, lxcPath: /srv/lxc-containers/, hostKey: "${KEY}" }
policy:
  masks: { dirs: [/srv/.hidden] }
  apparmorProfile: lxc-container-default-cgns
`),
  ).toEqual([]);
});
