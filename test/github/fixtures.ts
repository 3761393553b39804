/** Ops' pool and policy on the default branch: two debian-12 hosts, mounts only under /srv. */
export const CONFIG = `apiVersion: hostroot/v1
pool:
  platforms:
    debian-12:
      hosts:
        - { name: web-1, address: 10.0.0.11, hostKey: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIWeb1 }
        - { name: web-2, address: 10.0.0.12, hostKey: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIWeb2 }
policy:
  mounts: { allowedSources: [/srv] }
`;

const WEB_PLATFORMS = `      debian-12:
        hosts:
          - { name: web-1, address: 10.0.0.11, hostKey: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIWeb1 }
          - { name: web-2, address: 10.0.0.12, hostKey: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIWeb2 }
`;

/**
 * The App operator's server config: pool `web` (the same two hosts) bound to Codertocat/Hello-World
 * (the repository of GitHub's example payloads), mounts only under /srv.
 */
export const SERVER_CONFIG = serverConfig();

/**
 * A server config whose pool `web` has the platforms block `platforms` (indented 6; by default
 * web-1 and web-2), bound to `repositories`, with `policy` lines (indented 6) after the mounts.
 */
export function serverConfig(
  platforms = WEB_PLATFORMS,
  repositories = "[Codertocat/Hello-World]",
  policy = "",
): string {
  return `apiVersion: hostroot/v1
pools:
  web:
    repositories: ${repositories}
    sshKey: { env: HOSTROOT_WEB_KEY }
    platforms:
${platforms}    policy:
      mounts: { allowedSources: [/srv] }
${policy}`;
}

/** The repository's config under the App with a server config: its pool named, not listed. */
export const APP_CONFIG = `apiVersion: hostroot/v1
pool: { name: web }
policy:
  mounts: { allowedSources: [/srv] }
`;

/** What a pull request might try: its own, looser policy. It must never be read. */
export const LOOSER_CONFIG = CONFIG.replace("allowedSources: [/srv]", "allowedSources: [/]");

/** A pool of `count` debian-12 hosts, for plans too long for one comment. */
export function bigPoolConfig(count: number): string {
  const hosts = Array.from(
    { length: count },
    (_, i) =>
      `        - { name: h${i}, address: 10.1.0.${i + 1}, hostKey: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH${i} }`,
  );
  return `apiVersion: hostroot/v1\npool:\n  platforms:\n    debian-12:\n      hosts:\n${hosts.join("\n")}\n`;
}

/** A server config whose pool `web` has `count` debian-12 hosts, for plans too long for one comment. */
export function bigPoolServerConfig(count: number): string {
  const hosts = Array.from(
    { length: count },
    (_, i) =>
      `          - { name: h${i}, address: 10.1.0.${i + 1}, hostKey: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH${i} }`,
  );
  return serverConfig(`      debian-12:\n        hosts:\n${hosts.join("\n")}\n`);
}

/** A valid definition named `name` (file containers/NAME.yml), with extra YAML lines. */
export function definition(name: string, extra = "", replicas = 1): string {
  return `apiVersion: hostroot/v1\nname: ${name}\nplatform: debian-12\nreplicas: ${replicas}\n${extra}`;
}

/** A definition that hides `count` paths under /usr, each one an error on its own line. */
export function hidingUsr(name: string, count: number): string {
  const lines = Array.from({ length: count }, (_, i) => `  - /usr/lib/x${i}\n`).join("");
  return `apiVersion: hostroot/v1\nname: ${name}\nplatform: debian-12\nhide:\n${lines}`;
}

/** 1-based line of the first line of `text` containing `needle`. */
export function lineOf(text: string, needle: string): number {
  const index = text.split("\n").findIndex((l) => l.includes(needle));
  if (index < 0) throw new Error(`fixture has no line with ${needle}`);
  return index + 1;
}
