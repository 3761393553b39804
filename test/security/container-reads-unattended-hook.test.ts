import { describe, expect, it } from "vitest";
import { definitionSchema } from "../../src/core/definitionSchema.js";
import { defaultMasks } from "../../src/core/masks.js";
import { unattendedHookScript, unattendedPaths } from "../../src/core/unattendedHook.js";
import { poolConfig } from "../core/locatedFixture.js";

// Attack: every container sees the host root as its lower layer. The post-dpkg hook carries every
// definition's service command and environment (a token in `service.env`), and its journal names
// every container on the host: written under /usr/local or /var/lib, any container — another
// repository's included — could read them. They live under the lxcPath instead, which every
// container's delta makes opaque, wherever the host keeps it. (test/lab/unattended.test.ts reads
// the dir from inside a lab container and is refused.)
const secretive = definitionSchema.parse({
  apiVersion: "hostroot/v1",
  name: "billing",
  platform: "debian-12",
  service: { command: ["/usr/bin/app"], env: { API_TOKEN: "s3cr3t-token" } },
});

describe("no container reads the unattended hook or its journal", () => {
  it.each(["/var/lib/lxc", "/srv/lxc"])(
    "with the lxcPath %s, they sit in a dir every delta hides",
    (lxcPath) => {
      const hook = unattendedHookScript({
        lxcPath,
        definitions: [secretive],
        lockTimeoutSeconds: 1,
        stepTimeoutSeconds: 1,
      });
      expect(hook).toContain("s3cr3t-token");
      const hidden = defaultMasks(
        poolConfig({ "debian-12": [{ name: "h1" }] }),
        { hide: [] },
        { lxcPath },
      ).dirs;
      expect(hidden).toContain(lxcPath);
      const paths = unattendedPaths(lxcPath);
      for (const p of [paths.hook, paths.journal, paths.log, paths.versions])
        expect(p.startsWith(`${lxcPath}/`)).toBe(true);
    },
  );
});
