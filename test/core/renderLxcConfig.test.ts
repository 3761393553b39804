import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { type Config, configSchema, type PoolHost, poolHosts } from "../../src/core/configSchema.js";
import { type Definition, definitionSchema } from "../../src/core/definitionSchema.js";
import { renderLxcConfig } from "../../src/core/renderLxcConfig.js";

const GOLDEN = fileURLToPath(new URL("./golden/", import.meta.url));

/** Compares with a checked-in file byte for byte; `UPDATE_GOLDEN=1` rewrites it instead. */
function expectGolden(file: string, actual: string): void {
  const path = GOLDEN + file;
  if (process.env.UPDATE_GOLDEN === "1") writeFileSync(path, actual);
  else if (!existsSync(path)) throw new Error(`golden file ${file} is missing: run with UPDATE_GOLDEN=1`);
  else expect(actual).toBe(readFileSync(path, "utf8"));
}

const config: Config = configSchema.parse(parse(readFileSync(`${GOLDEN}config.yml`, "utf8")));
const [web1, web2] = poolHosts(config) as [PoolHost, PoolHost];
const load = (name: string): Definition =>
  definitionSchema.parse(parse(readFileSync(`${GOLDEN}${name}.yml`, "utf8")));
const billing = load("billing-api");
const worker = load("mail-worker");
const status = load("status-page");
const profile = { apparmorProfile: "lxc-container-default-cgns" };

/** Every config the tests render, for the checks that must hold for all of them. */
const rendered = [billing, worker, status].flatMap((def) =>
  [web1, web2].flatMap((host) =>
    [true, false].map((lightweightInit) =>
      renderLxcConfig(def, host, { replica: 1, lightweightInit, ...profile }),
    ),
  ),
);

describe("renderLxcConfig golden files", () => {
  it("renders the Python web app (mounts, resources, replica 1 on a host with its own lxcPath)", () => {
    expectGolden("billing-api.r1.web-2.lxc.conf", renderLxcConfig(billing, web2, { replica: 1, ...profile }));
  });
  it("renders the Node worker (fixed MAC, other bridge)", () => {
    expectGolden("mail-worker.lxc.conf", renderLxcConfig(worker, web1, { replica: 0, ...profile }));
  });
  it("renders the Ruby service (a mount path with a space, pids only)", () => {
    expectGolden("status-page.lxc.conf", renderLxcConfig(status, web1, { replica: 0 }));
  });
});

/** Keys LXC 2.1 renamed and LXC 3 stopped reading. */
const OLD_KEYS = [
  "lxc.rootfs",
  "lxc.utsname",
  "lxc.tty",
  "lxc.pts",
  "lxc.aa_profile",
  "lxc.haltsignal",
  "lxc.init_cmd",
];

