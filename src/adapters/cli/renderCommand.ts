import { poolHosts } from "../../core/configSchema.js";
import { definitionHash, policyMasks } from "../../core/definitionHash.js";
import { hasErrors } from "../../core/diagnostic.js";
import { formatDiagnosticsText } from "../../core/format/formatDiagnosticsText.js";
import { hostScript } from "../../core/hostScript.js";
import { hostSteps } from "../../core/hostSteps.js";
import { place } from "../../core/place.js";
import { renderLxcConfig } from "../../core/renderLxcConfig.js";
import { shellQuote } from "../../core/shellQuote.js";
import { isUnprivileged } from "../../core/unprivileged.js";
import { type CliIo, EXIT } from "./cliIo.js";
import { cliOwner } from "./operationContext.js";
import { validateCheckout } from "./validateCheckout.js";

/**
 * `hostroot render NAME`: what a deploy would write and run on a host for one container — the
 * LXC config, the create steps as argv, or (`--script`) the exact script sent over SSH. Pure:
 * nothing is contacted, so it is safe for reviewing what hostroot does as root.
 */
export async function renderCommand(
  io: CliIo,
  name: string,
  options: { config: string; host?: string; replica: string; script?: boolean },
): Promise<number> {
  const outcome = await validateCheckout(io, { configPath: options.config });
  const config = outcome.config?.value;
  const located = outcome.definitions.find((d) => d.value.name === name);
  if (!config || hasErrors(outcome.diagnostics)) {
    io.stderr(formatDiagnosticsText(outcome.diagnostics, outcome.checked.length));
    return outcome.configProblem || outcome.sourceProblem ? EXIT.usage : EXIT.findings;
  }
  if (!located) {
    const names = outcome.definitions.map((d) => d.value.name).join(", ");
    io.stderr(`no definition named '${name}' (have: ${names || "none"})\n`);
    return EXIT.usage;
  }
  const def = located.value;
  const last = def.replicas - 1;
  const range = last === 0 ? "only replica 0" : `replicas 0 to ${last}`;
  if (!/^[0-9]+$/.test(options.replica) || Number(options.replica) > last) {
    io.stderr(`${name} has ${range}: there is no replica '${options.replica}'\n`);
    return EXIT.usage;
  }
  const replica = Number(options.replica);
  const pool = poolHosts(config);
  // Without --host, render for the host placement would choose, so the output matches a deploy.
  const placed = place([def], config).assignments.find((a) => a.replica === replica);
  const hostName = options.host ?? placed?.host;
  if (hostName === undefined) {
    io.stderr(
      `${name} replica ${replica} is not placed on any host of the pool; pass --host to render it for one\n`,
    );
    return EXIT.usage;
  }
  const host = pool.find((h) => h.name === hostName);
  if (!host) {
    io.stderr(`no host '${hostName}' in the pool (hosts: ${pool.map((h) => h.name).join(", ")})\n`);
    return EXIT.usage;
  }
  const steps = hostSteps(
    {
      kind: "create",
      host: host.name,
      container: def.name,
      file: located.file,
      replica,
      definitionHash: definitionHash(def, policyMasks(config)),
      destructive: false,
      reason: "render",
    },
    {
      host,
      config,
      definition: def,
      commit: "",
      deployedAt: "1970-01-01T00:00:00.000Z",
      owner: cliOwner(io, {}),
    },
  );
  if (options.script) {
    io.stdout(hostScript(steps));
    return EXIT.ok;
  }
  io.stdout(`# ${def.name} replica ${replica} on ${host.name} (${host.address})\n`);
  io.stdout(`# ${host.lxcPath}/${def.name}/config\n`);
  io.stdout(
    renderLxcConfig(def, host, {
      replica,
      unprivileged: isUnprivileged(def, config.policy),
      ...(config.policy.apparmorProfile ? { apparmorProfile: config.policy.apparmorProfile } : {}),
    }),
  );
  io.stdout("\n# create steps\n");
  for (const s of steps)
    io.stdout(`${s.id}\t${shellQuote(s.argv)}${s.stdin !== undefined ? "  < (stdin)" : ""}\n`);
  return EXIT.ok;
}
