import { describe, expect, it } from "vitest";
import { configSchema } from "../../src/core/configSchema.js";
import { validateDefinition } from "../../src/core/validateDefinition.js";
import { locatedFrom } from "../core/locatedFixture.js";

// Attack: with `lxcPath: /srv/lxc` and `allowedSources: [/srv]`, a definition mounts
// /srv/lxc/host/rootfs (the host's root) or /srv/lxc (every delta) read-write, and rewrites the
// host or another container.
const config = configSchema.parse({
  apiVersion: "hostroot/v1",
  pool: {
    platforms: {
      "debian-12": {
        hosts: [
          {
            name: "h1",
            address: "192.0.2.1",
            hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKey",
            lxcPath: "/srv/lxc",
          },
        ],
      },
    },
  },
  policy: { mounts: { allowedSources: ["/srv"] } },
});
const rules = (source: string) =>
  validateDefinition(
    locatedFrom("containers/app.yml", {
      name: "app",
      platform: "debian-12",
      mounts: [{ source, target: "/mnt/x", readOnly: false }],
    }),
    config,
  ).map((d) => d.rule);

describe("a mount source at, under or above the lxcPath is refused", () => {
  it.each(["/srv/lxc", "/srv/lxc/host/rootfs", "/srv/lxc/ledger/delta0", "/srv"])(
    "%s is refused as mount/source-lxc-path",
    (source) => {
      expect(rules(source)).toContain("mount/source-lxc-path");
    },
  );

  it("a sibling of the lxcPath is clean", () => {
    expect(rules("/srv/lxc-data")).toEqual([]);
  });
});
