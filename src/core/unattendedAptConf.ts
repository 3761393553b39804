/** Where `hosts prepare --unattended` writes its apt settings; after Debian's 50unattended-upgrades. */
export const UNATTENDED_APT_CONF = "/etc/apt/apt.conf.d/90hostroot-unattended";

/**
 * The security origins unattended-upgrades takes by default: Debian's security archive (its
 * codename is `<release>-security`) and Ubuntu's (its archive is). Everything else waits for
 * `upgrade-hosts`.
 */
export const DEFAULT_SECURITY_ORIGINS: readonly string[] = [
  // biome-ignore lint/suspicious/noTemplateCurlyInString: unattended-upgrades' own placeholder
  "origin=Debian,codename=${distro_codename}-security,label=Debian-Security",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: unattended-upgrades' own placeholder
  "origin=Ubuntu,archive=${distro_codename}-security",
];

const KEYS = "o|origin|l|label|a|archive|suite|n|codename|c|component|site";
const VALUE = "(?:[A-Za-z0-9._~+:/-]|\\$\\{distro_(?:id|codename)\\})+";
/** One Origins-Pattern entry: `key=value` pairs separated by commas, nothing that apt.conf reads as syntax. */
const ORIGIN_PATTERN = new RegExp(`^(?:${KEYS})=${VALUE}(?:,(?:${KEYS})=${VALUE})*$`);

/** Why `pattern` is not usable as an Origins-Pattern entry, or undefined when it is. */
export function originPatternProblem(pattern: string): string | undefined {
  if (pattern.length > 200) return "longer than 200 characters";
  if (!ORIGIN_PATTERN.test(pattern))
    // biome-ignore lint/suspicious/noTemplateCurlyInString: unattended-upgrades' own placeholders
    return "not KEY=VALUE[,KEY=VALUE...] with KEY one of o, origin, l, label, a, archive, suite, n, codename, c, component, site and VALUE of letters, digits, ._~+:/- or ${distro_id}/${distro_codename}";
  return undefined;
}

/**
 * The apt settings for unattended upgrades: the default origin lists cleared (`#clear`, so
 * Debian's 50unattended-upgrades, which also takes point releases, adds nothing) and replaced by
 * `origins`; the periodic runs switched on; all upgrades of a run in one dpkg run (MinimalSteps off,
 * so a container is restarted once per run, not once per package); and the post-dpkg hook. The hook line runs nothing when
 * the hook is missing, as inside every container (they see /etc/apt through the host root, but
 * not the lxcPath), and never fails apt.
 */
export function unattendedAptConf(hookPath: string, origins: readonly string[]): string {
  if (!/^\/[A-Za-z0-9._/-]+$/.test(hookPath))
    throw new Error(`unattendedAptConf: unusable hook path ${hookPath}`);
  if (origins.length === 0) throw new Error("unattendedAptConf: no origins");
  for (const o of origins) {
    const why = originPatternProblem(o);
    if (why) throw new Error(`unattendedAptConf: origin ${JSON.stringify(o)}: ${why}`);
  }
  return [
    "// Written by `hostroot hosts prepare --unattended`: re-run it to change this file.",
    "// unattended-upgrades takes only these origins (the security archives, unless --origin said otherwise).",
    "#clear Unattended-Upgrade::Allowed-Origins;",
    "#clear Unattended-Upgrade::Origins-Pattern;",
    "Unattended-Upgrade::Origins-Pattern {",
    ...origins.map((o) => `  "${o}";`),
    "};",
    "// One dpkg run per unattended run, so the hook restarts each container once, not once per step.",
    'Unattended-Upgrade::MinimalSteps "false";',
    'APT::Periodic::Update-Package-Lists "1";',
    'APT::Periodic::Unattended-Upgrade "1";',
    "// After every dpkg run: restart the containers that still map replaced files (see the hook).",
    `DPkg::Post-Invoke { "if [ -x ${hookPath} ]; then ${hookPath}; fi; true"; };`,
    "",
  ].join("\n");
}
