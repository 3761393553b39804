import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { definitionHash } from "../../src/core/definitionHash.js";
import { definitionSchema } from "../../src/core/definitionSchema.js";
import { renderHostResult } from "../../src/core/markdown/renderHostResult.js";
import { parsePrepareReport, prepareSteps } from "../../src/core/prepareScript.js";
import {
  DEFAULT_SECURITY_ORIGINS,
  originPatternProblem,
  unattendedAptConf,
} from "../../src/core/unattendedAptConf.js";
import { unattendedHookScript, unattendedPaths } from "../../src/core/unattendedHook.js";
import { parseUnattendedJournal } from "../../src/core/unattendedJournal.js";
import { unattendedLines } from "../../src/core/unattendedLines.js";

const web = definitionSchema.parse({
  apiVersion: "hostroot/v1",
  name: "web",
  platform: "debian-12",
  service: { command: ["/usr/bin/python3", "-c", "print('it''s; $(rm -rf /)')"], env: { TOKEN: "a'b" } },
  health: { command: ["true"] },
});

/** `sh -n` on a script: syntax only, nothing runs. */
const syntaxOk = (script: string) => spawnSync("sh", ["-n"], { input: script }).status === 0;

describe("unattendedAptConf", () => {
  it("clears Debian's origin lists, takes only the given ones, and hooks dpkg without failing it", () => {
    const conf = unattendedAptConf("/var/lib/lxc/.hostroot/post-dpkg", DEFAULT_SECURITY_ORIGINS);
    expect(conf).toContain(
      "#clear Unattended-Upgrade::Allowed-Origins;\n#clear Unattended-Upgrade::Origins-Pattern;\n",
    );
    // biome-ignore lint/suspicious/noTemplateCurlyInString: unattended-upgrades' own placeholder
    expect(conf).toContain('  "origin=Debian,codename=${distro_codename}-security,label=Debian-Security";\n');
    expect(conf).toContain('Unattended-Upgrade::MinimalSteps "false";');
    expect(conf).toContain(
      'DPkg::Post-Invoke { "if [ -x /var/lib/lxc/.hostroot/post-dpkg ]; then /var/lib/lxc/.hostroot/post-dpkg; fi; true"; };',
    );
    // apt.conf's own parser reads it as meant (apt-config is on every Debian machine).
    const dir = mkdtempSync(join(tmpdir(), "hostroot-aptconf-"));
    writeFileSync(join(dir, "conf"), unattendedAptConf("/x/post-dpkg", ["o=hostroot-lab"]));
    const r = spawnSync(
      "apt-config",
      ["-c", join(dir, "conf"), "dump", "Unattended-Upgrade::Origins-Pattern"],
      {
        encoding: "utf8",
      },
    );
    rmSync(dir, { recursive: true, force: true });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Unattended-Upgrade::Origins-Pattern:: "o=hostroot-lab";');
  });

  it.each([
    ['o=x";', "a quote ends apt's string"],
    ["o=x;\nDPkg::Post-Invoke", "a newline starts a new setting"],
    ["o=a b", "a blank"],
    ["origin", "no value"],
    ["evil=1", "an unknown key"],
    ["o=$(id)", "a shell expansion"],
  ])("refuses the origin %j (%s)", (origin) => {
    expect(originPatternProblem(origin)).toBeDefined();
    expect(() => unattendedAptConf("/x/post-dpkg", [origin])).toThrow(/origin/);
  });

  it.each([
    "o=hostroot-lab",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: unattended-upgrades' own placeholder
    "origin=Debian,codename=${distro_codename}-security",
    "o=Ubuntu,a=noble-security",
  ])("takes the origin %j", (origin) => expect(originPatternProblem(origin)).toBeUndefined());
});

