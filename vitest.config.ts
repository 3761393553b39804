import { defineConfig } from "vitest/config";

// Two projects: pure/unit tests run in parallel (two cores: two forks at most); lab tests share
// one real pool of namespace hosts per machine, so they run one file at a time, after the unit tests
// (scripts/test.sh runs the projects in turn). The security suite (test/security/, one file per
// attack) splits the same way: attacks played on a real lab pool are named `*.lab.test.ts`.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/**/*.test.ts"],
          exclude: ["test/lab/**", "test/**/*.lab.test.ts"],
          setupFiles: ["test/setup/fastCheckSeed.ts"],
          pool: "forks",
          poolOptions: { forks: { maxForks: 2, minForks: 1 } },
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: "lab",
          include: ["test/lab/**/*.test.ts", "test/**/*.lab.test.ts"],
          pool: "forks",
          fileParallelism: false,
          poolOptions: { forks: { singleFork: true } },
          testTimeout: 180_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
