import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_SOURCE_LINE } from "./labNames.js";
import { runOk } from "./run.js";

/** sshd settings every test host needs: key-only root, no PAM (no login stack in the root), fan-out. */
const SSHD_CONFIG = `# hostroot lab: key-only root logins on a test host.
HostKey /etc/ssh/ssh_host_ed25519_key
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
MaxStartups 100:30:200
PrintMotd no
UseDNS no
`;

/** Host directories every lab host has, for the example definitions' mounts. */
export const LAB_SRV_DIRS = ["/srv/billing", "/srv/invoices/spool", "/srv/ledger"] as const;

/** Generates an ed25519 key pair without a passphrase; returns the public key line. */
export async function generateKey(file: string, comment: string): Promise<string> {
  await runOk(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", file]);
  chmodSync(file, 0o600);
  return readFileSync(`${file}.pub`, "utf8").trim();
}

/** What one host's upper directory is seeded with. */
export interface HostSeed {
  hostDir: string;
  name: string;
  authorizedKey: string;
}

/**
 * Creates the host's directories and seeds its overlay upper with what differs per host: its own
 * ed25519 host key, the lab's authorized key, hostname, sshd settings and apt sources. The apt
 * sources dir is made opaque so the base's entries are hidden and only the lab repository is seen.
 * Returns the host's public key line (`ssh-ed25519 AAAA...`, without comment).
 */
export async function seedHostUpper(seed: HostSeed): Promise<string> {
  const { hostDir, name } = seed;
  const upper = join(hostDir, "upper");
  for (const d of ["upper", "work", "root", "lxc"]) mkdirSync(join(hostDir, d), { recursive: true });
  const key = join(hostDir, "ssh_host_ed25519_key");
  const pub = await generateKey(key, `root@${name}`);
  const at = (rel: string) => join(upper, rel);
  mkdirSync(at("etc/ssh/sshd_config.d"), { recursive: true });
  copyFileSync(key, at("etc/ssh/ssh_host_ed25519_key"));
  chmodSync(at("etc/ssh/ssh_host_ed25519_key"), 0o600);
  writeFileSync(at("etc/ssh/ssh_host_ed25519_key.pub"), `${pub}\n`);
  writeFileSync(at("etc/ssh/sshd_config.d/hostroot-lab.conf"), SSHD_CONFIG);
  writeFileSync(at("etc/hostname"), `${name}\n`);
  writeFileSync(
    at("etc/hosts"),
    `127.0.0.1 localhost\n127.0.1.1 ${name}\n::1 localhost ip6-localhost ip6-loopback\n`,
  );
  mkdirSync(at("root/.ssh"), { recursive: true, mode: 0o700 });
  chmodSync(at("root/.ssh"), 0o700);
  writeFileSync(at("root/.ssh/authorized_keys"), `${seed.authorizedKey}\n`, { mode: 0o600 });
  mkdirSync(at("etc/apt/sources.list.d"), { recursive: true });
  await runOk(["setfattr", "-n", "trusted.overlay.opaque", "-v", "y", at("etc/apt/sources.list.d")]);
  writeFileSync(at("etc/apt/sources.list.d/hostroot-lab.list"), `${REPO_SOURCE_LINE}\n`);
  // The host directories examples/containers mount, with a page for their web services to serve.
  for (const d of LAB_SRV_DIRS) mkdirSync(at(d.slice(1)), { recursive: true });
  writeFileSync(at("srv/billing/index.html"), `billing on ${name}\n`);
  writeFileSync(at("srv/ledger/index.html"), `ledger on ${name}\n`);
  return pub.split(" ").slice(0, 2).join(" ");
}
