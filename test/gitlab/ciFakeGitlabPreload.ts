// Preloaded into a CI job's processes (NODE_OPTIONS=--import): GitLab's API answered by the
// in-memory FakeGitlab behind nock, its state read from and written back to the JSON file
// HOSTROOT_TEST_GITLAB_STATE, every request appended to it, so the test sees the calls of each job.
import { readFileSync, writeFileSync } from "node:fs";
import nock from "nock";
import { FakeGitlab } from "./fakeGitlab.js";

const file = process.env.HOSTROOT_TEST_GITLAB_STATE as string;
const state = JSON.parse(readFileSync(file, "utf8"));
nock.disableNetConnect();
const fake = new FakeGitlab();
fake.members = new Map(state.members);
fake.commitMergeRequests = new Map(state.commitMergeRequests);
for (const [key, notes] of state.notes) fake.notes.set(key, notes);
process.on("exit", () => {
  writeFileSync(
    file,
    JSON.stringify({
      ...state,
      calls: [...state.calls, ...fake.calls],
      unknown: [...state.unknown, ...fake.unknown],
      notes: [...fake.notes],
      awards: [...state.awards, ...fake.awards],
    }),
  );
});
