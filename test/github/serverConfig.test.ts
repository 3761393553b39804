import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { poolExecutor } from "../../src/adapters/github/poolExecutor.js";
import { loadServerConfig } from "../../src/adapters/github/serverConfig.js";
import { SshExecutor } from "../../src/adapters/ssh/sshExecutor.js";
import type { Config } from "../../src/core/configSchema.js";
import { parseAppConfig } from "../../src/core/parseAppConfig.js";
import { parseConfig } from "../../src/core/parseConfig.js";
import { repositoryAccess } from "../../src/core/repositoryAccess.js";
import { testProbot } from "./fakeGithub.js";
import { APP_CONFIG, CONFIG, SERVER_CONFIG } from "./fixtures.js";

const KEY = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
}).privateKey;

function serverFile(text: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "hostroot-server-"));
  writeFileSync(path.join(dir, "server.yml"), text);
  return path.join(dir, "server.yml");
}

afterEach(() => vi.unstubAllEnvs());

describe("loadServerConfig", () => {
  it("is undefined when HOSTROOT_SERVER_CONFIG is not set", () => {
    expect(loadServerConfig({})).toBeUndefined();
  });

  it("reads the file and checks every pool's key", () => {
    const env = { HOSTROOT_SERVER_CONFIG: serverFile(SERVER_CONFIG), HOSTROOT_WEB_KEY: KEY };
    expect(Object.keys(loadServerConfig(env)?.pools ?? {})).toEqual(["web"]);
  });

  it("refuses an invalid file with every diagnostic: file, line, column and rule", () => {
    const file = serverFile(SERVER_CONFIG.replace("[Codertocat/Hello-World]", "[Codertocat]"));
    expect(() => loadServerConfig({ HOSTROOT_SERVER_CONFIG: file, HOSTROOT_WEB_KEY: KEY })).toThrow(
      new RegExp(
        `is invalid; hostroot does not start:\\n${file}:4:20  error  'Codertocat' must be 'owner/name'.*server/repository-glob`,
      ),
    );
  });

  it("refuses a pool whose key does not load, or a file it cannot read", () => {
    expect(() => loadServerConfig({ HOSTROOT_SERVER_CONFIG: serverFile(SERVER_CONFIG) })).toThrow(
      /pool 'web': ssh: the private key environment variable HOSTROOT_WEB_KEY is not set or empty; hostroot does not start/,
    );
    expect(() => loadServerConfig({ HOSTROOT_SERVER_CONFIG: "/nonexistent/server.yml" })).toThrow(
      /cannot read \/nonexistent\/server.yml \(ENOENT\)/,
    );
  });

  it("stops the App from loading, so it never serves an event with a half-read boundary", async () => {
    vi.stubEnv("HOSTROOT_SERVER_CONFIG", serverFile("apiVersion: hostroot/v1\npools: { web: {} }\n"));
    await expect(testProbot()).rejects.toThrow(/hostroot does not start/);
  });
});

describe("poolExecutor", () => {
  const server = loadServerConfig({
    HOSTROOT_SERVER_CONFIG: serverFile(SERVER_CONFIG),
    HOSTROOT_WEB_KEY: KEY,
  });
  it("uses the key of the pool the config was cut from", async () => {
    const access = repositoryAccess(server, "Codertocat/Hello-World");
    const config = parseAppConfig(".github/hostroot.yml", APP_CONFIG, access).config?.value as Config;
    const executor = poolExecutor(config, server, { HOSTROOT_WEB_KEY: KEY });
    expect(executor).toBeInstanceOf(SshExecutor);
    await executor.close();
  });

  it("makes no executor for a config that lists its own hosts, whatever keys the process holds", () => {
    const own = parseConfig(".github/hostroot.yml", CONFIG).config?.value as Config;
    expect(() => poolExecutor(own, server, { HOSTROOT_WEB_KEY: KEY, HOSTROOT_SSH_KEY: KEY })).toThrow(
      /no pool in the App's server config: hostroot validates and plans only/,
    );
  });
});
