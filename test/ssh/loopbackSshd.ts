import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import type { PoolHost } from "../../src/core/configSchema.js";

/** A real OpenSSH sshd on 127.0.0.1, started from a temp dir for tests; see {@link startLoopbackSshd}. */
export interface LoopbackSshd {
  /** A pool host pointing at this sshd, with its real host key pinned. */
  readonly host: PoolHost;
  /** The client's private key (OpenSSH PEM) that authorized_keys accepts. */
  readonly clientKey: string;
  readonly clientKeyPath: string;
  /** The temp dir holding keys, config and anything a test wants to put there. */
  readonly dir: string;
  /** Everything sshd logged to stderr since it was first started. */
  log(): string;
  /** Number of `Accepted publickey` lines: one per authenticated connection. */
  acceptedCount(): number;
  /** Kills the listener and every per-connection sshd (by PID), as a crash would. */
  kill(): Promise<void>;
  /** Starts sshd again on the same port with the same keys. */
  restart(): Promise<void>;
  /** Kills everything and removes the temp dir. */
  stop(): Promise<void>;
}

/**
 * Why a loopback sshd cannot run here, or undefined when it can: tests skip with this reason.
 * sshd needs root for privilege separation and its /run/sshd directory.
 */
export function loopbackSshdUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return "needs root to run sshd";
  if (!existsSync("/usr/sbin/sshd")) return "needs OpenSSH's /usr/sbin/sshd (package openssh-server)";
  return undefined;
}

/** Makes an ed25519 key pair at `path` (+ `.pub`) and returns the public key line. */
export function makeKey(path: string): string {
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "hostroot-test", "-f", path]);
  return readFileSync(`${path}.pub`, "utf8").trim();
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject()));
    });
  });
}

/** PIDs of every descendant of `pid`, deepest last (read from /proc, so it is a snapshot). */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The comm field may contain spaces and parens: the ppid is the 2nd field after the last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process exited while we were reading.
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

/**
 * Starts `/usr/sbin/sshd -D -e` on 127.0.0.1 and a free high port, with a fresh host key and an
 * authorized client key, all in a temp dir. Needs root (sshd privilege separation) and OpenSSH.
 */
export async function startLoopbackSshd(options: { extraConfig?: string[] } = {}): Promise<LoopbackSshd> {
  const dir = mkdtempSync(join(tmpdir(), "hostroot-sshd-"));
  // sshd refuses to start without its privilege-separation directory.
  mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });
  const hostKey = makeKey(join(dir, "host_ed25519"));
  const clientKeyPath = join(dir, "client_ed25519");
  writeFileSync(join(dir, "authorized_keys"), `${makeKey(clientKeyPath)}\n`);
  const port = await freePort();
  const config = [
    "ListenAddress 127.0.0.1",
    `Port ${port}`,
    `HostKey ${join(dir, "host_ed25519")}`,
    `AuthorizedKeysFile ${join(dir, "authorized_keys")}`,
    `PidFile ${join(dir, "sshd.pid")}`,
    "UsePAM no",
    "StrictModes no",
    "PermitRootLogin prohibit-password",
    "PasswordAuthentication no",
    "KbdInteractiveAuthentication no",
    "MaxStartups 100:30:200",
    ...(options.extraConfig ?? []),
    "",
  ].join("\n");
  writeFileSync(join(dir, "sshd_config"), config);

  let logText = "";
  let child: ChildProcess | undefined;
  const launch = async () => {
    const proc = spawn("/usr/sbin/sshd", ["-D", "-e", "-f", join(dir, "sshd_config")], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    child = proc;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`sshd did not start:\n${logText}`)), 10_000);
      proc.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
        logText += chunk;
        if (logText.includes(`Server listening on 127.0.0.1 port ${port}`)) {
          clearTimeout(timer);
          resolve();
        }
      });
      proc.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`sshd exited with ${code}:\n${logText}`));
      });
    });
  };
  const killAll = async () => {
    const proc = child;
    if (!proc?.pid || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((resolve) => proc.once("exit", resolve));
    for (const pid of [proc.pid, ...descendants(proc.pid)]) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
    await exited;
  };
  await launch();
  return {
    host: {
      name: "loopback",
      address: "127.0.0.1",
      port,
      user: userInfo().username,
      hostKey,
      labels: {},
      capacity: 100,
      lxcPath: "/var/lib/lxc",
      platform: "debian-12",
    },
    clientKey: readFileSync(clientKeyPath, "utf8"),
    clientKeyPath,
    dir,
    log: () => logText,
    acceptedCount: () => logText.split("\n").filter((l) => l.includes("Accepted publickey")).length,
    kill: killAll,
    restart: launch,
    stop: async () => {
      await killAll();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
