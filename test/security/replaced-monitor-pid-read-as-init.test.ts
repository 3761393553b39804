import { spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { inspectFunctions, parseInspectMarkers } from "../../src/core/containerInspect.js";

// After an upgrade's restarts, a container's init is found as the one child of the LXC monitor
// whose PID `lxc-start -d -p` wrote (no `lxc-ls -f`, which loads every container's config).
// Attack: a container dies right after its restart and its monitor's PID is taken by another
// process — say one in another container, with a child of its own. The host must not read that
// child's view as the dead container's (it would report a container that is not running as
// running the fix): a monitor that is not `lxc-start`, or has any number of children but one,
// is not believed, and LXC is asked (`lxc-info`). Run here for real: the functions in sh, the
// host's perl over a stand-in /proc, stand-ins for lxc-ls and lxc-info that log their calls.

const dir = mkdtempSync(join(tmpdir(), "hostroot-monitor-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const proc = join(dir, "proc");
const calls = join(dir, "calls");

/** A stand-in process: its comm, its children, and (for an init) its own PID namespace and root. */
function process(pid: number, options: { comm: string; children?: number[]; init?: string }) {
  const p = join(proc, String(pid));
  mkdirSync(join(p, `task/${pid}`), { recursive: true });
  writeFileSync(join(p, "comm"), `${options.comm}\n`);
  writeFileSync(join(p, `task/${pid}/children`), (options.children ?? []).map((c) => `${c} `).join(""));
  mkdirSync(join(p, "ns"));
  mkdirSync(join(p, "map_files"));
  symlinkSync(options.init ? `pid:[40269${pid}]` : "pid:[4026531836]", join(p, "ns/pid"));
  writeFileSync(join(p, "status"), `Name:\t${options.comm}\nNSpid:\t${pid}${options.init ? "\t1" : ""}\n`);
  if (options.init) {
    const root = join(dir, `root-${pid}`);
    mkdirSync(join(root, "var/lib/dpkg"), { recursive: true });
    writeFileSync(
      join(root, "var/lib/dpkg/status"),
      `Package: demo-libfoo\nStatus: install ok installed\nVersion: ${options.init}\n\n`,
    );
    symlinkSync(root, join(p, "root"));
  }
}

function tool(name: string, body: string) {
  writeFileSync(join(dir, name), `#!/bin/sh\necho "${name} $*" >> ${calls}\n${body}\n`);
  chmodSync(join(dir, name), 0o755);
}

function run(script: string): { stdout: string; calls: string } {
  rmSync(calls, { force: true });
  const r = spawnSync("sh", ["-c", `${inspectFunctions(join(dir, "lxc"), ["demo-libfoo"])}\n${script}`], {
    env: { PATH: `${dir}:/usr/bin:/bin`, LC_ALL: "C", HOSTROOT_PROC: proc, HOME: dir },
    cwd: dir,
    encoding: "utf8",
  });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return { stdout: r.stdout, calls: existsSync(calls) ? readFileSync(calls, "utf8") : "" };
}

// web: restarted, its monitor (500) lives and has one child, web's init (1000), which sees 1.1.
process(500, { comm: "lxc-start", children: [1000] });
process(1000, { comm: "sleep", init: "1.1" });
// dead: restarted, then died; its monitor's PID (600) now belongs to another container's process
// (named anything), whose child (2000) is that other container's init and sees 1.0.
process(600, { comm: "sleep", children: [2000] });
process(2000, { comm: "sleep", init: "1.0" });
// twins: its "monitor" (700) has two children: not believed either.
process(700, { comm: "lxc-start", children: [3000, 3001] });
process(3000, { comm: "sleep", init: "1.0" });
tool(
  "lxc-ls",
  `case "$*" in *--running*) printf 'web\\ndead\\ntwins\\nfrozen\\n*\\n' ;; *--frozen*) echo frozen ;; *) exit 1 ;; esac`,
);
tool(
  "lxc-info",
  'case "$*" in *dead*) echo STOPPED ;; *twins*) printf "RUNNING\\n3000\\n" ;; *) exit 1 ;; esac',
);
// A file named like a container in the directory the script runs in: a list is never globbed.
writeFileSync(join(dir, "gone"), "");

const restarted = `mkdir -p ${dir}/tmp
hostroot_tmp=${dir}/tmp
hostroot_names='web dead twins frozen gone'
hostroot_running_states
for n in web dead twins; do
  case $n in web) m=500 ;; dead) m=600 ;; twins) m=700 ;; esac
  printf %s "$m" > "$hostroot_tmp/$n.pid"
  hostroot_st=" $n RUNNING$hostroot_st"
  hostroot_started "$n"
done
hostroot_inspect_all`;

describe("attack: a restarted container's monitor PID is taken by another process", () => {
  const { stdout, calls: log } = run(restarted);
  const states = stdout.split("\n").filter((l) => l.startsWith("::hostroot-state "));
  const inside = parseInspectMarkers(stdout).inside;

  it("the live monitor's one child is read as the container's init, without asking LXC", () => {
    expect(states).toContain("::hostroot-state web RUNNING");
    expect(inside.get("web")?.sees).toEqual({ "demo-libfoo": "1.1" });
    expect(log).not.toMatch(/lxc-info .*web/);
  });

  it("a monitor that is not lxc-start is not believed: LXC says the container stopped, nothing is read", () => {
    expect(states).toContain("::hostroot-state dead STOPPED");
    expect(inside.has("dead")).toBe(false);
    expect(log).toMatch(/^lxc-info -n dead /m);
  });

  it("a monitor with two children is not believed either: LXC names the init", () => {
    expect(states).toContain("::hostroot-state twins RUNNING");
    expect(inside.get("twins")?.sees).toEqual({ "demo-libfoo": "1.0" });
    expect(log).toMatch(/^lxc-info -n twins /m);
  });

  it("states come from two name lists, never from lxc-ls -f, and a listed glob matches no file", () => {
    expect(states).toContain("::hostroot-state frozen FROZEN");
    expect(states).toContain("::hostroot-state gone STOPPED");
    expect(log.split("\n").filter((l) => l.startsWith("lxc-ls"))).toEqual([
      `lxc-ls -P ${dir}/lxc --running -1`,
      `lxc-ls -P ${dir}/lxc --frozen -1`,
    ]);
  });
});

describe("when the name lists cannot be read", () => {
  it("every state comes from lxc-ls -f, as before", () => {
    tool("lxc-ls", 'case "$*" in *-f*) printf "NAME STATE PID\\nweb STOPPED -\\n" ;; *) exit 1 ;; esac');
    const { stdout, calls: log } = run(
      'hostroot_names=web\nhostroot_running_states\nhostroot_state web\necho "state $s"',
    );
    expect(stdout).toContain("state STOPPED");
    expect(log).toContain(`lxc-ls -P ${dir}/lxc -f -F NAME,STATE,PID`);
  });
});
