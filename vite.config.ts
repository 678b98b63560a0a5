import { defineConfig } from "vite";

export default defineConfig({
  // The hub is an ES module SharedWorker; iife workers cannot code-split (DESIGN.md §7).
  worker: { format: "es" },
  build: { target: "es2022", sourcemap: true },
});
