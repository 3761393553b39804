import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { affectedScript } from "../../src/core/affectedScript.js";
import { type Config, type PoolHost, poolHosts } from "../../src/core/configSchema.js";
import { containerSteps } from "../../src/core/containerSteps.js";
import { definitionHash, policyMasks } from "../../src/core/definitionHash.js";
import type { Definition } from "../../src/core/definitionSchema.js";
import { hostScript } from "../../src/core/hostScript.js";
import { hostSteps } from "../../src/core/hostSteps.js";
import { parseConfig } from "../../src/core/parseConfig.js";
import { parseDefinition } from "../../src/core/parseDefinition.js";
import type { PlanStep, StepKind } from "../../src/core/plan.js";
import { prepareSteps } from "../../src/core/prepareScript.js";
import { renderLxcConfig } from "../../src/core/renderLxcConfig.js";
import { statusScript } from "../../src/core/statusScript.js";
import { containerStepIds, upgradeScript } from "../../src/core/upgradeScript.js";
import { validateDefinitions } from "../../src/core/validateDefinitions.js";

/**
 * The promise behind a green `hostroot validate`: a definition it passes is one that rendering
 * and every host script builder accept. Definitions are generated from the schema's shape with
 * hostile strings in every field (control characters, CR, NUL, C1 controls, Unicode, leading
 * dashes, very long values), run through the same parse and rules `hostroot validate` runs, and
 * whenever those report no error, every builder must succeed. Seeded, so a failure replays.
 */
const SEED = 20261204;
const RUNS = 2000;
/** Each run builds every script twice over; generous, so a loaded machine does not time it out. */
const TIMEOUT_MS = 120_000;

const CONFIG_YAML = `apiVersion: hostroot/v1
pool:
  platforms:
    debian-12:
      hosts:
        - { name: web-1, address: 192.0.2.11, labels: { zone: a }, hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEtd0hrgY63x5CDH0suroeeWutFgAbnyGFVYFTHKKKBr" }
        - { name: web-2, address: 192.0.2.12, labels: { zone: a }, hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKvPfMjPm2NPH7IJuNPF1dQyR9AYG82LpT+rzgsvJZPt" }
policy:
  mounts:
    allowedSources: [/srv]
  network:
    allowedBridges: [lxcbr0, br-app, br_0.1]
  apparmorProfile: lxc-container-default-cgns
`;
const parsedConfig = parseConfig(".github/hostroot.yml", CONFIG_YAML);
const CLEAN_CONFIG = parsedConfig.config?.value as Config;

/** Strings an attacker or a careless edit would try. */
const NASTY = [
  "",
  "-",
  "--",
  "-e",
  "--index-url=http://192.0.2.1/simple",
  "\0",
  "\r",
  "\n",
  "\t",
  " ",
  "\u0085",
  "\u2028",
  "\u00a0",
  "\x7f",
  "\x1b[31m",
  "host",
  ":",
  "\\",
  "'",
  '"',
  "$(id)",
  "`id`",
  ";",
  "..",
  ".",
  "/",
  "//",
  "/..",
  "/./",
  "é",
  "💥",
  "\ud800",
  "@",
  "=",
  "#",
];

/** Any string: arbitrary code points (controls included), a nasty constant, or a long run. */
const weird: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...NASTY),
  fc.string({ unit: "binary", maxLength: 12 }),
  fc.string({ unit: fc.constantFrom(...NASTY), maxLength: 6 }),
  fc.string({ minLength: 200, maxLength: 600 }),
);

/**
 * Mostly a plausible value, else one with something hostile put in or in front, or anything. A
 * definition has some twenty strings: each must often be plausible for many whole definitions to
 * pass validation, and every field still gets hundreds of hostile values over the run.
 */
function mixed(valid: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 60, arbitrary: valid },
    {
      weight: 2,
      arbitrary: fc
        .tuple(valid, weird, fc.nat())
        .map(([v, w, at]) => v.slice(0, at % (v.length + 1)) + w + v.slice(at % (v.length + 1))),
    },
    { weight: 1, arbitrary: fc.tuple(weird, valid).map(([w, v]) => w + v) },
    { weight: 1, arbitrary: weird },
  );
}

const segment = fc.constantFrom("app", "data", "billing", "x", "cache", "v1.2");
const srvPath = fc.array(segment, { minLength: 1, maxLength: 3 }).map((s) => `/srv/${s.join("/")}`);
const anyPath = fc.oneof(
  srvPath,
  srvPath.map((p) => p.replace("/srv", "/opt")),
);
const word = fc.constantFrom("python3", "-m", "http.server", "8080", "/usr/bin/env", "echo", "true");
const argv = fc.array(mixed(word), { minLength: 1, maxLength: 4 });
const pip = fc.constantFrom(
  "flask",
  "psycopg==3.2.3",
  "requests[socks]>=2.31,<3",
  'uvicorn; python_version >= "3.8"',
  "Django~=5.0",
);
const npm = fc.constantFrom(
  "express",
  "@scope/pkg",
  "typescript@5.4.2",
  "lodash@^4.17.21",
  "left-pad@latest",
);
const gem = fc.constantFrom("rack", "rails:7.1.3", "nokogiri", "puma:6.4.2");

