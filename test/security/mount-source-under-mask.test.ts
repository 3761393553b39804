import { describe, expect, it } from "vitest";
import { configSchema } from "../../src/core/configSchema.js";
import { validateDefinition } from "../../src/core/validateDefinition.js";
import { locatedFrom } from "../core/locatedFixture.js";

// Attack: with `allowedSources: [/srv]` and `masks.dirs: [/srv/secrets]` ops believe /srv/secrets
// is hidden, yet a definition mounting /srv/secrets (or /srv, above it) validated clean; the same
// for the built-in masks (a bind of /root/.ssh or /etc/ssl/private) and the deploy key.
const config = configSchema.parse({
  apiVersion: "hostroot/v1",
  pool: {
    platforms: {
      "debian-12": {
        hosts: [
          { name: "h1", address: "192.0.2.1", hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKey" },
        ],
      },
    },
  },
  policy: { mounts: { allowedSources: ["/srv", "/etc", "/root"] }, masks: { dirs: ["/srv/secrets"] } },
});
const rules = (source: string) =>
  validateDefinition(
    locatedFrom("containers/app.yml", {
      name: "app",
      platform: "debian-12",
      mounts: [{ source, target: "/mnt/x" }],
    }),
    config,
  ).map((d) => d.rule);

describe("a mount source at, under or above a mask is refused", () => {
  it.each(["/srv/secrets", "/srv/secrets/db", "/srv", "/etc/ssl/private", "/etc/letsencrypt/live", "/etc"])(
    "%s is refused as mount/source-masked",
    (source) => {
      expect(rules(source)).toContain("mount/source-masked");
    },
  );

  it("the deploy key's directory is refused as mount/source-deploy-key", () => {
    expect(rules("/root/.ssh")).toContain("mount/source-deploy-key");
  });

  it("a source beside the masks is clean", () => {
    expect(rules("/srv/app")).toEqual([]);
  });
});
