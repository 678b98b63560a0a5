// Lighthouse (12.2.3, pinned: 13 needs Node 22) against Debian's Chromium. Lighthouse drives
// Chromium over its DevTools port; Playwright attaches to the same browser over CDP, so a test
// can first put the app in the state to audit (a listing posted, 1,000 stored) and Lighthouse
// then audits that profile with its storage kept.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import lighthouse, { type Flags, type RunnerResult } from "lighthouse";
import { type Browser, chromium } from "playwright-core";
import { assertChromium } from "../e2e/harness.ts";
import { spawnWithDevTools } from "./devtools-chromium.ts";

export interface DebuggableChromium {
  /** The DevTools port Lighthouse talks to. */
  port: number;
  /** Playwright attached to the same browser; its first context is the profile Lighthouse audits. */
  browser: Browser;
  close(): Promise<void>;
}

/** Headless Chromium on a throwaway profile with a DevTools port (chosen by Chromium). */
export async function startDebuggableChromium(): Promise<DebuggableChromium> {
  assertChromium();
  const profile = mkdtempSync(join(tmpdir(), "peerboard-lighthouse-"));
  const { child, endpoint: listening } = spawnWithDevTools(profile);
  const endpoint = await listening;
  const port = Number(new URL(endpoint).port);
  const browser = await chromium.connectOverCDP(endpoint);
  return {
    port,
    browser,
    async close() {
      await browser.close().catch(() => undefined);
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      await removeProfile(profile);
    },
  };
}

/** Chromium's helper processes go on writing the profile for a moment after the browser exits. */
async function removeProfile(profile: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      rmSync(profile, { recursive: true, force: true });
      return;
    } catch (error) {
      if (attempt >= 40) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

export interface LighthouseRun {
  /** Category scores, 0–1, by category id ("accessibility", "performance"). */
  scores: Record<string, number>;
  /** Audits that did not pass, as "id: title", for a readable failure. */
  failing: string[];
  /** Numeric audit values Lighthouse reports (e.g. "cumulative-layout-shift"). */
  numeric: Record<string, number>;
  /** The main thread's long tasks as Lighthouse simulated them: start and duration (ms), script. */
  longTasks: { startTime: number; duration: number; url: string }[];
}

/**
 * One Lighthouse run with its mobile defaults (Moto G Power screen, simulated slow 4G and 4×
 * CPU). `keepStorage` audits the profile as it is (a returning user); otherwise Lighthouse
 * clears the origin's storage first (a first visit).
 */
export async function runLighthouse(
  chromiumPort: number,
  url: string,
  categories: string[],
  keepStorage: boolean,
): Promise<LighthouseRun> {
  const flags: Flags = {
    port: chromiumPort,
    output: "json",
    logLevel: "error",
    onlyCategories: categories,
    disableStorageReset: keepStorage,
  };
  const result: RunnerResult | undefined = await lighthouse(url, flags);
  if (!result) throw new Error(`Lighthouse returned no result for ${url}`);
  const { lhr } = result;
  if (lhr.runtimeError) throw new Error(`Lighthouse failed on ${url}: ${lhr.runtimeError.message}`);
  const scores: Record<string, number> = {};
  for (const [id, category] of Object.entries(lhr.categories)) scores[id] = category.score ?? 0;
  const failing: string[] = [];
  const numeric: Record<string, number> = {};
  for (const audit of Object.values(lhr.audits)) {
    if (typeof audit.numericValue === "number") numeric[audit.id] = audit.numericValue;
    const scored = audit.scoreDisplayMode === "binary" || audit.scoreDisplayMode === "numeric";
    if (scored && audit.score !== null && audit.score < 1) failing.push(`${audit.id}: ${audit.title}`);
  }
  const longTasks = ((lhr.audits["long-tasks"]?.details as { items?: unknown[] } | undefined)?.items ??
    []) as LighthouseRun["longTasks"];
  return { scores, failing, numeric, longTasks };
}
