// Before any e2e test: Chromium must exist (fail loudly, never skip) and the app must be built.
import { existsSync } from "node:fs";
import { DEFAULT_DIST } from "../../server/server.js";
import { assertChromium } from "./harness.ts";

export default function setup(): void {
  assertChromium();
  if (!existsSync(`${DEFAULT_DIST}/index.html`)) {
    throw new Error(`No built app in ${DEFAULT_DIST}: run "vite build" first (npm test does).`);
  }
}
