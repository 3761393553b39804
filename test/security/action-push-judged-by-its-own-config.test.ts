import nock from "nock";
import { describe, expect, it } from "vitest";
import {
  closedPorts,
  deployKey,
  examplePayload,
  loopbackPool,
  runnerEnv,
  type Workspace,
} from "../action/actionHarness.js";
import { runInProcess } from "../action/inProcessRun.js";
import { useNockedWorkspace } from "../action/nockedWorkspace.js";
import { ACTION_REPO, API, actionPermission, commitBefore, withCommands } from "./actionHelpers.js";

// Attack: in the Action, a push to the default branch was judged by the config it brings. The
// policy says only admins deploy; a maintainer pushes a config saying maintainers may, and the
// same push deploys. Now the Action reads the policy at the push's `before` commit (from the
// clone, or through the API when the clone is shallow) as the App does, and the pusher must pass
// the stricter rule of the two.
const CFG = ".github/hostroot.yml";
const push = (before: string) => ({
  ...examplePayload("push", (p) => p.ref === "refs/heads/master"),
  before,
});

let ws: Workspace;
useNockedWorkspace((w) => {
  ws = w;
});

describe("a push that lowers the deploy rule in the Action", () => {
  it("is judged by the policy before it, read from the clone: the maintainer is denied", async () => {
    const pool = loopbackPool(ws.read(CFG), await closedPorts(3));
    ws.write(CFG, withCommands(pool, "    deploy: { permission: admin }\n"));
    const before = commitBefore(ws);
    ws.write(CFG, withCommands(pool, "    deploy: { permission: maintain }\n"));
    actionPermission("maintain");
    const runner = runnerEnv(ws, "push", push(before), {
      "github-token": "ghs_test",
      "ssh-key": deployKey(),
    });
    const { outcome } = await runInProcess(runner);
    expect(outcome.outcome).toBe("denied");
    expect(outcome.message).toMatch(/not deployed: @Codertocat: Deploying on merge needs admin permission/);
    expect(outcome.result).toBeUndefined();
  });

  it("reads the policy before it through the API when the clone does not hold that commit", async () => {
    const pool = loopbackPool(ws.read(CFG), await closedPorts(3));
    const admins = withCommands(pool, "    deploy: { permission: admin }\n");
    ws.write(CFG, withCommands(pool, "    deploy: { permission: maintain }\n"));
    const before = "c".repeat(40);
    const asked: string[] = [];
    nock(API)
      .get(/\/contents\//)
      .query(true)
      .reply((uri) => {
        asked.push(decodeURIComponent(uri));
        return [200, { type: "file", encoding: "base64", content: Buffer.from(admins).toString("base64") }];
      });
    actionPermission("maintain");
    const runner = runnerEnv(ws, "push", push(before), {
      "github-token": "ghs_test",
      "ssh-key": deployKey(),
    });
    const { outcome } = await runInProcess(runner);
    expect(asked).toEqual([`${ACTION_REPO}/contents/${CFG}?ref=${before}`]);
    expect(outcome.outcome).toBe("denied");
    expect(outcome.message).toMatch(/needs admin permission/);
  });
});
