import { execFileSync, spawn, spawnSync } from "node:child_process";
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { type Config, configSchema, type PoolHost, poolHosts } from "../../src/core/configSchema.js";
import { definitionHash, policyMasks } from "../../src/core/definitionHash.js";
import { type Definition, definitionSchema } from "../../src/core/definitionSchema.js";
import { deltaCommand, removeDirCommand, stopCommand } from "../../src/core/hostCommands.js";
import { LOCK_TIMEOUT_EXIT, parseLockMarkers, wrapWithHostLock } from "../../src/core/hostLock.js";
import { hostScript } from "../../src/core/hostScript.js";
import { type HostStep, type HostStepContext, hostSteps } from "../../src/core/hostSteps.js";
import { defaultMasks } from "../../src/core/masks.js";
import { parseStepMarkers } from "../../src/core/parseStepMarkers.js";
import type { PlanStep } from "../../src/core/plan.js";
import { parseStateFile } from "../../src/core/stateFile.js";

const GOLDEN = fileURLToPath(new URL("./golden/", import.meta.url));

/** Compares with a checked-in file byte for byte; `UPDATE_GOLDEN=1` rewrites it instead. */
function expectGolden(file: string, actual: string): void {
  const path = GOLDEN + file;
  if (process.env.UPDATE_GOLDEN === "1") writeFileSync(path, actual);
  else if (!existsSync(path)) throw new Error(`golden file ${file} is missing: run with UPDATE_GOLDEN=1`);
  else expect(actual).toBe(readFileSync(path, "utf8"));
}

const config: Config = configSchema.parse(parse(readFileSync(`${GOLDEN}config.yml`, "utf8")));
const [web1, web2] = poolHosts(config) as [PoolHost, PoolHost];
const load = (name: string): Definition =>
  definitionSchema.parse(parse(readFileSync(`${GOLDEN}${name}.yml`, "utf8")));
const billing = load("billing-api");
const worker = load("mail-worker");
const status = load("status-page");

const base = {
  commit: "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
  deployedAt: "2025-06-01T12:00:00Z",
  config,
  owner: { id: "github:1296269", name: "acme/containers" },
};
/** A plan step as the planner makes it: the hash is the definition's with the policy masks. */
function planned(kind: PlanStep["kind"], def: Definition, host: PoolHost, replica = 0): PlanStep {
  const hash = kind === "destroy" ? {} : { definitionHash: definitionHash(def, policyMasks(config)) };
  return {
    kind,
    host: host.name,
    container: def.name,
    replica,
    destructive: kind === "destroy",
    reason: "",
    ...hash,
  };
}
const ctx = (
  host: PoolHost,
  definition?: Definition,
  extra: Partial<HostStepContext> = {},
): HostStepContext => ({
  ...base,
  host,
  ...(definition ? { definition } : {}),
  ...extra,
});
const ids = (steps: HostStep[]) => steps.map((s) => s.id.slice(s.id.indexOf(".") + 1));

