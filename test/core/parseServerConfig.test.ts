import { describe, expect, it } from "vitest";
import { parseServerConfig } from "../../src/core/parseServerConfig.js";
import { SERVER } from "./serverFixtures.js";

const show = (yaml: string) =>
  parseServerConfig("server.yml", yaml).diagnostics.map(
    (d) => `${d.line}:${d.column} ${d.rule} ${d.message}`,
  );

describe("parseServerConfig", () => {
  it("reads pools, their repositories, keys and policies, with defaults", () => {
    const parsed = parseServerConfig("server.yml", SERVER);
    expect(parsed.diagnostics).toEqual([]);
    const server = parsed.config?.value;
    expect(server?.limits.maxDefinitionFiles).toBe(200);
    expect(Object.keys(server?.pools ?? {})).toEqual(["web", "payments"]);
    expect(server?.pools.web?.policy.rollout.concurrency).toBe(8);
    expect(server?.pools.web?.repositoryPolicy).toEqual({
      commands: "narrow",
      mounts: "narrow",
      masks: "narrow",
      rollout: "narrow",
    });
    expect(server?.pools.payments?.repositoryPolicy.rollout).toBe("fixed");
    expect(server?.pools.payments?.sshKey).toEqual({ env: "HOSTROOT_PAYMENTS_KEY" });
  });

  it("defaults the per-event cap on definition files to 500", () => {
    const parsed = parseServerConfig(
      "server.yml",
      SERVER.replace("limits: { maxDefinitionFiles: 200 }\n", ""),
    );
    expect(parsed.config?.value.limits.maxDefinitionFiles).toBe(500);
  });

  it("reports a bad repository pattern at its line, with its rule", () => {
    expect(show(SERVER.replace("acme/billing]", "acme/billing/x]"))).toEqual([
      "5:32 server/repository-glob 'acme/billing/x' must be 'owner/name' (either part may use * and ?), like 'acme/web-*'",
    ]);
    expect(show(SERVER.replace("acme/web-*", "acme/(web|pay)"))[0]).toMatch(
      /^5:20 server\/repository-glob 'acme\/\(web\|pay\)' may hold only/,
    );
  });

  it("needs exactly one source for a pool's SSH key", () => {
    expect(show(SERVER.replace("{ file: /etc/hostroot/web.key }", "{}"))).toEqual([
      "6:13 server/ssh-key pool 'web': sshKey needs exactly one of 'file' (a path) or 'env' (a variable name), not neither",
    ]);
    expect(show(SERVER.replace("{ env: HOSTROOT_PAYMENTS_KEY }", "{ env: K, file: /k }"))[0]).toMatch(
      /server\/ssh-key pool 'payments'.*not both/,
    );
  });

  it("checks each pool's hosts with the repository config's host rules", () => {
    const twice = SERVER.replace("name: web-2, address: 192.0.2.12", "name: web-1, address: 192.0.2.12");
    expect(show(twice).map((l) => l.split(" ").slice(0, 2).join(" "))).toEqual([
      "10:21 config/duplicate-host",
      "11:21 config/duplicate-host",
    ]);
  });

  it("reports unknown keys with a suggestion, as every other file", () => {
    expect(show(SERVER.replace("    repositoryPolicy:", "    repositoryPolicies:"))[0]).toMatch(
      /schema\/unknown-key unknown key 'repositoryPolicies' in pools.payments; did you mean 'repositoryPolicy'\?/,
    );
  });

  it("refuses YAML tricks with the same rules as every file", () => {
    expect(show(`${SERVER}pools: {}\n`)[0]).toMatch(/yaml\/duplicate-key/);
  });
});
