/**
 * Host secrets every container would otherwise read through the shared lower layer: password
 * hashes, SSH host keys, debconf's saved answers (passwords.dat), systemd's credential key,
 * old password hashes (opasswd), PPP and IPsec secrets, the Kerberos keytab. The host key glob
 * `/etc/ssh/ssh_host_*_key` cannot be expanded without looking at the host, so the key types
 * OpenSSH has ever generated are listed; a whiteout for a file the host lacks costs nothing.
 */
export const BUILTIN_MASKED_FILES: readonly string[] = [
  "/etc/shadow",
  "/etc/gshadow",
  "/etc/shadow-",
  "/etc/gshadow-",
  ...["rsa", "ecdsa", "ed25519", "dsa"].map((t) => `/etc/ssh/ssh_host_${t}_key`),
  "/etc/security/opasswd",
  "/var/cache/debconf/passwords.dat",
  "/var/lib/systemd/credential.secret",
  "/etc/ppp/chap-secrets",
  "/etc/ppp/pap-secrets",
  "/etc/ipsec.secrets",
  "/etc/krb5.keytab",
];

/**
 * Directories whose host content no container may see: home dirs, temp dirs (other users' files),
 * logs, `/var/lib/lxc` (where every other container's delta lives), TLS private keys
 * (`/etc/ssl/private` only: the rest of `/etc/ssl`, the CA certificates, is a shared system path
 * that must stay visible), Let's Encrypt's keys, users' crontabs and at jobs, WireGuard keys and
 * NetworkManager's saved connections (Wi-Fi and VPN passwords). The container still gets the
 * directory itself, empty and writable, so software that expects it keeps working.
 */
export const BUILTIN_OPAQUE_DIRS: readonly string[] = [
  "/root",
  "/home",
  "/tmp",
  "/var/tmp",
  "/var/log",
  "/var/lib/lxc",
  "/etc/ssl/private",
  "/etc/letsencrypt",
  "/var/spool/cron/crontabs",
  "/var/spool/cron/atjobs",
  "/etc/wireguard",
  "/etc/NetworkManager/system-connections",
];
