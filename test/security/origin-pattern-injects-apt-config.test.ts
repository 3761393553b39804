import { describe, expect, it } from "vitest";
import { main } from "../../src/adapters/cli/main.js";
import { unattendedAptConf } from "../../src/core/unattendedAptConf.js";

// Attack: `--origin` lands inside a quoted string of an apt.conf file that apt reads as root on
// every run. A pattern that closes the string can add settings of its own, e.g. a second
// DPkg::Post-Invoke that runs a command after every dpkg run. It is refused before anything is
// rendered or any host is contacted (exit 2), and the renderer refuses it too.
const INJECTION = 'o=x"; }; DPkg::Post-Invoke { "touch /tmp/pwned';

describe("an --origin pattern cannot add apt settings", () => {
  it("the CLI refuses it with a usage error naming --origin, contacting no host", async () => {
    let stderr = "";
    const code = await main(
      [
        "node",
        "hostroot",
        "hosts",
        "prepare",
        "--unattended",
        "--origin",
        INJECTION,
        "--dry-run",
        "-c",
        "examples/hostroot.yml",
      ],
      {
        stdout: () => {},
        stderr: (t) => {
          stderr += t;
        },
        env: {},
        cwd: process.cwd(),
      },
    );
    expect(code).toBe(2);
    expect(stderr).toMatch(/^hostroot: --origin "o=x\\"; }; DPkg::Post-Invoke.*: not KEY=VALUE/);
  });

  it.each([INJECTION, 'o=x\nDPkg::Post-Invoke { "id"; };', "o=x;c=main"])(
    "the renderer refuses %j",
    (origin) => {
      expect(() => unattendedAptConf("/var/lib/lxc/.hostroot/post-dpkg", [origin])).toThrow(/origin/);
    },
  );
});
