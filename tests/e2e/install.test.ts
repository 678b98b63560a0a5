// Chromium offers to install the PWA (beforeinstallprompt): the app shows "Install Peerboard"
// then, and only then, and a click hands the offer back to the browser.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { axeViolations, launchPersistentUser, startTestServer, type TestServer } from "./harness.ts";
import { closeWhenTestEnds } from "./test-end.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

it("'Install Peerboard' appears when the browser offers installation, with no axe violations", async () => {
  // Removed when the test ends, after the context that uses it is closed (last registered, first closed).
  const profile = closeWhenTestEnds(mkdtempSync(join(tmpdir(), "peerboard-install-")), async (dir) =>
    rmSync(dir, { recursive: true, force: true }),
  );
  const context = await launchPersistentUser(profile);
  const page = await context.newPage();
  await page.goto(server.url);
  const install = page.getByRole("button", { name: "Install Peerboard" });
  await install.waitFor({ timeout: 20_000 });
  expect(await axeViolations(page)).toEqual([]);
  // The prompt belongs to the browser now (headless shows none); the offer is used up.
  await install.click();
  await expect.poll(() => install.isVisible()).toBe(false);
});
