import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { poolHosts } from "../../src/core/configSchema.js";
import { parseAppConfig } from "../../src/core/parseAppConfig.js";
import { parseServerConfig } from "../../src/core/parseServerConfig.js";
import { repositoryAccess } from "../../src/core/repositoryAccess.js";
import { docBlocks } from "./docSections.js";

const DOC = readFileSync(path.resolve(import.meta.dirname, "../../docs/server-config.md"), "utf8");

describe("docs/server-config.md", () => {
  const blocks = docBlocks(DOC);
  const server = blocks.find((b) => b.file === "hostroot-server.yml");
  const repo = blocks.find((b) => b.file === ".github/hostroot.yml");

  it("shows a complete server config that is valid", () => {
    expect(server && parseServerConfig(server.file, server.text).diagnostics).toEqual([]);
  });

  it("shows a repository config that narrows its pool as the text says", () => {
    const parsed = parseServerConfig(server?.file ?? "", server?.text ?? "");
    const access = repositoryAccess(parsed.config?.value, "acme/web-shop");
    const app = parseAppConfig(repo?.file ?? "", repo?.text ?? "", access);
    expect(app.diagnostics).toEqual([]);
    const config = app.config?.value;
    expect(config && poolHosts(config).map((h) => h.name)).toEqual(["web-2"]);
    expect(config?.policy.mounts.allowedSources).toEqual(["/srv/shop"]);
    expect(config?.policy.commands.deploy).toEqual({ permission: "admin", teams: ["acme/web-deployers"] });
  });
});
