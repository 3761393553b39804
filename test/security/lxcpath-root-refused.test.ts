import { describe, expect, it } from "vitest";
import { containerPaths } from "../../src/core/containerPaths.js";
import { parseConfig } from "../../src/core/parseConfig.js";
import { statusScript } from "../../src/core/statusScript.js";

// Attack: a pool whose lxcPath is `/` (or a system tree) makes hostroot create containers next to
// /etc and /usr: a container named `etc` is `/etc`, a destroy removes it, every container masks it.
const config = (lxcPath: string) => `apiVersion: hostroot/v1
pool:
  platforms:
    debian-12:
      hosts:
        - name: web-1
          address: 192.0.2.11
          hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEtd0hrgY63x5CDH0suroeeWutFgAbnyGFVYFTHKKKBr"
          lxcPath: ${lxcPath}
`;

describe("an lxcPath that is / or a system path is refused", () => {
  it.each([
    "/",
    "/usr",
    "/usr/lib/lxc",
    "/etc/lxc",
    "/var",
    "/var/lib",
    "/home/ops/lxc",
    "/tmp/lxc",
    "/srv",
    "/boot",
  ])("lxcPath %s is a config error at its line, and no script is ever built for it", (lxcPath) => {
    const parsed = parseConfig(".github/hostroot.yml", config(lxcPath));
    expect(parsed.config).toBeUndefined();
    expect(parsed.diagnostics.map((d) => `${d.line} ${d.rule}`)).toContain("9 config/lxc-path-system");
  });

  it.each(["/", "/usr", "/etc", "/var", "/var/lib", "/home", "/root", "/bin", "/lib64", "/proc/1"])(
    "the last guard refuses %s before any command is built",
    (lxcPath) => {
      expect(() => statusScript(lxcPath)).toThrow(/refusing lxcPath/);
      expect(() => containerPaths(lxcPath, "etc")).toThrow(/refusing lxcPath/);
    },
  );

  it.each(["/var/lib/lxc", "/srv/lxc", "/data/lxc"])("lxcPath %s is fine", (lxcPath) => {
    const parsed = parseConfig(".github/hostroot.yml", config(lxcPath));
    expect(parsed.diagnostics).toEqual([]);
    expect(containerPaths(lxcPath, "web").dir).toBe(`${lxcPath}/web`);
  });
});
