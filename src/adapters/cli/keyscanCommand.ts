import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Duplex } from "node:stream";
import type { Command } from "commander";
import type { Client } from "ssh2";
import { type PoolHost, poolHosts } from "../../core/configSchema.js";
import { connectHost } from "../ssh/connectHost.js";
import { parsePinnedHostKey } from "../ssh/hostKey.js";
import { type ScanTarget, scanHostKeys } from "../ssh/scanHostKeys.js";
import { sshAuth } from "../ssh/sshAuth.js";
import { type CliIo, EXIT } from "./cliIo.js";
import { configOption, guarded, keyOption } from "./commonOptions.js";
import { loadSources } from "./operationContext.js";
import { cliCredentials } from "./poolExecutor.js";

/** `address[:port]` or `[v6]:port` of a host not (yet) in the pool. */
function parseAddress(text: string): { address: string; port: number } | undefined {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+))(?::(\d{1,5}))?$/.exec(text);
  if (!m) return undefined;
  const port = m[3] === undefined ? 22 : Number(m[3]);
  if (port < 1 || port > 65535) return undefined;
  return { address: (m[1] ?? m[2]) as string, port };
}

/**
 * Registers `hostroot hosts keyscan [HOST...]`: the host keys each pool host (by name; every host
 * when none is named) or address presents, as `host type fingerprint` and the `hostKey:` line to
 * pin. A pool host with a jump host is scanned through it (which needs the deploy key). The output
 * is what answered, not proof of who: the fingerprints are to be compared out of band.
 */
export function registerKeyscanCommand(hosts: Command, io: CliIo, result: { code: number }): void {
  hosts
    .command("keyscan")
    .description("print each host's SSH host keys and fingerprints, to pin after checking them out of band")
    .argument("[hosts...]", "pool host names or address[:port] (default: every pool host)")
    .addOption(configOption(io))
    .addOption(keyOption())
    .action((names: string[], opts) =>
      guarded(
        io,
        result,
      )(async () => {
        let pool: PoolHost[] = [];
        // A host being added to the pool has no key to pin yet: addresses work without a config.
        if (names.length === 0 || existsSync(resolve(io.cwd, opts.config))) {
          const loaded = await loadSources(io, opts.config, [], false);
          if (loaded.kind === "exit") return loaded.code;
          pool = poolHosts(loaded.outcome.config.value);
        }
        const targets: Array<{ label: string; target: ScanTarget; pinned?: PoolHost }> = [];
        for (const name of names.length > 0 ? names : pool.map((h) => h.name)) {
          const h = pool.find((p) => p.name === name);
          const where = h ?? parseAddress(name);
          if (!where) {
            io.stderr(
              `hostroot hosts keyscan: ${JSON.stringify(name)} is no pool host and no address[:port]\n`,
            );
            return EXIT.usage;
          }
          targets.push({
            label: h ? h.name : name,
            target: { address: where.address, port: where.port },
            ...(h ? { pinned: h } : {}),
          });
        }
        const jumps: Client[] = [];
        let code: number = EXIT.ok;
        try {
          for (const t of targets) {
            const h = t.pinned;
            if (h?.jumpHost) t.target.forward = () => forwardThroughJump(io, opts.key, h, jumps);
            try {
              const keys = await scanHostKeys(t.target);
              if (keys.length === 0) throw new Error("it presented no host key hostroot can pin");
              for (const k of keys) {
                const pin = h ? parsePinnedHostKey(h.hostKey) : undefined;
                const same = pin && `${pin.type} ${pin.blob.toString("base64")}` === k.line;
                const note = same ? "  (pinned)" : pin?.type === k.type ? "  (NOT the pinned key)" : "";
                io.stdout(`${t.label} ${k.type} ${k.fingerprint}${note}\n    hostKey: ${k.line}\n`);
              }
            } catch (error) {
              const at = `${t.target.address}:${t.target.port}`;
              const who = t.label === at ? at : `${t.label} (${at})`;
              io.stderr(`hostroot: ${who}: ${(error as Error).message}\n`);
              code = EXIT.findings;
            }
          }
        } finally {
          for (const j of jumps) j.end();
        }
        io.stderr(
          "Before pinning a key, compare its fingerprint with the host's own, out of band (on its console: ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub): a scan shows whatever answered.\n",
        );
        return code;
      })(),
    );
}

/** A TCP stream to `host` through its jump host, authenticated with the operator's key (pinned jump key). */
async function forwardThroughJump(
  io: CliIo,
  key: string | undefined,
  host: PoolHost,
  jumps: Client[],
): Promise<Duplex> {
  const j = host.jumpHost as NonNullable<PoolHost["jumpHost"]>;
  const client = await connectHost(
    { ...host, ...j, jumpHost: undefined },
    {
      ...sshAuth(cliCredentials(key === undefined ? {} : { key }, io.env), io.env),
      connectTimeoutMs: 10_000,
      keepaliveIntervalMs: 15_000,
      keepaliveCountMax: 3,
      log: () => {},
    },
  );
  jumps.push(client);
  return new Promise((ok, fail) =>
    client.forwardOut("127.0.0.1", 0, host.address, host.port, (error, stream) =>
      error ? fail(error) : ok(stream),
    ),
  );
}
