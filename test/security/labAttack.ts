import { type Config, configSchema } from "../../src/core/configSchema.js";
import { type Definition, definitionSchema } from "../../src/core/definitionSchema.js";
import type { Owner } from "../../src/core/owner.js";
import { shellQuote } from "../../src/core/shellQuote.js";
import type { ExecResult } from "../../src/ports/remoteExecutor.js";
import { deploy } from "../../src/workflows/deploy.js";
import { prepareHosts } from "../../src/workflows/prepareHosts.js";
import { startTestLab, type TestLab } from "../lab/labFixture.js";

export { labSkipReason, takeLabTestLock } from "../lab/labFixture.js";

/** The lab's lxcPath. */
export const L = "/var/lib/lxc";

/** The repository the attack tests deploy as. */
export const OWNER: Owner = { id: "github:4242", name: "acme/attack" };

/** A one-host lab for one attack, with helpers to deploy and look inside containers. */
export interface AttackLab {
  lab: TestLab;
  config: Config;
  /** Deploys the definitions (the whole desired set) as {@link OWNER}, on h1. */
  deploy(defs: Definition[], config?: Config): ReturnType<typeof deploy>;
  /** Runs a sh script inside a container on h1 (lxc-attach, as an operator would). */
  inside(name: string, script: string): Promise<ExecResult>;
  /** Runs a sh script on h1 itself; throws on a non-zero exit. */
  host(script: string): Promise<string>;
  close(): Promise<void>;
}

/** A definition placed on h1, with the given fields. */
export function def(name: string, fields: Record<string, unknown> = {}): Definition {
  return definitionSchema.parse({
    apiVersion: "hostroot/v1",
    name,
    platform: "debian-12",
    placement: { hosts: ["h1"] },
    ...fields,
  });
}

/**
 * Brings up a one-host lab in `.lab/<name>` and runs `hosts prepare` on it (the bridge containers
 * attach to); the caller holds the lab test lock.
 */
export async function startAttackLab(
  name: string,
  policy: Record<string, unknown> = {},
  options: { plainRoots?: boolean } = {},
): Promise<AttackLab> {
  const lab = await startTestLab(name, 1, options);
  const config = configSchema.parse({ ...lab.config, policy: { ...lab.config.policy, ...policy } });
  const prepared = await prepareHosts({
    config,
    definitions: [],
    executor: lab.executor,
    holder: "attack test",
  });
  if (prepared.outcome !== "succeeded") throw new Error(`hosts prepare failed: ${prepared.summary}`);
  const h1 = lab.hosts[0] as TestLab["hosts"][number];
  return {
    lab,
    config,
    deploy: async (defs, cfg = config) => {
      const out = await deploy({
        config: cfg,
        definitions: defs.map((d) => ({ file: `containers/${d.name}.yml`, definition: d })),
        executor: lab.executor,
        commit: "c0ffee",
        holder: `attack test ${name}`,
        owner: OWNER,
      });
      // What went wrong is in the result; shown so a failing attack test says why.
      if (out.result.outcome !== "succeeded") console.log(JSON.stringify(out.result.hosts, null, 1));
      return out;
    },
    inside: (container, script) =>
      lab.executor.exec(
        h1,
        `${shellQuote(["lxc-attach", "-n", container, "-P", L, "--clear-env", "-v", "PATH=/usr/bin:/bin", "--", "sh", "-c", script])}\n`,
        { timeoutMs: 30_000 },
      ),
    host: (script) => lab.sh("h1", ["sh", "-c", script]),
    close: () => lab.close(),
  };
}
