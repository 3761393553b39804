import { describe, expect, it } from "vitest";
import { validateDefinition } from "../../src/core/validateDefinition.js";
import { locatedDefinition, locatedFrom, poolConfig } from "./locatedFixture.js";

const config = poolConfig({ "debian-12": [{ name: "h1" }] }, ["/srv/bill", "/data/"]);

/** Diagnostics of one definition file as `rule line:column`, the way a reviewer sees them. */
function found(text: string, file = "containers/web.yml", cfg = config) {
  return validateDefinition(locatedDefinition(file, text), cfg).map((d) => `${d.rule} ${d.line}:${d.column}`);
}
const head = "apiVersion: hostroot/v1\nname: web\nplatform: debian-12\n";
const rules = (input: object, cfg = config) =>
  validateDefinition(
    locatedFrom("containers/web.yml", { name: "web", platform: "debian-12", ...input }),
    cfg,
  ).map((d) => d.rule);

describe("path/not-normalised", () => {
  it("points at each non-normalised path and says how to write it", () => {
    const text = `${head}hide:\n  - /srv/../srv/x\n  - /srv/./y\n  - /srv//z\n  - /srv/w/\n  - /srv/ok\n`;
    expect(found(text)).toEqual([
      "path/not-normalised 5:5",
      "path/not-normalised 6:5",
      "path/not-normalised 7:5",
      "path/not-normalised 8:5",
    ]);
    const [first] = validateDefinition(locatedDefinition("containers/web.yml", text), config);
    expect(first?.message).toContain("'/srv/x'");
    expect(first?.severity).toBe("error");
  });

  it("covers mount sources, targets and the service workdir", () => {
    const text = `${head}mounts:\n  - { source: /srv/bill/, target: /srv/./a }\nservice:\n  command: [run]\n  workdir: /app/../app\n`;
    expect(found(text)).toEqual([
      "path/not-normalised 5:15",
      "path/not-normalised 5:35",
      "path/not-normalised 8:12",
    ]);
  });

  it("accepts normalised paths", () => {
    expect(
      rules({
        hide: ["/srv/a"],
        mounts: [{ source: "/srv/bill", target: "/srv/b" }],
        service: { command: ["x"], workdir: "/app" },
      }),
    ).toEqual([]);
  });
});

describe("hide/system-path", () => {
  it.each([
    "/",
    "/usr",
    "/usr/lib/x86_64-linux-gnu",
    "/lib",
    "/lib32",
    "/lib64",
    "/libx32",
    "/bin",
    "/sbin",
    "/etc/ssl",
    "/etc/ssl/certs",
    "/etc",
  ])("refuses hiding %s, saying it would miss security fixes", (path) => {
    const [d, ...rest] = validateDefinition(
      locatedFrom("containers/web.yml", { name: "web", platform: "debian-12", hide: [path] }),
      config,
    );
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ rule: "hide/system-path", severity: "error", line: 5, column: 5 });
    expect(d?.message).toMatch(/security fixes/);
  });

  it("allows paths that only share a prefix of characters, and unrelated paths", () => {
    expect(rules({ hide: ["/usrlocal", "/libexec", "/etc/nginx", "/binaries", "/srv/legacy"] })).toEqual([]);
  });

  it("checks the resolved path of a non-normalised one", () => {
    expect(rules({ hide: ["/srv/../usr/"] })).toEqual(["path/not-normalised", "hide/system-path"]);
  });
});

describe("mount/system-path", () => {
  it.each([
    "/",
    "/usr/local",
    "/lib64",
    "/etc",
    "/etc/ssl",
    "/proc",
    "/proc/sys",
    "/sys",
    "/dev",
    "/dev/shm",
  ])("refuses mounting at %s", (target) => {
    const text = `${head}mounts:\n  - source: /srv/bill\n    target: ${target}\n`;
    expect(found(text)).toEqual(["mount/system-path 6:13"]);
  });

  it.each(["/proc/self", "/sys", "/dev/shm"])(
    "refuses %s as a source, whatever the policy allows",
    (source) => {
      const everything = poolConfig({ "debian-12": [{ name: "h1" }] }, ["/"]);
      const text = `${head}mounts:\n  - source: ${source}\n    target: /srv/k\n`;
      expect(found(text, "containers/web.yml", everything)).toEqual(["mount/system-path 5:13"]);
    },
  );

  it("allows ordinary targets", () => {
    expect(rules({ mounts: [{ source: "/srv/bill", target: "/etc/nginx/conf.d" }] })).toEqual([]);
  });
});

