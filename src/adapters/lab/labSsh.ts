import { createConnection } from "node:net";

/** What an OpenSSH client needs to reach lab hosts with pinned host keys. */
export interface LabSshIdentity {
  privateKeyPath: string;
  knownHostsPath: string;
}

/**
 * argv for the OpenSSH client to run `script` (a string built with the core's shellQuote) on a lab
 * host as root. The user's and the system's ssh config are ignored (`-F /dev/null`), only the
 * lab's key is offered, and the host key must match the lab's known_hosts: an unknown or changed
 * key is refused, never accepted on first use.
 */
export function labSshArgv(id: LabSshIdentity, address: string, script: string): string[] {
  return [
    "ssh",
    "-F",
    "/dev/null",
    "-i",
    id.privateKeyPath,
    "-o",
    "IdentitiesOnly=yes",
    "-o",
    "BatchMode=yes",
    "-o",
    "StrictHostKeyChecking=yes",
    "-o",
    `UserKnownHostsFile=${id.knownHostsPath}`,
    "-o",
    "GlobalKnownHostsFile=/dev/null",
    "-o",
    "ConnectTimeout=5",
    "-o",
    "LogLevel=ERROR",
    `root@${address}`,
    script,
  ];
}

/** Resolves once something accepts TCP connections at address:port, or rejects after `timeoutMs`. */
export async function waitForPort(
  address: string,
  port: number,
  timeoutMs: number,
  stillWorth: () => boolean,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = createConnection({ host: address, port, timeout: 1000 });
      s.once("connect", () => {
        s.destroy();
        resolve(true);
      });
      s.once("error", () => resolve(false));
      s.once("timeout", () => {
        s.destroy();
        resolve(false);
      });
    });
    if (ok) return;
    if (!stillWorth()) throw new Error(`nothing listens on ${address}:${port} and its host is gone`);
    if (Date.now() > deadline) throw new Error(`nothing listens on ${address}:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
