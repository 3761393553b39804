import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseStateFile } from "../../src/core/stateFile.js";
import { adoptContainer } from "../../src/workflows/adoptContainer.js";
import { deploy } from "../../src/workflows/deploy.js";
import { definition } from "../core/locatedFixture.js";
import { ScratchHost } from "../security/scratchHost.js";

const ME = { id: "github:1001", name: "acme/web" };
const OTHER = { id: "github:2002", name: "acme/billing" };

/** The state file text a recorded script writes (the adopt step's stdin, base64 in the script). */
function writtenState(script: string): string {
  const chunks = /printf '%s' ((?:'?[A-Za-z0-9+/=]+'? ?)+) \| base64 -d/.exec(script)?.[1] ?? "";
  return Buffer.from(chunks.replace(/['\s]/g, ""), "base64").toString("utf8");
}

describe("adoptContainer", () => {
  let host: ScratchHost;
  beforeEach(() => {
    host = new ScratchHost();
  });
  afterEach(() => host.close());
  const adopt = (name: string) =>
    adoptContainer({ config: host.config, executor: host, host: "h1", name, owner: ME, holder: "test" });

  it("a state file without owner makes a plan error until the repository adopts the container", async () => {
    host.container("web", undefined);
    const before = await deploy({
      config: host.config,
      definitions: [{ file: "containers/web.yml", definition: definition({ name: "web" }) }],
      executor: host,
      commit: "c0ffee",
      holder: "test",
      owner: ME,
    });
    expect(before.plan.errors[0]?.message).toMatch(/no recorded owner.*hostroot adopt web --host h1/);
    expect(host.scripts).toEqual([]);
    const r = await adopt("web");
    expect(r.outcome).toBe("succeeded");
    expect(host.stepIds()).toEqual(["host.guard", "web.adopt"]);
    const state = parseStateFile(writtenState(host.scripts[0] ?? ""));
    expect(state).toMatchObject({ kind: "ok", state: { name: "web", commit: "c0ffee", owner: ME } });
  });

  it("refuses a container that has an owner, one hostroot did not create, and one that is not there", async () => {
    host.container("billing-api", OTHER);
    host.unmanaged("legacy-db");
    expect((await adopt("billing-api")).hosts[0]?.error).toMatch(/already belongs to acme\/billing/);
    expect((await adopt("legacy-db")).hosts[0]?.error).toMatch(/not created by hostroot/);
    expect((await adopt("nothing")).hosts[0]?.error).toMatch(/no hostroot container nothing on h1/);
    expect(host.scripts).toEqual([]);
  });
});
