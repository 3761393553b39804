/**
 * Debian packages the lab needs on the machine that runs it: LXC and its configs, OpenSSH
 * (server for the hosts' roots, client and ssh-keygen for the lab), debootstrap for the hosts'
 * base root, attr for overlay xattrs, dpkg-dev and apt-utils for the demo apt repository, gcc
 * for the demo package's shared library, iproute2 for namespaces, bridge and veths. A fresh
 * machine (CI, `npm run demo`) installs exactly these.
 */
export const LAB_PACKAGES = [
  "lxc",
  "lxc-templates",
  "openssh-server",
  "debootstrap",
  "attr",
  "dpkg-dev",
  "apt-utils",
  "gcc",
  "iproute2",
] as const;

/**
 * Debian packages only the tests need on the machine that runs them, on top of
 * {@link LAB_PACKAGES}: ansible, whose ad-hoc `ping` over `hostroot inventory --format ansible`
 * must reach every lab host. `npm test` installs them; `npm run demo` does not need them.
 */
export const TEST_PACKAGES = ["ansible"] as const;

/**
 * Packages debootstrap puts into every test host's base root, on top of `minbase`. lxc-templates
 * brings `/usr/share/lxc/config/debian.common.conf`, which container configs include. nodejs,
 * ruby and ruby-webrick (which `ruby -run -e httpd` needs since Ruby 3) let the example Python,
 * Node and Ruby services run in lab containers straight from the host root, with no internet.
 * unattended-upgrades lets `hosts prepare --unattended` and the post-dpkg hook run as on a real host.
 */
export const BASE_ROOT_PACKAGES = [
  "openssh-server",
  "lxc",
  "lxc-templates",
  "iproute2",
  "systemd-sysv",
  "python3",
  "python3-apt",
  "attr",
  "procps",
  "nodejs",
  "ruby",
  "ruby-webrick",
  "unattended-upgrades",
] as const;

/** The argv lists that install the lab's packages on a fresh Debian machine (as root). */
export function labInstallCommands(): string[][] {
  return [
    ["apt-get", "update"],
    ["apt-get", "install", "-y", "--no-install-recommends", ...LAB_PACKAGES],
  ];
}

/** The local tools the lab runs, each with the package that ships it (for a clear error). */
export const LAB_TOOLS: ReadonlyArray<readonly [tool: string, pkg: string]> = [
  ["ip", "iproute2"],
  ["unshare", "util-linux"],
  ["setpriv", "util-linux"],
  ["lxc-start", "lxc"],
  ["debootstrap", "debootstrap"],
  ["sshd", "openssh-server"],
  ["ssh", "openssh-client"],
  ["ssh-keygen", "openssh-client"],
  ["setfattr", "attr"],
  ["dpkg-deb", "dpkg"],
  ["dpkg-scanpackages", "dpkg-dev"],
  ["apt-ftparchive", "apt-utils"],
  ["cc", "gcc"],
];