const definitionInput = fc.record(
  {
    apiVersion: fc.constant("hostroot/v1"),
    name: mixed(fc.constantFrom("app", "billing-api", "host", "x1")),
    platform: mixed(fc.constant("debian-12")),
    replicas: fc.integer({ min: 1, max: 2 }),
    placement: fc.record(
      {
        hosts: fc.uniqueArray(mixed(fc.constantFrom("web-1", "web-2")), { minLength: 2, maxLength: 2 }),
        labels: fc.dictionary(mixed(fc.constant("zone")), mixed(fc.constant("a")), { maxKeys: 1 }),
      },
      { requiredKeys: [] },
    ),
    hide: fc.array(mixed(anyPath), { maxLength: 3 }),
    mounts: fc.array(fc.record({ source: mixed(srvPath), target: mixed(anyPath), readOnly: fc.boolean() }), {
      maxLength: 3,
    }),
    network: fc.record(
      {
        bridge: mixed(fc.constantFrom("lxcbr0", "br-app", "br_0.1")),
        hwaddr: mixed(fc.constantFrom("00:16:3e:12:34:56", "02:00:00:aa:bb:cc")),
      },
      { requiredKeys: [] },
    ),
    packages: fc.record(
      {
        pip: fc.array(mixed(pip), { maxLength: 3 }),
        npm: fc.array(mixed(npm), { maxLength: 3 }),
        gem: fc.array(mixed(gem), { maxLength: 3 }),
      },
      { requiredKeys: [] },
    ),
    setup: fc.array(argv, { maxLength: 3 }),
    service: fc.record(
      {
        command: argv,
        user: mixed(fc.constantFrom("app", "www-data", "_svc")),
        workdir: mixed(anyPath),
        env: fc.dictionary(
          mixed(fc.constantFrom("PORT", "APP_ENV", "_X")),
          mixed(fc.constantFrom("8080", "prod")),
          {
            maxKeys: 3,
          },
        ),
      },
      { requiredKeys: ["command"] },
    ),
    health: fc.record(
      {
        command: argv,
        timeoutSeconds: fc.integer({ min: 1, max: 600 }),
        retries: fc.integer({ min: 0, max: 100 }),
        intervalSeconds: fc.integer({ min: 0, max: 60 }),
      },
      { requiredKeys: ["command"] },
    ),
    resources: fc.record(
      {
        memory: mixed(fc.constantFrom("512M", "2G", "1048576", "64K")),
        cpus: fc.double({ min: 0.01, max: 1024, noNaN: true }),
        pids: fc.integer({ min: 16, max: 4_194_304 }),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: ["apiVersion", "name", "platform"] },
);

/**
 * The file a user would write: JSON is YAML, and every character outside printable ASCII is
 * written as a `\uXXXX` escape, so each generated string reaches the definition as it is.
 */
function yamlText(value: unknown): string {
  return `${JSON.stringify(value).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)}\n`;
}

/** What `hostroot validate` would say about the file, and the definition when it parsed. */
function validate(text: string): { clean: boolean; def?: Definition } {
  const parsed = parseDefinition("containers/app.yml", Buffer.from(text));
  const errors = (ds: { severity: string }[]) => ds.some((d) => d.severity === "error");
  if (!parsed.definition || errors(parsed.diagnostics)) return { clean: false };
  const clean = !errors(validateDefinitions([parsed.definition], CLEAN_CONFIG));
  return { clean, def: parsed.definition.value };
}

/** Every builder a deploy, restart, upgrade, prepare, status or affected runs with a definition. */
function buildEverything(def: Definition, CONFIG: Config = CLEAN_CONFIG): void {
  const HOST = poolHosts(CONFIG)[0] as PoolHost;
  statusScript(HOST.lxcPath, ["libc6"]);
  affectedScript(["libc6"], HOST.lxcPath);
  for (const lightweightInit of [true, false]) {
    for (let replica = 0; replica < def.replicas; replica++) {
      renderLxcConfig(def, HOST, {
        replica,
        lightweightInit,
        ...(CONFIG.policy.apparmorProfile ? { apparmorProfile: CONFIG.policy.apparmorProfile } : {}),
      });
    }
    const hash = definitionHash(def, policyMasks(CONFIG));
    for (const kind of ["create", "reconfigure", "restart", "destroy"] as StepKind[]) {
      const step: PlanStep = {
        kind,
        host: HOST.name,
        container: def.name,
        destructive: kind === "destroy",
        reason: "test",
        ...(kind === "destroy" ? {} : { replica: 0, definitionHash: hash, file: "containers/app.yml" }),
      };
      const steps = hostSteps(step, {
        host: HOST,
        config: CONFIG,
        definition: def,
        commit: "0123456789abcdef0123456789abcdef01234567",
        deployedAt: "2026-12-04T00:00:00.000Z",
        owner: { id: "github:1", name: "acme/app" },
        lightweightInit,
      });
      hostScript(steps);
    }
  }
  hostScript(containerSteps(def.name, HOST.lxcPath, def, { setup: true, packages: true }));
  containerStepIds(def.name, def);
  for (const dryRun of [false, true])
    upgradeScript({
      packages: ["libc6"],
      lxcPath: HOST.lxcPath,
      dryRun,
      definitions: [def],
      dpkgLockTimeoutSeconds: 60,
      lock: { holder: "test", timeoutSeconds: 10 },
    });
  hostScript(prepareSteps({ lxcPath: HOST.lxcPath, bridges: [def.network.bridge], install: false }));
}

/** Config values that reach host scripts and LXC config lines, each plausible or hostile. */
const configInput = fc.record({
  lxcPath: mixed(fc.constantFrom("/var/lib/lxc", "/srv/lxc", "/data/containers")),
  apparmorProfile: fc.option(mixed(fc.constantFrom("lxc-container-default-cgns", "unconfined")), {
    nil: undefined,
  }),
  maskFiles: fc.array(mixed(fc.constantFrom("/etc/hostroot/deploy.key", "/srv/secret.pem")), {
    maxLength: 2,
  }),
  maskDirs: fc.array(mixed(fc.constantFrom("/srv/private", "/opt/keys")), { maxLength: 2 }),
  deployKeyPath: mixed(fc.constant("/root/.ssh/authorized_keys")),
});

/** The ops config as written, with the generated values (JSON strings are YAML). */
function configText(c: typeof configInput extends fc.Arbitrary<infer T> ? T : never): string {
  const q = (v: unknown) => yamlText(v).trimEnd();
  return `apiVersion: hostroot/v1
pool:
  platforms:
    debian-12:
      hosts:
        - { name: web-1, address: 192.0.2.11, lxcPath: ${q(c.lxcPath)}, hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEtd0hrgY63x5CDH0suroeeWutFgAbnyGFVYFTHKKKBr" }
policy:
  mounts: { allowedSources: [/srv] }
  masks: { files: ${q(c.maskFiles)}, dirs: ${q(c.maskDirs)} }
  deployKeyPath: ${q(c.deployKeyPath)}
${c.apparmorProfile === undefined ? "" : `  apparmorProfile: ${q(c.apparmorProfile)}\n`}`;
}

/** A definition that uses every part of a deploy. */
const FULL_DEFINITION = parseDefinition(
  "containers/app.yml",
  `apiVersion: hostroot/v1
name: app
platform: debian-12
hide: [/srv/legacy]
mounts: [{ source: /srv/app, target: /srv/app }]
packages: { pip: [flask], npm: [express], gem: [rack] }
setup: [[useradd, app]]
service: { command: [/usr/bin/python3, -m, http.server], user: app, workdir: /srv/app, env: { PORT: "8080" } }
health: { command: [/bin/true] }
resources: { memory: 512M, cpus: 1, pids: 64 }
`,
).definition?.value as Definition;

describe("validation is the gate", () => {
  it("uses a valid config and a valid definition", () => {
    expect(parsedConfig.diagnostics).toEqual([]);
    expect(FULL_DEFINITION).toBeDefined();
    expect(
      validateDefinitions(
        [{ file: "containers/app.yml", value: FULL_DEFINITION, span: () => ({ line: 1, column: 1 }) }],
        CLEAN_CONFIG,
      ),
    ).toEqual([]);
  });

  it(
    `a config validate passes renders and builds every host script (seed ${SEED})`,
    () => {
      let clean = 0;
      fc.assert(
        fc.property(configInput, (input) => {
          const parsed = parseConfig(".github/hostroot.yml", Buffer.from(configText(input)));
          if (!parsed.config || parsed.diagnostics.some((d) => d.severity === "error")) return;
          clean++;
          buildEverything(FULL_DEFINITION, parsed.config.value);
        }),
        { seed: SEED, numRuns: RUNS / 4 },
      );
      expect(clean).toBeGreaterThan(RUNS / 40);
    },
    TIMEOUT_MS,
  );

  it(
    `a definition validate passes renders and builds every host script (seed ${SEED})`,
    () => {
      let clean = 0;
      fc.assert(
        fc.property(definitionInput, (input) => {
          const { clean: ok, def } = validate(yamlText(input));
          if (!ok || !def) return;
          clean++;
          buildEverything(def);
        }),
        { seed: SEED, numRuns: RUNS },
      );
      // The property says nothing unless many generated definitions pass validation.
      expect(clean).toBeGreaterThan(RUNS / 10);
    },
    TIMEOUT_MS,
  );
});
