// The update flow: a tab running build A finds build B on the same origin and asks before
// reloading. Also checks the storage line in the footer.

import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startServer } from "../../server/server.js";
import { launchBrowser, newUser, openBoard, startTestServer, type TestServer } from "./harness.ts";

let browser: Browser;
let server: TestServer | undefined;
let nextBuild: string;

beforeAll(async () => {
  // Build B differs from the tested dist/ in one visible string, like any real release.
  nextBuild = mkdtempSync(join(tmpdir(), "peerboard-build-b-"));
  execFileSync("npx", ["vite", "build", "--outDir", nextBuild, "--emptyOutDir", "--logLevel", "error"], {
    env: { ...process.env, PEERBOARD_BUILD: "next" },
    stdio: "inherit",
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(nextBuild, { recursive: true, force: true });
});

it('a new build is announced with "A new version is available — Reload" and applied only on "Reload"', async () => {
  server = await startTestServer();
  const { port, url } = server;
  const page = await openBoard(await newUser(browser), url);
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  // A first visit is not controlled, so a new worker would simply take over; from the second
  // visit on, the running worker controls the tab and a new one has to wait for the user.
  await page.reload();
  await page.getByText(/^Peerboard 0\.1\.0$/).waitFor();
  await expect(page.evaluate(() => navigator.serviceWorker.controller !== null)).resolves.toBe(true);
  await page
    .getByLabel("Storage")
    .filter({ hasText: /^Storage used: \d/ })
    .waitFor();

  await server.close();
  server = await startServer({ port, host: "127.0.0.1", dist: nextBuild });
  await page.evaluate(() => {
    (window as unknown as { stillHere: boolean }).stillHere = true;
    document.dispatchEvent(new Event("visibilitychange"));
  });
  const prompt = page.getByRole("status", { name: "Update" });
  await prompt.filter({ hasText: "A new version is available — Reload" }).waitFor();
  // Never by surprise: the old page keeps running until the user chooses.
  await page.waitForTimeout(1_000);
  await expect(page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).resolves.toBe(true);

  await prompt.getByRole("button", { name: "Reload" }).click();
  await page.getByText("Peerboard 0.1.0+next").waitFor();
  await expect(page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).resolves.toBeUndefined();
});
