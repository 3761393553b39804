import { describe, expect, it } from "vitest";
import { buildPlan } from "../../src/core/buildPlan.js";
import { type Config, configSchema, poolHosts } from "../../src/core/configSchema.js";
import { fieldHashes, policyMasks } from "../../src/core/definitionHash.js";
import type { Definition } from "../../src/core/definitionSchema.js";
import type { ObservedState } from "../../src/core/observedState.js";
import { changes, type Plan } from "../../src/core/plan.js";
import { definition, poolConfig } from "./locatedFixture.js";

const config = poolConfig({
  "debian-12": [{ name: "h1" }, { name: "h2" }],
  "ubuntu-24.04": [{ name: "u1" }],
});
const empty = (cfg: Config = config): ObservedState => ({
  hosts: poolHosts(cfg).map((h) => ({ host: h.name, reachable: true, containers: [] })),
});
const files = (...defs: Definition[]) =>
  defs.map((d) => ({ file: `containers/${d.name}.yml`, definition: d }));

/** What the hosts report after a deploy carried out `plan`, the way the deploy records state. */
function deployed(plan: Plan, defs: Definition[], cfg: Config = config, withFields = true): ObservedState {
  const byName = new Map(defs.map((d) => [d.name, d]));
  return {
    hosts: poolHosts(cfg).map((h) => ({
      host: h.name,
      reachable: true,
      containers: plan.steps
        .filter((s) => s.host === h.name && s.kind !== "destroy")
        .map((s) => ({
          name: s.container,
          definitionHash: s.definitionHash as string,
          commit: "c0ffee",
          deployedAt: "2024-01-01T00:00:00Z",
          running: true,
          replica: s.replica as number,
          owner: ME,
          ...(withFields
            ? { fieldHashes: fieldHashes(byName.get(s.container) as Definition, policyMasks(cfg)) }
            : {}),
        })),
    })),
  };
}
const ME = { id: "github:1", name: "acme/billing" };
const own = { owner: ME };
const web = definition({ name: "web", replicas: 2, resources: { memory: "512M" } });
const api = definition({ name: "api" });
const db = definition({ name: "db", platform: "ubuntu-24.04" });

