import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { inspectFunctions, parseInspectMarkers } from "../../src/core/containerInspect.js";

// Attack: the host reads a container's dpkg database through /proc/PID/root. A container's root
// can make its /var/lib/dpkg/status an ABSOLUTE symlink; a plain open through /proc/PID/root
// follows it from the HOST's root, so host root would read (and report) a host file of the
// container's choosing, or open a FIFO nobody writes (the upgrade hangs) or a device (opening
// some has effects). The host's read must resolve every link inside the container's root, never
// open what is not a regular file, and never hang. Played with the host's real perl and kernel
// (openat2) over a stand-in /proc whose PID's root is a directory here.

const dir = mkdtempSync(join(tmpdir(), "hostroot-status-link-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const proc = join(dir, "proc");
const root = join(dir, "rootfs");
const hostFile = join(dir, "host-secret-status");

function setUp(link: (path: string) => void): string {
  rmSync(proc, { recursive: true, force: true });
  rmSync(root, { recursive: true, force: true });
  mkdirSync(join(root, "var/lib/dpkg"), { recursive: true });
  link(join(root, "var/lib/dpkg/status"));
  const p = join(proc, "1000");
  mkdirSync(join(p, "ns"), { recursive: true });
  mkdirSync(join(p, "map_files"));
  symlinkSync("pid:[4026999999]", join(p, "ns/pid"));
  writeFileSync(join(p, "comm"), "sleep\n");
  writeFileSync(join(p, "status"), "NSpid:\t1000\t1\n");
  symlinkSync(root, join(p, "root"));
  writeFileSync(join(dir, "lxc-ls"), '#!/bin/sh\necho "NAME STATE PID"\necho "web RUNNING 1000"\n');
  chmodSync(join(dir, "lxc-ls"), 0o755);
  mkdirSync(join(dir, "lxc/web"), { recursive: true });
  writeFileSync(join(dir, "lxc/web/hostroot.json"), "{}");
  const script = `${inspectFunctions(join(dir, "lxc"), ["demo-libfoo"])}\nhostroot_names=$(hostroot_containers)\nhostroot_inspect_all\n`;
  const r = spawnSync("sh", ["-c", script], {
    env: { PATH: `${dir}:/usr/bin:/bin`, LC_ALL: "C", HOSTROOT_PROC: proc },
    encoding: "utf8",
    timeout: 20_000,
  });
  expect(r.error).toBeUndefined();
  expect(r.status).toBe(0);
  return r.stdout;
}

describe("attack: a container's dpkg status is a symlink out of its root", () => {
  // The host's file, which the container must never get the host to read for it.
  writeFileSync(hostFile, "Package: demo-libfoo\nStatus: install ok installed\nVersion: 6.6.6-host-secret\n");

  it("an absolute link to a host file: a plain open follows it, the host's read does not", () => {
    const stdout = setUp((status) => symlinkSync(hostFile, status));
    // The premise: read naively through the root, the link leads out of it.
    expect(readFileSync(join(proc, "1000/root/var/lib/dpkg/status"), "utf8")).toContain("host-secret");
    expect(stdout).not.toContain("host-secret");
    // Inside the container's root the link leads nowhere: its dpkg knows no package.
    const inside = parseInspectMarkers(stdout).inside.get("web");
    expect(inside?.sees).toEqual({ "demo-libfoo": "-" });
    expect(inside?.complete).toBe(true);
  });

  it("an absolute link to a file inside the container's root is the container's own database", () => {
    const stdout = setUp((status) => {
      mkdirSync(join(root, "own"));
      writeFileSync(
        join(root, "own/status"),
        "Package: demo-libfoo\nStatus: install ok installed\nVersion: 1.0\n",
      );
      symlinkSync("/own/status", status);
    });
    expect(parseInspectMarkers(stdout).inside.get("web")?.sees).toEqual({ "demo-libfoo": "1.0" });
  });

  it("a FIFO in its root is never opened (no hang): the report is incomplete, never clean", () => {
    const inside = parseInspectMarkers(setUp((status) => spawnSync("mkfifo", [status]))).inside.get("web");
    expect(inside?.complete).toBe(false);
    expect(inside?.sees).toEqual({});
  });

  it("a link to a host FIFO leads nowhere inside its root: no hang, nothing of the host read", () => {
    spawnSync("mkfifo", [join(dir, "host-fifo")]);
    const stdout = setUp((status) => symlinkSync(join(dir, "host-fifo"), status));
    expect(parseInspectMarkers(stdout).inside.get("web")?.sees).toEqual({ "demo-libfoo": "-" });
  });
});
