import { stringify } from "yaml";
import { type Config, poolHosts } from "./configSchema.js";
import type { ContainerReport } from "./operationResult.js";
import { quoteArg } from "./shellQuote.js";

/** Options for {@link ansibleInventory}. */
export interface AnsibleInventoryOptions {
  /** A known_hosts file holding the pool's pinned keys ({@link knownHostsFile}); ssh then checks them strictly. */
  knownHostsPath?: string;
  /** The SSH private key Ansible should use (`ansible_ssh_private_key_file`). */
  privateKeyPath?: string;
  /** Per host, its containers as observed (status); absent hosts get none listed. */
  containers?: ReadonlyMap<string, readonly ContainerReport[]>;
}

/** An Ansible group name: letters, digits and underscores only (others become `_`). */
export function ansibleGroupName(prefix: string, ...parts: string[]): string {
  return [prefix, ...parts].join("_").replace(/[^A-Za-z0-9_]/g, "_");
}

/**
 * The pool as an Ansible YAML inventory: every host under `all` with `ansible_host`,
 * `ansible_port`, `ansible_user`, its lxcPath, labels and (when observed) containers as host
 * variables; one group per platform (`platform_debian_12`) and one per label
 * (`label_role_web`). With `knownHostsPath`, `ansible_ssh_common_args` makes ssh check the
 * pool's pinned keys from that file and refuse any other (StrictHostKeyChecking=yes).
 */
export function ansibleInventory(config: Config, options: AnsibleInventoryOptions = {}): string {
  const hosts: Record<string, Record<string, unknown>> = {};
  const groups = new Map<string, string[]>();
  const join = (group: string, host: string) => groups.set(group, [...(groups.get(group) ?? []), host]);
  for (const h of poolHosts(config)) {
    const containers = options.containers?.get(h.name);
    hosts[h.name] = {
      ansible_host: h.address,
      ansible_port: h.port,
      ansible_user: h.user,
      hostroot_platform: h.platform,
      hostroot_lxc_path: h.lxcPath,
      hostroot_labels: h.labels,
      ...(containers
        ? {
            hostroot_containers: containers.map((c) => ({
              name: c.name,
              state: c.state,
              ...(c.owner === undefined ? {} : { owner: c.owner }),
              ...(c.commit === undefined ? {} : { commit: c.commit }),
            })),
          }
        : {}),
    };
    join(ansibleGroupName("platform", h.platform), h.name);
    for (const [k, v] of Object.entries(h.labels)) join(ansibleGroupName("label", k, v), h.name);
  }
  const vars: Record<string, string> = {};
  if (options.knownHostsPath !== undefined)
    vars.ansible_ssh_common_args = `-o UserKnownHostsFile=${quoteArg(options.knownHostsPath)} -o StrictHostKeyChecking=yes`;
  if (options.privateKeyPath !== undefined) vars.ansible_ssh_private_key_file = options.privateKeyPath;
  const children = Object.fromEntries(
    [...groups.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([g, members]) => [g, { hosts: Object.fromEntries(members.map((m) => [m, null])) }]),
  );
  const all = { ...(Object.keys(vars).length > 0 ? { vars } : {}), hosts, children };
  return `# Ansible inventory of the hostroot pool (hostroot inventory --format ansible).\n${stringify({ all })}`;
}

/**
 * The pool's pinned host keys as an OpenSSH known_hosts file (`[address]:port` when the port is
 * not 22). An address that is not a plain host name or IP address is refused: it would break the
 * file's syntax or match other hosts.
 */
export function knownHostsFile(config: Config): string {
  return poolHosts(config)
    .map((h) => {
      if (!/^[A-Za-z0-9._:-]+$/.test(h.address))
        throw new Error(
          `knownHostsFile: host ${h.name}: address is not a host name or IP address: ${JSON.stringify(h.address)}`,
        );
      const [type, key] = h.hostKey.split(" ");
      const where = h.port === 22 ? h.address : `[${h.address}]:${h.port}`;
      return `${where} ${type} ${key}\n`;
    })
    .join("");
}
