import { fail, flagValue, hostList, packageSpec } from "./argRules.js";
import type { CommandSpec } from "./commandSpec.js";
import { echo, type PackageSpec, PLATFORM_ID, SLASH_LIMITS } from "./slashText.js";

/** `/upgrade-hosts PKG[=VERSION]... [--allow-downgrade] [--platform P] [--hosts h1,h2] [--dry-run]`. */
export interface UpgradeHostsCommand {
  kind: "upgrade-hosts";
  packages: PackageSpec[];
  platform?: string;
  hosts?: string[];
  dryRun: boolean;
  /** `--allow-downgrade`: a pinned version may be older than the installed one. */
  allowDowngrade?: true;
}

/** Upgrade host packages host by host, then restart the containers that use them. */
export const upgradeHostsCommand: CommandSpec<UpgradeHostsCommand> = {
  name: "upgrade-hosts",
  usage: "/upgrade-hosts PKG[=VERSION]... [--allow-downgrade] [--platform P] [--hosts h1,h2] [--dry-run]",
  summary:
    "Upgrade host packages (or install exactly a pinned version) host by host, then restart the containers that use them.",
  defaultPermission: "admin",
  flags: { platform: "value", hosts: "value", "dry-run": "switch", "allow-downgrade": "switch" },
  maxPositional: SLASH_LIMITS.packages,
  tooMany: `at most ${SLASH_LIMITS.packages} packages per command.`,
  checkPositional: (word) => void packageSpec(word),
  parse(positional, flags) {
    if (positional.length === 0) fail("name at least one package to upgrade.");
    const packages = positional.map(packageSpec);
    const names = new Set<string>();
    for (const p of packages) {
      if (names.has(p.name)) fail(`package ${echo(p.name)} is named twice.`);
      names.add(p.name);
    }
    const platform = flagValue(flags, "platform");
    if (platform !== undefined && !PLATFORM_ID.test(platform)) {
      fail(`${echo(platform)} is not a platform id (like \`debian-12\`).`);
    }
    const hosts = flagValue(flags, "hosts");
    const allowDowngrade = flags.has("allow-downgrade");
    if (allowDowngrade && packages.every((p) => p.version === undefined))
      fail("`--allow-downgrade` needs a pinned version (`PKG=VERSION`).");
    return {
      kind: "upgrade-hosts",
      packages,
      ...(platform === undefined ? {} : { platform }),
      ...(hosts === undefined ? {} : { hosts: hostList(hosts) }),
      dryRun: flags.has("dry-run"),
      ...(allowDowngrade ? { allowDowngrade: true as const } : {}),
    };
  },
  format(command) {
    const words = command.packages.map((p) => (p.version === undefined ? p.name : `${p.name}=${p.version}`));
    if (command.platform !== undefined) words.push("--platform", command.platform);
    if (command.hosts !== undefined) words.push("--hosts", command.hosts.join(","));
    if (command.allowDowngrade) words.push("--allow-downgrade");
    if (command.dryRun) words.push("--dry-run");
    return words;
  },
  reachesHosts: () => true,
  actionInput: true,
};