describe("mount/source-not-allowed", () => {
  it("compares whole path components and lists the allowed prefixes", () => {
    const text = `${head}mounts:\n  - { source: /srv/billing2, target: /a }\n  - { source: /srv/bill/x, target: /b }\n  - { source: /data, target: /c }\n`;
    const ds = validateDefinition(locatedDefinition("containers/web.yml", text), config);
    expect(ds.map((d) => `${d.rule} ${d.line}:${d.column}`)).toEqual(["mount/source-not-allowed 5:15"]);
    expect(ds[0]?.message).toContain("/srv/bill, /data");
  });

  it("says so when the policy allows no sources", () => {
    const none = poolConfig({ "debian-12": [{ name: "h1" }] }, []);
    const ds = validateDefinition(
      locatedFrom("containers/web.yml", {
        name: "web",
        platform: "debian-12",
        mounts: [{ source: "/srv/x", target: "/x" }],
      }),
      none,
    );
    expect(ds.map((d) => d.rule)).toEqual(["mount/source-not-allowed"]);
    expect(ds[0]?.message).toMatch(/allowedSources is empty/);
  });
});

describe("mount/duplicate-target", () => {
  it("reports the second mount and names the line of the first", () => {
    const text = `${head}mounts:\n  - { source: /srv/bill/a, target: /x }\n  - { source: /srv/bill/b, target: /y }\n  - { source: /srv/bill/c, target: /x/ }\n`;
    const ds = validateDefinition(locatedDefinition("containers/web.yml", text), config);
    expect(ds.map((d) => `${d.rule} ${d.line}:${d.column}`)).toEqual([
      "path/not-normalised 7:36",
      "mount/duplicate-target 7:36",
    ]);
    expect(ds[1]?.message).toContain("line 5");
  });

  it("accepts distinct targets", () => {
    expect(
      rules({
        mounts: [
          { source: "/srv/bill", target: "/x" },
          { source: "/srv/bill", target: "/x2" },
        ],
      }),
    ).toEqual([]);
  });
});

describe("setup/apt-refused", () => {
  it.each([
    [["apt-get", "install", "-y", "curl"], 0],
    [["/usr/bin/apt", "install", "curl"], 0],
    [["aptitude", "install", "curl"], 0],
    [["dpkg", "-i", "/tmp/x.deb"], 0],
    [["sh", "-c", "apt-get update && apt-get install -y curl"], 2],
    [["bash", "-ec", "set -x; /usr/bin/dpkg -i x.deb"], 2],
    [["bash", "-o", "pipefail", "-c", "apt install -y jq"], 4],
    [["env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "jq"], 2],
    [["sudo", "-u", "root", "apt", "install", "jq"], 3],
    [["timeout", "60", "apt-get", "update"], 2],
  ])("refuses %j, pointing at element %i", (argv, index) => {
    const text = `${head}setup:\n  - [useradd, app]\n  - ${JSON.stringify(argv)}\n`;
    const [d, ...rest] = validateDefinition(locatedDefinition("containers/web.yml", text), config);
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ rule: "setup/apt-refused", severity: "error", line: 6 });
    // Column of the element the finding names, in the flow sequence as written.
    const line = text.split("\n")[5] as string;
    expect(d?.column).toBe(line.indexOf(JSON.stringify(argv[index])) + 1);
    expect(d?.message).toMatch(/security fixes/);
  });

  it.each([
    [["apt-cache", "policy", "libc6"]],
    [["dpkg-query", "-W", "libc6"]],
    [["sh", "-c", "echo adapt; cat /etc/apt/sources.list"]],
    [["pip", "install", "apt"]],
    [["bash", "install-apt.sh"]],
    [["env", "FOO=1", "python3", "-m", "app"]],
  ])("accepts %j", (argv) => {
    expect(rules({ setup: [argv] })).toEqual([]);
  });

  it("checks the service command too", () => {
    const text = `${head}service:\n  command: [sh, -c, "apt-get install -y nginx && nginx"]\n`;
    expect(found(text)).toEqual(["setup/apt-refused 5:21"]);
  });
});

describe("name/file-mismatch", () => {
  it("warns at the name when the file is named otherwise", () => {
    const ds = validateDefinition(locatedDefinition("containers/api.yml", head), config);
    expect(ds).toHaveLength(1);
    expect(ds[0]).toMatchObject({ rule: "name/file-mismatch", severity: "warning", line: 2, column: 7 });
    expect(ds[0]?.message).toContain("web.yml");
  });

  it.each(["containers/web.yml", "containers/web.yaml", "web.yml", "deep/dir/web.yaml"])(
    "accepts %s",
    (file) => {
      expect(found(head, file)).toEqual([]);
    },
  );
});