describe("renderLxcConfig", () => {
  it("never writes a pre-LXC-2.1 key, and every line is a comment or a `lxc.key = value` entry", () => {
    for (const text of rendered) {
      for (const line of text.trimEnd().split("\n")) {
        expect(line).toMatch(/^(#.*|lxc\.[a-z0-9_.-]+ =( .*)?)$/);
        if (line.startsWith("#")) continue;
        const key = line.slice(0, line.indexOf(" ="));
        expect(OLD_KEYS).not.toContain(key);
        expect(key).not.toMatch(/^lxc\.network\./);
      }
    }
  });

  it("clears the post-stop hooks after the include that adds lxcfs' slow one", () => {
    for (const text of rendered) {
      const lines = text.split("\n");
      expect(lines.indexOf("lxc.hook.post-stop =")).toBeGreaterThan(
        lines.indexOf("lxc.include = /usr/share/lxc/config/common.conf"),
      );
    }
  });

  it("uses the rootfs of the host's lxcPath with the container's own delta", () => {
    expect(renderLxcConfig(billing, web2, { replica: 0 })).toContain(
      "lxc.rootfs.path = overlayfs:/srv/lxc/host/rootfs:/srv/lxc/billing-api/delta0\n",
    );
  });

  it("gives each replica its own stable MAC unless the definition fixes one", () => {
    const macs = Array.from({ length: 50 }, (_, r) => {
      const line = renderLxcConfig(billing, web1, { replica: r }).match(/^lxc\.net\.0\.hwaddr = (.*)$/m)?.[1];
      expect(line).toMatch(/^[0-9a-f][26ae](:[0-9a-f]{2}){5}$/);
      return line;
    });
    expect(new Set(macs).size).toBe(50);
    expect(renderLxcConfig(billing, web2, { replica: 7 })).toContain(`lxc.net.0.hwaddr = ${macs[7]}\n`);
    expect(renderLxcConfig(worker, web1, { replica: 3 })).toContain("lxc.net.0.hwaddr = 00:16:3e:0a:0b:0c\n");
  });

  it("writes limits for both cgroup versions, in bytes and CFS quota", () => {
    const def = { ...billing, resources: { memory: "2G", cpus: 0.001, pids: 64 } };
    const text = renderLxcConfig(def, web1, { replica: 0 });
    expect(text).toContain(
      "lxc.cgroup2.memory.max = 2147483648\nlxc.cgroup.memory.limit_in_bytes = 2147483648\n",
    );
    // 0.001 CPU would be a 100 µs quota; the kernel's minimum is 1 ms.
    expect(text).toContain("lxc.cgroup2.cpu.max = 1000 100000\n");
    expect(text).toContain("lxc.cgroup2.pids.max = 64\nlxc.cgroup.pids.max = 64\n");
    expect(renderLxcConfig({ ...billing, resources: undefined }, web1, { replica: 0 })).not.toContain(
      "cgroup",
    );
  });

  it("starts a do-nothing init stopped by SIGKILL by default, the host's init on request", () => {
    const light = renderLxcConfig(status, web1, { replica: 0 });
    expect(light).toContain("lxc.init.cmd = /bin/sleep infinity\nlxc.signal.halt = SIGKILL\n");
    const full = renderLxcConfig(status, web1, { replica: 0, lightweightInit: false });
    expect(full).not.toContain("lxc.init.cmd");
    expect(full).toContain("lxc.signal.halt = SIGRTMIN+3\n");
  });

  it("sets the AppArmor profile only when one is given", () => {
    expect(renderLxcConfig(status, web1, { replica: 0 })).not.toContain("apparmor");
    expect(renderLxcConfig(status, web1, { replica: 0, apparmorProfile: "unconfined" })).toContain(
      "lxc.apparmor.profile = unconfined\n",
    );
  });

  it("cannot be made to write an extra entry through a value with a newline", () => {
    const inject = "x\nlxc.init.cmd = /bin/sh -c evil";
    const mountDef = {
      ...billing,
      mounts: [{ source: `/srv/${inject}`, target: `/srv/${inject}`, readOnly: true }],
    };
    const text = renderLxcConfig(mountDef, web1, { replica: 0 });
    expect(text.split("\n").filter((l) => l.startsWith("lxc.init.cmd"))).toEqual([
      "lxc.init.cmd = /bin/sleep infinity",
    ]);
    expect(text).toContain(
      "lxc.mount.entry = /srv/x\\012lxc.init.cmd\\040=\\040/bin/sh\\040-c\\040evil srv/x\\012",
    );
    expect(() => renderLxcConfig(status, web1, { replica: 0, apparmorProfile: inject })).toThrow(
      /cannot be written/,
    );
    expect(() => renderLxcConfig({ ...status, network: { bridge: inject } }, web1, { replica: 0 })).toThrow(
      /cannot be written/,
    );
    expect(() => renderLxcConfig({ ...status, name: "a\nb" }, web1, { replica: 0 })).toThrow(
      /invalid container name/,
    );
  });

  it("refuses names and paths that would leave the container's own directory", () => {
    expect(() => renderLxcConfig({ ...status, name: "host" }, web1, { replica: 0 })).toThrow(/host/);
    expect(() => renderLxcConfig({ ...status, name: "../x" }, web1, { replica: 0 })).toThrow(
      /invalid container name/,
    );
    expect(() => renderLxcConfig(status, { ...web1, lxcPath: "/var/lib/lx:c" }, { replica: 0 })).toThrow(
      /lxcPath/,
    );
    const over = (target: string) => ({ ...status, mounts: [{ source: "/srv/a", target, readOnly: false }] });
    expect(() => renderLxcConfig(over("/"), web1, { replica: 0 })).toThrow(/mount target/);
    expect(() => renderLxcConfig(over("/srv/../etc"), web1, { replica: 0 })).toThrow(/mount target/);
  });
});