describe("buildPlan", () => {
  it("creates everything on a first deploy, per host in pool order and by name", () => {
    const plan = buildPlan(files(web, api, db), config, empty(), {
      owner: ME,
      commit: "0123456789abcdef0123",
    });
    expect(plan.steps.every((s) => s.kind === "create" && !s.destructive && s.definitionHash)).toBe(true);
    expect(
      plan.steps
        .filter((s) => s.container === "web")
        .map((s) => s.host)
        .sort(),
    ).toEqual(["h1", "h2"]);
    const hostOrder = plan.steps.map((s) => ["h1", "h2", "u1"].indexOf(s.host));
    expect(hostOrder).toEqual([...hostOrder].sort());
    for (const h of ["h1", "h2"]) {
      const names = plan.steps.filter((s) => s.host === h).map((s) => s.container);
      expect(names).toEqual([...names].sort());
    }
    expect(plan.steps[0]?.reason).toContain("0123456789ab");
    expect(plan.warnings).toEqual([]);
  });

  it("changes nothing when run again against what the first deploy left", () => {
    const first = buildPlan(files(web, api, db), config, empty(), own);
    const again = buildPlan(files(db, api, web), config, deployed(first, [web, api, db]), own);
    expect(changes(again)).toEqual([]);
    expect(again.steps).toHaveLength(first.steps.length);
  });

  it("reconfigures the one container whose definition changed, naming the field", () => {
    const first = buildPlan(files(web, api), config, empty(), own);
    const api2 = definition({ name: "api", resources: { cpus: 2 } });
    const plan = buildPlan(files(web, api2), config, deployed(first, [web, api]), own);
    expect(changes(plan).map((s) => `${s.kind} ${s.container} ${s.reason}`)).toEqual([
      "reconfigure api definition changed: resources",
    ]);
    const blind = buildPlan(files(web, api2), config, deployed(first, [web, api], config, false), own);
    expect(changes(blind).map((s) => s.reason)).toEqual(["definition changed"]);
  });

  it("creates one more replica when scaling up, without touching the others", () => {
    const one = definition({ name: "api" });
    const first = buildPlan(files(one), config, empty(), own);
    const plan = buildPlan(
      files(definition({ name: "api", replicas: 2 })),
      config,
      deployed(first, [one]),
      own,
    );
    expect(changes(plan).map((s) => `${s.kind} ${s.container} ${s.replica}`)).toEqual(["create api 1"]);
  });

  it("destroys, marked destructive, the containers of a removed definition, after the other steps", () => {
    const first = buildPlan(files(web, api, db), config, empty(), own);
    const plan = buildPlan(files(web, db), config, deployed(first, [web, api, db]), own);
    const destroy = changes(plan);
    expect(destroy.map((s) => `${s.kind} ${s.container} ${s.destructive}`)).toEqual(["destroy api true"]);
    expect(destroy[0]?.reason).toContain("no definition named api");
    const onHost = plan.steps.filter((s) => s.host === destroy[0]?.host);
    expect(onHost.at(-1)?.kind).toBe("destroy");
  });

  it("moves a container whose placement excludes its host: create on the new host, destroy on the old", () => {
    const first = buildPlan(files(api), config, empty(), own);
    const from = first.steps[0]?.host as string;
    const to = from === "h1" ? "h2" : "h1";
    const pinned = definition({ name: "api", placement: { hosts: [to] } });
    const plan = buildPlan(files(pinned), config, deployed(first, [api]), own);
    expect(
      changes(plan)
        .map((s) => `${s.host} ${s.kind} ${s.destructive}`)
        .sort(),
    ).toEqual([`${to} create false`, `${from} destroy true`].sort());
    expect(changes(plan).find((s) => s.kind === "destroy")?.reason).toContain(
      "no longer placed on this host",
    );
  });

  it("restarts a stopped container that is up to date", () => {
    const first = buildPlan(files(api), config, empty(), own);
    const seen = deployed(first, [api]);
    for (const h of seen.hosts) for (const c of h.containers) c.running = false;
    expect(changes(buildPlan(files(api), config, seen, own)).map((s) => s.kind)).toEqual(["restart"]);
  });

  it("gives an unreachable host no steps, only a warning, and never destroys there", () => {
    const first = buildPlan(files(web, api), config, empty(), own);
    const seen = deployed(first, [web, api]);
    const h1 = seen.hosts.find((h) => h.host === "h1");
    if (h1) h1.reachable = false;
    const plan = buildPlan([], config, seen, own);
    expect(plan.steps.some((s) => s.host === "h1")).toBe(false);
    expect(plan.steps.filter((s) => s.host === "h2").every((s) => s.kind === "destroy")).toBe(true);
    expect(plan.warnings).toEqual([expect.stringMatching(/^host h1 is unreachable/)]);
  });

  it("warns about a pool host missing from the observed state and an observed host not in the pool", () => {
    const seen: ObservedState = {
      hosts: [
        { host: "h1", reachable: true, containers: [] },
        { host: "u1", reachable: true, containers: [] },
        {
          host: "gone",
          reachable: true,
          containers: [{ name: "x", definitionHash: "y", commit: "", deployedAt: "" }],
        },
      ],
    };
    const plan = buildPlan(files(api), config, seen, own);
    expect(plan.steps.some((s) => s.host === "h2" || s.host === "gone")).toBe(false);
    expect(plan.warnings).toHaveLength(2);
    expect(plan.warnings.join("\n")).toMatch(/h2 is missing[\s\S]*gone was observed but is not in the pool/);
  });

  it("warns about replicas it cannot place", () => {
    const plan = buildPlan(files(definition({ name: "web", replicas: 3 })), config, empty(), own);
    expect(changes(plan)).toHaveLength(2);
    expect(plan.warnings).toEqual([expect.stringContaining("web replica 2 is not placed")]);
  });

  it("reconfigures every container when the policy masks change", () => {
    const first = buildPlan(files(api, db), config, empty(), own);
    const stricter = configSchema.parse({
      ...config,
      policy: { ...config.policy, masks: { files: ["/etc/app.key"], dirs: [] } },
    });
    const plan = buildPlan(files(api, db), stricter, deployed(first, [api, db]), own);
    expect(changes(plan).map((s) => `${s.kind} ${s.container} ${s.reason}`)).toEqual([
      "reconfigure api definition changed: masks",
      "reconfigure db definition changed: masks",
    ]);
  });

  it("plans the same from a JSON snapshot of the observed state", () => {
    const first = buildPlan(files(web, api), config, empty(), own);
    const seen = deployed(first, [web, api]);
    const api2 = definition({ name: "api", hide: ["/srv/old"] });
    const snapshot = JSON.parse(JSON.stringify(seen)) as ObservedState;
    expect(buildPlan(files(web, api2), config, snapshot, own)).toEqual(
      buildPlan(files(web, api2), config, seen, own),
    );
  });
});
