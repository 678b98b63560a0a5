import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          environment: "node",
          include: ["tests/unit/**/*.test.ts", "tests/contract/**/*.test.ts", "tests/sim/**/*.test.ts"],
          // Files run in parallel on 2 cores: a test whose own waits allow 5 s must not be cut
          // off at 5 s in all because building its peers was starved of CPU.
          testTimeout: 15_000,
        },
      },
      {
        test: {
          name: "dom",
          environment: "happy-dom",
          include: ["tests/dom/**/*.test.ts"],
        },
      },
      {
        test: {
          name: "server",
          environment: "node",
          include: ["tests/server/**/*.test.ts"],
        },
      },
      {
        test: {
          name: "e2e",
          environment: "node",
          include: ["tests/e2e/**/*.test.ts"],
          globalSetup: ["tests/e2e/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Browsers are heavy on a 2-core machine: one e2e file at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
