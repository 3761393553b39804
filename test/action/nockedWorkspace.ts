import nock from "nock";
import { afterEach, beforeEach } from "vitest";
import { makeWorkspace, type Workspace } from "./actionHarness.js";

/**
 * Gives each test of the file a fresh workspace (handed to `use`) with GitHub's API mocked by nock
 * and only loopback reachable, and removes both after it.
 */
export function useNockedWorkspace(use: (ws: Workspace) => void): void {
  let ws: Workspace | undefined;
  beforeEach(() => {
    nock.cleanAll();
    nock.disableNetConnect();
    nock.enableNetConnect("127.0.0.1");
    ws = makeWorkspace();
    use(ws);
  });
  afterEach(() => {
    ws?.cleanup();
    nock.cleanAll();
    nock.enableNetConnect();
  });
}
