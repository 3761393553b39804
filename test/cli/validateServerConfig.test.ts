import { rmSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { makeRepo, runCli } from "./runCli.js";

const SERVER = `apiVersion: hostroot/v1
pools:
  web:
    repositories: [acme/web-*]
    sshKey: { env: HOSTROOT_WEB_KEY }
    platforms:
      debian-12:
        hosts:
          - { name: web-1, address: 192.0.2.11, hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEtd0hrgY63x5CDH0suroeeWutFgAbnyGFVYFTHKKKBr" }
    policy:
      mounts: { allowedSources: [/srv] }
`;
const DEF =
  "apiVersion: hostroot/v1\nname: shop\nplatform: debian-12\nmounts:\n  - { source: /srv/shop, target: /srv/shop }\n";
const repo = makeRepo({
  "hostroot-server.yml": SERVER,
  ".github/hostroot.yml": "apiVersion: hostroot/v1\npool: { name: web }\n",
  "containers/shop.yml": DEF,
});
const loose = makeRepo({
  "hostroot-server.yml": SERVER,
  ".github/hostroot.yml":
    "apiVersion: hostroot/v1\npool: { name: web }\npolicy:\n  mounts: { allowedSources: [/] }\n",
  "containers/shop.yml": DEF,
});
afterAll(() => {
  rmSync(repo, { recursive: true, force: true });
  rmSync(loose, { recursive: true, force: true });
});

const APP = ["validate", "--server-config", "hostroot-server.yml", "--repository"];

describe("hostroot validate --server-config", () => {
  it("reads a repository's config as the App does: its pool from the server config", async () => {
    const run = await runCli([...APP, "acme/web-shop"], { cwd: repo });
    expect(run.stdout).toBe("2 files checked: no problems.\n");
    expect(run.code).toBe(0);
  });

  it("reports a loosening at its line, as a config problem (exit 2)", async () => {
    const run = await runCli([...APP, "acme/web-shop"], { cwd: loose });
    expect(run.stdout).toContain(
      ".github/hostroot.yml:4:30  error  mount source prefix '/' is not under the allowed sources of pool 'web' (/srv)  policy/loosens",
    );
    expect(run.code).toBe(2);
  });

  it("says when the repository is not bound to the pool its config names", async () => {
    const run = await runCli([...APP, "acme/payments"], { cwd: repo });
    expect(run.stdout).toMatch(
      /pool 'web' is not available: the App's server config binds no pool of hosts to acme\/payments.*config\/pool-not-bound/,
    );
    expect(run.code).toBe(2);
  });

  it("needs --repository", async () => {
    const run = await runCli(["validate", "--server-config", "hostroot-server.yml"], { cwd: repo });
    expect(run.stderr).toContain("--server-config needs --repository OWNER/NAME");
    expect(run.code).toBe(2);
  });
});
