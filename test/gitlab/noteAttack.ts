import { FakeExecutor, STATUS_EMPTY, upgradeAnswer } from "../github/commandHarness.js";
import { definition } from "../github/fixtures.js";
import { gitlabServer, PROJECT_CONFIG } from "./gitlabHarness.js";

/** The author of GitLab's example notes (`root`, user id 1), made a member at `level` (Owner by default). */
export const ROOT_USER = 1;

/**
 * A GitLab webhook server whose project holds a valid config and one definition, whose example
 * author is an Owner, and whose pool would run an upgrade: whatever reaches a host is recorded
 * in `executor.execs`. For attack tests: anything that ran shows there and in `fake.calls`.
 */
export async function attackedServer(level = 50, options: Parameters<typeof gitlabServer>[0] | object = {}) {
  const executor = new FakeExecutor((host) => upgradeAnswer("demo-libfoo", [`c-${host.name}`]));
  const s = await gitlabServer({ executor: () => executor, ...options });
  s.fake.files = { ".gitlab/hostroot.yml": PROJECT_CONFIG, "containers/web.yml": definition("web") };
  s.fake.members.set(ROOT_USER, { access_level: level });
  return { ...s, executor, STATUS_EMPTY };
}
