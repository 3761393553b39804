import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CommandAppOptions } from "../../src/adapters/github/commandOptions.js";
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
import {
  commandProbot,
  expectWrite,
  mockPermission,
  mockToken,
  mockTree,
  pushPayload,
  REPO,
  serverConfigOf,
} from "../github/commandHarness.js";
import { github, resetGithub } from "../github/fakeGithub.js";
import { APP_CONFIG, definition, serverConfig } from "../github/fixtures.js";
import { actionPermission, commitBefore, withCommands } from "./actionHelpers.js";

// Attack: a writer (write permission, not maintain) pushes a config that does not parse, or
// deletes it; that push deploys nothing. Then they push a config that grants `deploy` to write.
// The second push used to be judged by its own config (the "before" one being unusable) and
// deployed. Now a missing or invalid "before" policy counts as the built-in defaults (deploy
// needs maintain), and the push is judged by the stricter of before and after.
const CFG = ".github/hostroot.yml";
const BROKEN = "apiVersion: hostroot/v1\npolicy: { comands: {} }\n";

describe("in the Action", () => {
  let ws: Workspace;
  useNockedWorkspace((w) => {
    ws = w;
  });

  it.each([
    ["an invalid config", (w: Workspace) => w.write(CFG, BROKEN)],
    ["no config at all", (w: Workspace) => w.write(CFG, "")],
  ])(
    "after %s, a push granting deploy to write is judged by the defaults: denied",
    async (_what, breakIt) => {
      const good = loopbackPool(ws.read(CFG), await closedPorts(3));
      breakIt(ws);
      const before = commitBefore(ws);
      ws.write(CFG, withCommands(good, "    deploy: { permission: write }\n"));
      actionPermission("write");
      const push = { ...examplePayload("push", (p) => p.ref === "refs/heads/master"), before };
      const runner = runnerEnv(ws, "push", push, { "github-token": "ghs_test", "ssh-key": deployKey() });
      const { outcome } = await runInProcess(runner);
      expect(outcome.outcome).toBe("denied");
      expect(outcome.message).toMatch(
        /not deployed: @Codertocat: Deploying on merge needs maintain permission/,
      );
      expect(outcome.result).toBeUndefined();
    },
  );
});

describe("in the App", () => {
  // The operator lets writers deploy in pool `web`; a repository's own config may narrow that,
  // and a broken config must not undo the built-in floor either.
  const server = serverConfigOf(
    serverConfig(undefined, undefined, "      commands: { deploy: { permission: write } }\n"),
  );
  const AFTER = "a".repeat(40);
  const BEFORE = "b".repeat(40);
  beforeEach(resetGithub);
  afterEach(() => expect(nock.pendingMocks()).toEqual([]));

  it.each([
    ["an invalid config", { [CFG]: BROKEN }],
    ["no config at all", {}],
  ])("after %s, a writer's push is judged by the built-in defaults: denied", async (_what, before) => {
    let made = 0;
    const executor: CommandAppOptions["executor"] = () => {
      made += 1;
      throw new Error("no executor");
    };
    const { probot, operations, audits } = await commandProbot({ executor, server });
    mockToken();
    mockTree(AFTER, { [CFG]: APP_CONFIG, "containers/web.yml": definition("web") }, [CFG]);
    mockTree(BEFORE, before, CFG in before ? [CFG] : []);
    mockPermission("Codertocat", "write");
    github()
      .get(`${REPO}/commits/${AFTER}/pulls`)
      .reply(200, [{ number: 7, merged_at: "2024-01-01T00:00:00Z", merge_commit_sha: AFTER }]);
    const comments = expectWrite("POST", `${REPO}/issues/7/comments`, { id: 9 });
    await probot.receive({
      id: "2",
      name: "push",
      payload: pushPayload("refs/heads/master", BEFORE, AFTER),
    } as never);
    await operations.idle();
    expect(comments[0]?.body).toMatch(
      /did not deploy `aaaaaaa` \(pushed by @Codertocat\): Deploying on merge needs maintain/,
    );
    expect(made).toBe(0);
    expect(audits()).toMatchObject([{ outcome: "denied", permission: "write" }]);
  });
});
