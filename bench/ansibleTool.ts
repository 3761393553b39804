import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { quoteArg } from "../src/core/shellQuote.js";
import { runCommand, runOkCommand } from "./benchProcess.js";
import { WORKLOADS } from "./fanoutWorkloads.js";
import { expectSuccesses, type FanoutTool, opensshOptions, type ToolContext } from "./toolContext.js";

/**
 * Writes the inventory and config the ansible variants share. The lab's key and known_hosts reach
 * OpenSSH exactly as for parallel-ssh; host key checking stays on. The interpreter is named, as
 * inventories usually do, so that no discovery round trip is added. Ansible's own SSH defaults are
 * kept: `-C -o ControlMaster=auto -o ControlPersist=60s` (one connection per host within a run).
 */
function writeAnsibleFiles(ctx: ToolContext): { inventory: string; config: string } {
  const inventory = join(ctx.workDir, "inventory.yml");
  const hosts = Object.fromEntries(ctx.pool.map((h) => [h.name, { ansible_host: h.address }]));
  writeFileSync(
    inventory,
    stringify({
      all: {
        hosts,
        vars: {
          ansible_user: "root",
          ansible_ssh_common_args: opensshOptions(ctx.info).map(quoteArg).join(" "),
          ansible_python_interpreter: "/usr/bin/python3",
        },
      },
    }),
  );
  const config = join(ctx.workDir, "ansible.cfg");
  writeFileSync(config, "[defaults]\nhost_key_checking = True\nnocolor = True\n");
  return { inventory, config };
}

/**
 * One ansible ad-hoc variant. Each run gets a fresh ControlPath directory, so that no run reuses a
 * connection master a previous run left (ControlPersist=60s would make runs 2..R warm); after
 * the run, untimed, its masters are told to exit.
 */
function ansibleVariant(
  ctx: ToolContext,
  files: { inventory: string; config: string },
  variant: { name: string; forks: number | undefined; pipelining: boolean },
): FanoutTool {
  let runNumber = 0;
  let controlDir = "";
  return {
    name: variant.name,
    notes: `forks ${variant.forks ?? "5 (default)"}, ControlMaster=auto (ControlPersist 60s, fresh per run), pipelining ${variant.pipelining ? "on" : "off"}`,
    run: async (workload) => {
      controlDir = join(
        ctx.workDir,
        `cp-${variant.forks ?? "d"}-${variant.pipelining ? "p" : "n"}-${++runNumber}`,
      );
      mkdirSync(controlDir);
      const { module, args } = WORKLOADS[workload].ansible;
      const argv = ["ansible", "all", "-i", files.inventory, "-m", module, "-a", args];
      if (variant.forks !== undefined) argv.push("-f", String(variant.forks));
      const out = await runOkCommand(argv, {
        cwd: ctx.workDir,
        env: {
          ...process.env,
          ANSIBLE_CONFIG: files.config,
          ANSIBLE_HOST_KEY_CHECKING: "True",
          ANSIBLE_PIPELINING: variant.pipelining ? "True" : "False",
          ANSIBLE_SSH_CONTROL_PATH_DIR: controlDir,
        },
      });
      // Ad-hoc output has one "NAME | SUCCESS" or "NAME | CHANGED" line per host that succeeded.
      expectSuccesses(variant.name, out, /^\S+ \| (SUCCESS|CHANGED)\b/gm, ctx.pool.length);
    },
    afterRun: async () => {
      if (!controlDir || !existsSync(controlDir)) return;
      // Each socket is a master this run started: ask it to exit (a lingering master also keeps a
      // lab host's network namespace alive at teardown).
      for (const socket of readdirSync(controlDir)) {
        await runCommand([
          "ssh",
          "-F",
          "/dev/null",
          "-o",
          `ControlPath=${join(controlDir, socket)}`,
          "-O",
          "exit",
          "x",
        ]);
      }
      rmSync(controlDir, { recursive: true, force: true });
    },
  };
}

/** Ansible ad-hoc with default forks (5), with forks = N, and with forks = N plus pipelining. */
export function ansibleTools(ctx: ToolContext): FanoutTool[] {
  const files = writeAnsibleFiles(ctx);
  const n = ctx.pool.length;
  return [
    ansibleVariant(ctx, files, { name: "ansible forks=5", forks: undefined, pipelining: false }),
    // With N <= 5 the default forks already reach every host at once.
    ...(n > 5
      ? [ansibleVariant(ctx, files, { name: `ansible forks=${n}`, forks: n, pipelining: false })]
      : []),
    ansibleVariant(ctx, files, { name: `ansible forks=${n} pipelining`, forks: n, pipelining: true }),
  ];
}
