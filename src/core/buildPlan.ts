import { type Config, poolHosts } from "./configSchema.js";
import { canonicalJson, changedFields, definitionHash, fieldHashes, policyMasks } from "./definitionHash.js";
import type { Definition } from "./definitionSchema.js";
import { groupBy } from "./groupBy.js";
import type { ContainerState, ObservedState } from "./observedState.js";
import { describeOwner, type Owner } from "./owner.js";
import { type Assignment, place } from "./place.js";
import type { Plan, PlanError, PlanStep } from "./plan.js";

interface Desired {
  file: string;
  definition: Definition;
  hash: string;
  fields: Record<string, string>;
}

/**
 * The pure diff of definitions against what the hosts report: per host, create what is placed
 * there and missing, reconfigure what carries another hash, restart what is stopped, destroy
 * what hostroot manages there but no longer places there. An unreachable host gets no step, only
 * a warning: nothing is ever destroyed on the strength of a host that did not answer. Steps run
 * per host in pool order, by container name, destroys last. Runs as well from a saved snapshot.
 *
 * Only the acting `owner`'s containers are ever changed: a placed name that another repository
 * owns on that host, that an LXC container hostroot did not create holds, or whose state file
 * predates owners, is a plan error (no step); such containers are never destroyed either.
 */
export function buildPlan(
  defs: ReadonlyArray<{ file: string; definition: Definition }>,
  config: Config,
  observed: ObservedState,
  options: { commit?: string; owner: Owner },
): Plan {
  const { owner } = options;
  const warnings: string[] = [];
  const errors: PlanError[] = [];
  const masks = policyMasks(config);
  const desired = new Map<string, Desired>();
  // Same choice among duplicate names as place(): by content, then file, whatever the input order.
  const sorted = defs
    .map((d) => ({ ...d, key: `${d.definition.name}\n${canonicalJson(d.definition)}\n${d.file}` }))
    .sort((a, b) => compare(a.key, b.key));
  for (const { file, definition } of sorted) {
    const kept = desired.get(definition.name);
    if (kept) {
      warnings.push(
        `${file}: name ${definition.name} is also defined in ${kept.file}; planned from ${kept.file}`,
      );
      continue;
    }
    const hash = definitionHash(definition, masks);
    desired.set(definition.name, { file, definition, hash, fields: fieldHashes(definition, masks) });
  }

  // Only this owner's containers keep their place; another's of the same name is no reason to go there.
  const mine: ObservedState = {
    hosts: observed.hosts.map((h) => ({
      ...h,
      containers: h.containers.filter((c) => c.owner?.id === owner.id),
    })),
  };
  const placement = place(
    sorted.map((d) => d.definition),
    config,
    mine,
  );
  for (const u of placement.unplaced)
    if (u.kind !== "duplicate")
      warnings.push(`${u.container} replica ${u.replica} is not placed: ${u.reason}`);
  const byHost = groupBy(placement.assignments, (a) => a.host);

  const at = options.commit ? ` (at ${options.commit.slice(0, 12)})` : "";
  const steps: PlanStep[] = [];
  const observedHosts = new Map(observed.hosts.map((h) => [h.host, h]));
  const pool = poolHosts(config);
  for (const host of pool) {
    const seen = observedHosts.get(host.name);
    const planned = byHost.get(host.name) ?? [];
    if (!seen?.reachable) {
      const state = seen ? "is unreachable" : "is missing from the observed state";
      warnings.push(
        `host ${host.name} ${state}: no steps for it (${planned.length} container(s) placed there), nothing destroyed`,
      );
      continue;
    }
    const current = new Map(seen.containers.map((c) => [c.name, c]));
    const unmanaged = new Set(seen.unmanaged ?? []);
    for (const a of planned) {
      const want = desired.get(a.container) as Desired;
      const have = current.get(a.container);
      const refused = foreign(a.container, host.name, have, unmanaged.has(a.container), owner);
      if (refused) {
        errors.push({ host: host.name, container: a.container, file: want.file, message: refused });
        continue;
      }
      const step = diff(want, a, have, at);
      steps.push({ host: host.name, container: a.container, file: want.file, replica: a.replica, ...step });
    }
    const keep = new Set(planned.map((a) => a.container));
    const gone = seen.containers
      .filter((c) => !keep.has(c.name) && c.owner?.id === owner.id)
      .sort((a, b) => compare(a.name, b.name));
    for (const c of seen.containers)
      if (!keep.has(c.name) && c.owner === undefined)
        warnings.push(
          `${c.name} on ${host.name} has no recorded owner (deployed by an earlier hostroot): left alone; ${adoptHint(c.name, host.name)}`,
        );
    for (const c of gone)
      steps.push({
        kind: "destroy",
        host: host.name,
        container: c.name,
        ...(desired.has(c.name) ? { file: desired.get(c.name)?.file } : {}),
        destructive: true,
        reason: desired.has(c.name)
          ? `${c.name} is no longer placed on this host; its delta is deleted`
          : `no definition named ${c.name}; its delta is deleted`,
      });
  }
  const inPool = new Set(pool.map((h) => h.name));
  for (const h of observed.hosts)
    if (!inPool.has(h.host)) warnings.push(`host ${h.host} was observed but is not in the pool: left alone`);
  return { steps, warnings, errors };
}

/** How the repository a pre-owner container belongs to claims it. */
const adoptHint = (name: string, host: string) =>
  `the repository it belongs to claims it with \`hostroot adopt ${name} --host ${host} --owner ID\``;

/** Why the acting owner may not touch the container of that name on that host, or undefined. */
function foreign(
  name: string,
  host: string,
  have: ContainerState | undefined,
  unmanaged: boolean,
  owner: Owner,
): string | undefined {
  if (!have)
    return unmanaged
      ? `${name} on ${host} is an LXC container that hostroot did not create (a config without a hostroot state file): hostroot never takes it over; rename the definition, or remove that container on the host by hand`
      : undefined;
  if (!have.owner)
    return `${name} on ${host} has no recorded owner (deployed by an earlier hostroot), so no plan changes it: ${adoptHint(name, host)}`;
  if (have.owner.id !== owner.id)
    return `${name} on ${host} belongs to ${describeOwner(have.owner)}, not ${describeOwner(owner)}: rename the definition`;
  return undefined;
}

/** What to do with one placed replica, given what its host reports (or nothing). */
function diff(
  want: Desired,
  a: Assignment,
  have: ContainerState | undefined,
  at: string,
): Pick<PlanStep, "kind" | "definitionHash" | "destructive" | "reason"> {
  const base = { definitionHash: want.hash, destructive: false };
  if (!have) return { ...base, kind: "create", reason: `new container, replica ${a.replica}${at}` };
  if (have.definitionHash !== want.hash) {
    const fields = have.fieldHashes ? changedFields(have.fieldHashes, want.fields) : [];
    const what = fields.length > 0 ? `definition changed: ${fields.join(", ")}` : "definition changed";
    return { ...base, kind: "reconfigure", reason: `${what}${at}` };
  }
  // Replicas derive their MAC from their index, so a new index means a new config.
  if (have.replica !== undefined && have.replica !== a.replica)
    return {
      ...base,
      kind: "reconfigure",
      reason: `replica index changes from ${have.replica} to ${a.replica}`,
    };
  if (have.running === false) return { ...base, kind: "restart", reason: "up to date but not running" };
  return { ...base, kind: "noop", reason: "up to date" };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