describe("unattendedHookScript", () => {
  const hook = unattendedHookScript({
    lxcPath: "/var/lib/lxc",
    definitions: [web],
    lockTimeoutSeconds: 30,
    stepTimeoutSeconds: 60,
  });

  it("is a valid sh script, outer and the locked restart part it runs", () => {
    expect(hook.startsWith("#!/bin/sh\n")).toBe(true);
    expect(syntaxOk(hook)).toBe(true);
    const quoted = /out=\$\(sh -c ('(?:[^']|'\\'')*') hostroot-unattended/.exec(hook)?.[1] ?? "";
    const inner = spawnSync("sh", ["-c", `printf '%s' ${quoted}`], { encoding: "utf8" }).stdout;
    expect(inner).toContain("flock");
    expect(syntaxOk(inner)).toBe(true);
  });

  it("restarts a stale container only when its state file carries the hash of a definition it knows", () => {
    const quoted = /out=\$\(sh -c ('(?:[^']|'\\'')*') hostroot-unattended/.exec(hook)?.[1] ?? "";
    const inner = spawnSync("sh", ["-c", `printf '%s' ${quoted}`], { encoding: "utf8" }).stdout;
    const known = /\nhostroot_known\(\) \{\n[\s\S]*?\n\}\n/.exec(inner)?.[0] ?? "missing";
    const ask = (name: string, hash: string) =>
      spawnSync("sh", ["-c", `${known}hostroot_known "$1" "$2"; echo "$? $has_health"`, "sh", name, hash], {
        encoding: "utf8",
      }).stdout;
    expect(ask("web", definitionHash(web))).toBe("0 yes\n");
    expect(ask("web", "0".repeat(64))).toBe("1 yes\n");
    expect(ask("other", definitionHash(web))).toBe("1 \n");
  });

  it("always exits 0 and lives under the lxcPath, which every container's delta hides", () => {
    expect(hook.trimEnd().endsWith("exit 0")).toBe(true);
    expect(unattendedPaths("/var/lib/lxc")).toMatchObject({
      hook: "/var/lib/lxc/.hostroot/post-dpkg",
      journal: "/var/lib/lxc/.hostroot/unattended.jsonl",
    });
  });

  it("does nothing inside a container, where the hook's dir is missing", () => {
    const r = spawnSync("sh", ["-c", hook.replaceAll("/var/lib/lxc/.hostroot", "/nonexistent/.hostroot")]);
    expect(r.status).toBe(0);
  });
});

describe("prepareSteps --unattended", () => {
  it("adds the three steps, files travelling as stdin data", () => {
    const steps = prepareSteps({
      lxcPath: "/var/lib/lxc",
      bridges: [],
      install: false,
      unattended: {
        hook: "H",
        hookPath: "/l/.hostroot/post-dpkg",
        aptConf: "A",
        aptConfPath: "/etc/apt/apt.conf.d/x",
        versionsPath: "/l/.hostroot/v",
      },
    });
    expect(steps.slice(-3).map((s) => [s.id, s.stdin])).toEqual([
      ["prepare.unattended-upgrades", undefined],
      ["prepare.unattended-hook", "H"],
      ["prepare.unattended-apt", "A"],
    ]);
    expect(
      parsePrepareReport("::hostroot-prepare prepare.unattended-hook changed wrote /x\n").get(
        "prepare.unattended-hook",
      ),
    ).toEqual({
      changed: true,
      what: "wrote /x",
    });
  });
});

describe("the last run in words", () => {
  it("says what was upgraded, restarted and healthy, left alone, and still stale with why", () => {
    const report = parseUnattendedJournal(
      JSON.stringify({
        v: 1,
        at: "2026-01-02T03:04:05Z",
        finishedAt: "2026-01-02T03:04:09Z",
        outcome: "attention",
        upgraded: [{ package: "demo-libfoo", before: "1.0", after: "1.1" }],
        containers: [
          { name: "hold", action: "restarted", healthy: true, sees: { "demo-libfoo": "1.1" } },
          { name: "web", action: "clean" },
          {
            name: "other",
            action: "left",
            stale: [{ pid: 7, command: "python3", file: "/usr/lib/libdemofoo.so.1" }],
            why: "maps replaced files; not restarted: its definition is not the one hosts prepare --unattended was given",
          },
        ],
      }),
    );
    expect(unattendedLines(report)).toEqual([
      "last unattended run 2026-01-02T03:04:05Z (4 s): NEEDS ATTENTION",
      "upgraded demo-libfoo 1.0 -> 1.1",
      "restarted hold (healthy, sees demo-libfoo 1.1)",
      "not restarted, mapping nothing replaced: web",
      "not restarted: other: maps replaced files; not restarted: its definition is not the one hosts prepare --unattended was given: python3 (pid 7) maps replaced /usr/lib/libdemofoo.so.1",
    ]);
    expect(unattendedLines({ kind: "none" })).toEqual([]);
    // /status shows the same sentences under their own heading, escaped as markdown.
    const md = renderHostResult({
      host: "h1",
      platform: "debian-12",
      outcome: "succeeded",
      steps: [],
      unattended: report,
    });
    expect(md).toContain(
      "**Unattended upgrades**\n\n- last unattended run 2026-01-02T03:04:05Z (4 s): NEEDS ATTENTION\n",
    );
    expect(md).toContain("- restarted hold (healthy, sees demo-libfoo 1.1)\n");
  });
});
