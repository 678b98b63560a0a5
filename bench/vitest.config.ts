import { defineConfig } from "vitest/config";

// Benchmarks run as plain Vitest files, one at a time, and print their figures.
export default defineConfig({
  test: {
    include: ["bench/**/*.bench.ts"],
    environment: "node",
    testTimeout: 600_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
