// Kill the browser (SIGKILL, no shutdown) while it syncs, start it again on the same profile:
// IndexedDB holds only whole, valid records, and nothing of the user's own is lost.

import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, expect, it } from "vitest";
import { verifyListing } from "../../src/core/listings/records.ts";
import { spawnWithDevTools } from "../support/devtools-chromium.ts";
import { listingHeading, newUser, openBoard, peerIdOf, post, useServerAndBrowser } from "./harness.ts";
import { closeWhenTestEnds } from "./test-end.ts";

const env = useServerAndBrowser();
const profile = mkdtempSync(join(tmpdir(), "peerboard-crash-"));
afterAll(() => rmSync(profile, { recursive: true, force: true }));

/**
 * Chromium on a persistent profile, driven over CDP, so the test can SIGKILL the process; killed
 * when the test ends, even when it fails midway.
 */
async function startChromium(): Promise<{ process: ChildProcess; browser: Browser }> {
  const { child, endpoint } = closeWhenTestEnds(spawnWithDevTools(profile), (spawned) => kill(spawned.child));
  return { process: child, browser: await chromium.connectOverCDP(await endpoint) };
}

async function kill(process: ChildProcess): Promise<void> {
  if (process.exitCode !== null || process.signalCode !== null) return;
  const exited = new Promise((resolve) => process.once("exit", resolve));
  process.kill("SIGKILL");
  await exited;
}

async function storedListings(page: Page): Promise<unknown[]> {
  return page.evaluate(
    () =>
      new Promise<unknown[]>((resolve, reject) => {
        const open = indexedDB.open("peerboard");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const all = open.result.transaction("listings").objectStore("listings").getAll();
          all.onsuccess = () => resolve(all.result);
          all.onerror = () => reject(all.error);
        };
      }),
  );
}

it("a browser killed mid-sync reopens with only whole, valid records and all of its own", async () => {
  const aliceContext = await newUser(env.browser);
  let alice = await openBoard(aliceContext, env.server.url);
  const count = 200;
  for (let i = 0; i < count; i++) await post(alice, { title: `Item ${i} from Alice`, price: String(i + 1) });

  let bob = await startChromium();
  let page = await openBoard(bob.browser.contexts()[0] ?? (await bob.browser.newContext()), env.server.url);
  const bobId = await peerIdOf(page);
  await post(page, { title: "Bob's own bicycle", price: "80" });
  // Alice's listings start arriving: kill the whole browser now, without any shutdown.
  await page.getByRole("article").filter({ hasText: "from Alice" }).first().waitFor();
  await kill(bob.process);
  // Alice goes offline too (her data stays in her profile), so what Bob has after the restart
  // is exactly what survived the kill.
  await alice.close();

  bob = await startChromium();
  page = await openBoard(bob.browser.contexts()[0] ?? (await bob.browser.newContext()), env.server.url);
  expect(await peerIdOf(page)).toBe(bobId);
  await listingHeading(page, "Bob's own bicycle").waitFor();
  const stored = await storedListings(page);
  console.log(`Killed mid-sync: ${stored.length - 1} of Alice's ${count} listings were stored at the kill.`);
  for (const record of stored) expect((await verifyListing(record, Date.now())).ok).toBe(true);
  // Alice comes back: sync resumes and everything arrives (checked in the store: the board
  // shows only the newest page of listings).
  alice = await openBoard(aliceContext, env.server.url);
  await listingHeading(page, `Item ${count - 1} from Alice`).waitFor({ timeout: 30_000 });
  const deadline = Date.now() + 30_000;
  while ((await storedListings(page)).length < count + 1 && Date.now() < deadline) await page.waitForTimeout(250);
  expect((await storedListings(page)).length).toBe(count + 1);
}, 180_000);