const tmp = mkdtempSync(join(tmpdir(), "hostroot-steps-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs a script the way the SSH adapter does: the script itself on sh's stdin. */
function runScript(script: string) {
  const r = spawnSync("/bin/sh", ["-s"], { input: script, cwd: tmp, encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("host scripts (golden files)", () => {
  it("creates the Python web app", () => {
    expectGolden(
      "create-billing-api.sh",
      hostScript(hostSteps(planned("create", billing, web1), ctx(web1, billing))),
    );
  });
  it("reconfigures the Node worker booting the host's init", () => {
    const steps = hostSteps(
      planned("reconfigure", worker, web1),
      ctx(web1, worker, { lightweightInit: false }),
    );
    expectGolden("reconfigure-mail-worker.sh", hostScript(steps));
  });
  it("restarts the Ruby service under the host lock", () => {
    const steps = hostSteps(planned("restart", status, web1), ctx(web1, status));
    const holder = "restart status-page by @ops-alice (acme/containers#42)";
    expectGolden(
      "restart-status-page.locked.sh",
      wrapWithHostLock(hostScript(steps), { lockFile: "/run/hostroot.lock", timeoutSeconds: 600, holder }),
    );
  });
  it("destroys a container on a host with its own lxcPath", () => {
    const step: PlanStep = {
      kind: "destroy",
      host: "web-2",
      container: "old-app",
      destructive: true,
      reason: "",
    };
    expectGolden("destroy-old-app.sh", hostScript(hostSteps(step, ctx(web2))));
  });
});

describe("hostSteps", () => {
  it("creates in order: fresh delta, masks, config, start, setup, packages, service, health, state last", () => {
    expect(ids(hostSteps(planned("create", billing, web1), ctx(web1, billing)))).toEqual([
      "dir",
      "mkdir",
      "delta",
      "config",
      "host-root",
      "mounts",
      "start",
      "setup.1",
      "setup.2",
      "pip",
      "service",
      "health",
      "state",
    ]);
  });

  it("reconfigures with a full stop and start (never lxc-stop -r) and records the new hash", () => {
    const steps = hostSteps(planned("reconfigure", worker, web1), ctx(web1, worker));
    expect(ids(steps)).toEqual([
      "keep",
      "stop",
      "delta",
      "config",
      "host-root",
      "mounts",
      "start",
      "npm",
      "service",
      "state",
    ]);
    const argv = steps.flatMap((s) => s.argv);
    expect(argv).not.toContain("-r");
    expect(argv).not.toContain("--reboot");
    const state = parseStateFile(steps.at(-1)?.stdin ?? "");
    expect(state).toMatchObject({
      kind: "ok",
      state: { name: "mail-worker", commit: base.commit, replica: 0 },
    });
    expect(state.kind === "ok" && state.state.definitionHash).toBe(
      planned("reconfigure", worker, web1).definitionHash,
    );
  });

  it("restarts with stop and start, then starts the service and checks health", () => {
    expect(ids(hostSteps(planned("restart", status, web1), ctx(web1, status)))).toEqual([
      "stop",
      "host-root",
      "mounts",
      "start",
      "service",
      "health",
    ]);
    expect(ids(hostSteps(planned("restart", status, web1), ctx(web1)))).toEqual([
      "stop",
      "host-root",
      "mounts",
      "start",
    ]);
  });

  it("destroys by killing, then removing only <lxcPath>/<name>", () => {
    const step: PlanStep = {
      kind: "destroy",
      host: "web-2",
      container: "old-app",
      destructive: true,
      reason: "",
    };
    const [stop, remove, ...rest] = hostSteps(step, ctx(web2));
    expect(rest).toEqual([]);
    expect(stop?.argv.at(-1)).toBe("-k");
    expect(remove?.argv.slice(-2)).toEqual(["/srv/lxc/old-app", "/srv/lxc/host"]);
  });

  it("refuses container names that would escape the lxcPath or hit the host root", () => {
    for (const container of ["host", "a/b", "..", ".", "", "../host", "web\n1"]) {
      const step: PlanStep = { kind: "destroy", host: "web-1", container, destructive: true, reason: "" };
      expect(() => hostSteps(step, ctx(web1)), container).toThrow(/container name|named "host"/);
    }
  });

  it("will not write a state file for a definition other than the planned one", () => {
    const step = planned("create", billing, web1);
    expect(() => hostSteps(step, ctx(web1))).toThrow(/needs its definition/);
    const changed = { ...billing, replicas: 2, resources: { memory: "1G" } };
    expect(() => hostSteps(step, ctx(web1, changed))).toThrow(/hashes differ/);
    expect(() => hostSteps({ ...step, replica: undefined }, ctx(web1, billing))).toThrow(/replica/);
    expect(() => hostSteps({ ...step, host: "web-2" }, ctx(web1, billing))).toThrow(/given host/);
  });

  it("refuses package specs that pip, npm or gem would read as options", () => {
    const def = { ...billing, packages: { pip: ["--index-url=http://evil/"], npm: [], gem: [] } };
    const step = {
      ...planned("create", billing, web1),
      definitionHash: definitionHash(def, policyMasks(config)),
    };
    expect(() => hostSteps(step, ctx(web1, def))).toThrow(/looks like an option/);
  });

  it("does nothing for a noop", () => {
    expect(hostSteps(planned("noop", billing, web1), ctx(web1, billing))).toEqual([]);
  });
});

describe("defaultMasks", () => {
  it("hides host secrets, policy paths and the definition's hide list", () => {
    const masks = defaultMasks(config, billing);
    expect(masks.files).toEqual(
      expect.arrayContaining([
        "/etc/shadow",
        "/etc/gshadow",
        "/etc/ssh/ssh_host_ed25519_key",
        "/etc/hostroot/registry-token",
      ]),
    );
    expect(masks.files.filter((f) => f.startsWith("/etc/ssh/"))).toHaveLength(4);
    expect(masks.dirs).toEqual(
      expect.arrayContaining([
        "/root",
        "/home",
        "/tmp",
        "/var/tmp",
        "/var/log",
        "/var/lib/lxc",
        "/srv/private",
        "/srv/legacy",
      ]),
    );
  });

  it("hides the host's own lxcPath, where the other containers' deltas are", () => {
    expect(defaultMasks(config, billing, web2).dirs).toContain("/srv/lxc");
    const steps = hostSteps(planned("create", billing, web2), ctx(web2, billing));
    const delta = steps.find((s) => s.id === "billing-api.delta")?.argv ?? [];
    expect(delta.join("\n")).toContain("\nopaque\n/srv/lxc\n");
  });

  it("masks the deploy key by whiteout unless an opaque dir already hides it", () => {
    expect(defaultMasks(config).files).not.toContain("/root/.ssh/authorized_keys");
    const moved = configSchema.parse({
      ...parse(readFileSync(`${GOLDEN}config.yml`, "utf8")),
      policy: { deployKeyPath: "/etc/hostroot/deploy_key" },
    });
    expect(defaultMasks(moved).files).toContain("/etc/hostroot/deploy_key");
  });
});

describe("hostScript run by a real sh", () => {
  const data = "line 1\n'quoted' $(touch pwned) `touch pwned2`\nEOF\n\u00e9\u0001 \\ end";

  it("stops at the first failure, and the markers say what applied, failed and never ran", () => {
    const steps: HostStep[] = [
      { id: "c.eat-stdin", description: "reads stdin", argv: ["cat"] },
      {
        id: "c.write",
        description: "writes data",
        argv: ["sh", "-c", 'cat > "$1"', "w", "written"],
        stdin: data,
      },
      {
        id: "c.forge",
        description: "prints a fake marker",
        argv: ["sh", "-c", "echo ::hostroot-step c.after ok 0"],
      },
      { id: "c.fail", description: "fails", argv: ["sh", "-c", "exit 3"] },
      { id: "c.after", description: "must not run", argv: ["touch", "after"] },
    ];
    const r = runScript(hostScript(steps));
    expect(r.status).toBe(3);
    expect(
      parseStepMarkers(
        r.stdout,
        steps.map((s) => s.id),
      ),
    ).toEqual({
      steps: [
        { id: "c.eat-stdin", status: "applied", exit: 0 },
        { id: "c.write", status: "applied", exit: 0 },
        { id: "c.forge", status: "applied", exit: 0 },
        { id: "c.fail", status: "failed", exit: 3 },
        { id: "c.after", status: "not-run", exit: null },
      ],
      completed: false,
    });
    expect(readFileSync(join(tmp, "written")).equals(Buffer.from(data, "utf8"))).toBe(true);
    for (const f of ["after", "pwned", "pwned2"]) expect(existsSync(join(tmp, f)), f).toBe(false);
    // Step output goes to stderr: stdout is markers only.
    expect(
      r.stdout
        .trimEnd()
        .split("\n")
        .every((l) => l.startsWith("::hostroot-step ")),
    ).toBe(true);
    expect(r.stderr).toContain("::hostroot-step c.after ok 0");
  });

  it("reports completion when every step succeeds, and a step killed mid-way as interrupted", () => {
    const ok = runScript(hostScript([{ id: "a", description: "", argv: ["true"] }]));
    expect(ok.status).toBe(0);
    expect(parseStepMarkers(ok.stdout)).toEqual({
      steps: [{ id: "a", status: "applied", exit: 0 }],
      completed: true,
    });
    const killed = runScript(hostScript([{ id: "k", description: "", argv: ["sh", "-c", "kill -9 $PPID"] }]));
    expect(parseStepMarkers(killed.stdout, ["k", "l"]).steps.map((s) => s.status)).toEqual([
      "interrupted",
      "not-run",
    ]);
  });
});

describe("host commands run by a real sh", () => {
  const run = (argv: string[]) => spawnSync(argv[0] as string, argv.slice(1), { cwd: tmp, encoding: "utf8" });

  it("refuses to follow a symlink the container planted in its delta", () => {
    const delta = join(tmp, "planted", "delta0");
    const outside = join(tmp, "planted", "host-etc");
    mkdirSync(delta, { recursive: true });
    mkdirSync(outside);
    symlinkSync(outside, join(delta, "etc"));
    const r = run(deltaCommand(delta, [{ op: "file", path: "/etc/hostname", content: "evil" }]));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("refusing a symlink");
    expect(existsSync(join(outside, "hostname"))).toBe(false);
  });

  const asRoot = process.getuid?.() === 0 && spawnSync("setfattr", ["--version"]).status === 0;
  it.skipIf(!asRoot)("makes whiteouts, opaque dirs with the host dir's mode, and files", () => {
    const delta = join(tmp, "fresh", "delta0");
    mkdirSync(delta, { recursive: true });
    const ops = [
      { op: "whiteout" as const, path: "/etc/shadow" },
      { op: "opaque" as const, path: "/tmp" },
      { op: "file" as const, path: "/etc/hostname", content: "billing-api\n" },
    ];
    expect(run(deltaCommand(delta, ops)).status).toBe(0);
    const wh = lstatSync(join(delta, "etc/shadow"));
    expect([wh.isCharacterDevice(), wh.rdev]).toEqual([true, 0]);
    expect(statSync(join(delta, "tmp")).mode & 0o7777).toBe(statSync("/tmp").mode & 0o7777);
    const attr = execFileSync("getfattr", [
      "--only-values",
      "-n",
      "trusted.overlay.opaque",
      join(delta, "tmp"),
    ]);
    expect(attr.toString()).toBe("y");
    expect(readFileSync(join(delta, "etc/hostname"), "utf8")).toBe("billing-api\n");
    // Running it again (a reconfigure) converges instead of failing on existing nodes.
    expect(run(deltaCommand(delta, ops)).status).toBe(0);
  });

  it("removes a real container dir, but not a symlink to one nor the host dir", () => {
    const lxc = join(tmp, "lxc");
    mkdirSync(join(lxc, "app", "delta0"), { recursive: true });
    mkdirSync(join(lxc, "host", "rootfs"), { recursive: true });
    symlinkSync(join(lxc, "host"), join(lxc, "linked"));
    expect(run(removeDirCommand(join(lxc, "linked"), join(lxc, "host"))).status).toBe(1);
    expect(run(removeDirCommand(join(lxc, "host"), join(lxc, "host"))).status).toBe(1);
    expect(existsSync(join(lxc, "host", "rootfs"))).toBe(true);
    expect(run(removeDirCommand(join(lxc, "app"), join(lxc, "host"))).status).toBe(0);
    expect(existsSync(join(lxc, "app"))).toBe(false);
    expect(run(removeDirCommand(join(lxc, "app"), join(lxc, "host"))).status).toBe(0);
  });

  it("treats stopping a container that does not exist as done", () => {
    expect(run(stopCommand("gone", join(tmp, "lxc"), true)).status).toBe(0);
  });
});

describe("wrapWithHostLock run by a real sh", () => {
  const lockFile = join(tmp, "hostroot.lock");
  const locked = (steps: HostStep[], holder: string, timeoutSeconds: number) =>
    wrapWithHostLock(hostScript(steps), { lockFile, timeoutSeconds, holder });

  it("makes a second run wait or give up, telling who holds the lock, and always releases it", async () => {
    const first = spawn("/bin/sh", ["-s"], { cwd: tmp });
    const sleeper: HostStep = { id: "hold", description: "", argv: ["sleep", "1"] };
    first.stdin.end(locked([sleeper], "deploy by @alice", 5));
    let out = "";
    await new Promise<void>((resolve) =>
      first.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        if (out.includes("::hostroot-lock acquired")) resolve();
      }),
    );
    const done = new Promise<number | null>((resolve) => first.on("close", resolve));

    const touch: HostStep = { id: "touch", description: "", argv: ["touch", "second"] };
    const refused = runScript(locked([touch], "upgrade by @bob", 0));
    expect(refused.status).toBe(LOCK_TIMEOUT_EXIT);
    const report = parseLockMarkers(refused.stdout);
    expect(report).toMatchObject({ kind: "timeout", heldBy: { holder: "deploy by @alice" } });
    expect(parseStepMarkers(refused.stdout, ["touch"]).steps[0]?.status).toBe("not-run");
    expect(existsSync(join(tmp, "second"))).toBe(false);

    const waited = runScript(locked([touch], "upgrade by @bob", 20));
    expect(waited.status).toBe(0);
    expect(parseLockMarkers(waited.stdout)).toMatchObject({
      kind: "acquired",
      waitedFor: { holder: "deploy by @alice" },
    });
    expect(existsSync(join(tmp, "second"))).toBe(true);
    expect(await done).toBe(0);
    expect(existsSync(`${lockFile}.holder`)).toBe(false);
  });

  it("does not leave the lock held by a process a step left running", () => {
    const daemon: HostStep = {
      id: "daemon",
      description: "",
      argv: [
        "sh",
        "-c",
        'sleep 30 </dev/null >/dev/null 2>&1 & echo $! > "$1"',
        "d",
        join(tmp, "daemon.pid"),
      ],
    };
    expect(runScript(locked([daemon], "deploy", 0)).status).toBe(0);
    const pid = Number(readFileSync(join(tmp, "daemon.pid"), "utf8"));
    try {
      expect(process.kill(pid, 0)).toBe(true);
      expect(spawnSync("flock", ["-n", lockFile, "true"]).status).toBe(0);
    } finally {
      process.kill(pid, "SIGKILL");
    }
  });
});
