import { defineConfig } from "vitest/config";

// Two cores on CI: keep parallelism modest. Lab tests (test/lab) share one real pool and run alone.
export default defineConfig({
  test: {
    pool: "forks",
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    include: ["test/**/*.test.ts"],
    testTimeout: 20_000,
  },
});
