// Installable and offline: the real server, real service worker, real IndexedDB and WebRTC.
// One browser; every user is a context of it with its own service worker and storage.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer } from "../../server/server.js";
import {
  dealCard,
  goTo,
  launchBrowser,
  launchPersistentUser,
  listingArticle,
  listingHeading,
  networkStatus,
  newUser,
  openBoard,
  post,
  shownPeerId,
  startTestServer,
} from "./harness.ts";
import { closeWhenTestEnds } from "./test-end.ts";

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

/** Waits until the service worker is active, i.e. the app shell is precached. */
async function shellCached(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
}

describe("installable PWA", () => {
  it("the manifest and service worker pass Chromium's installability check", async () => {
    const server = await startTestServer();
    const profile = closeWhenTestEnds(mkdtempSync(join(tmpdir(), "peerboard-profile-")), async (dir) =>
      rmSync(dir, { recursive: true, force: true }),
    );
    const context = await launchPersistentUser(profile);
    const page = await openBoard(context, server.url);
    await shellCached(page);
    // Installability is judged for a page the worker controls: load it once more.
    await page.reload();
    await shownPeerId(page).waitFor();
    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = (await cdp.send("Page.getInstallabilityErrors")) as {
      installabilityErrors: { errorId: string }[];
    };
    expect(installabilityErrors).toEqual([]);
    const manifest = await (await page.request.get(new URL("/manifest.webmanifest", server.url).href)).json();
    expect(manifest).toMatchObject({ name: "Peerboard", display: "standalone", start_url: "/" });
    const sw = await page.request.get(new URL("/sw.js", server.url).href);
    expect(sw.headers()["cache-control"]).toBe("no-cache");
  });
});

describe("offline", () => {
  it("reload without the server shows cached listings, deals and chats; what is written offline reaches peers later", async () => {
    const server = await startTestServer();
    const { port, url } = server;
    const aliceContext = await newUser(browser);
    const alice = await openBoard(aliceContext, url);
    await shellCached(alice);
    const bobContext = await newUser(browser);
    const bob = await openBoard(bobContext, url);
    await post(bob, { title: "Bob's kettle", price: "7" });
    await post(alice, { title: "Alice's lamp", price: "5" });
    await listingHeading(alice, "Bob's kettle").waitFor();
    // A deal and a chat, so there is more than listings to read offline.
    await listingHeading(bob, "Alice's lamp").waitFor();
    await listingArticle(bob, "Alice's lamp").getByRole("button", { name: "Make an offer" }).click();
    await bob.getByLabel("Amount").fill("4");
    await bob.getByLabel("Message", { exact: true }).fill("Would 4 do?");
    await bob.getByRole("button", { name: "Send offer" }).click();
    await dealCard(bob, "Alice's lamp").getByRole("link", { name: "Messages about this deal" }).click();
    await bob.getByLabel("Message", { exact: true }).fill("Is it the blue one?");
    await bob.getByRole("button", { name: "Send", exact: true }).click();
    await bob
      .getByRole("listitem")
      .filter({ hasText: "Is it the blue one?" })
      .filter({ hasText: "Delivered" })
      .waitFor();
    // Bob's browser closes; his profile (and IndexedDB) stays for later.
    await bob.close();

    await server.close();
    await alice.reload();
    await listingHeading(alice, "Alice's lamp").waitFor();
    await listingHeading(alice, "Bob's kettle").waitFor();
    // The radio tries the server, fails, and says so (first "none", then "connecting", then this).
    await networkStatus(alice)
      .filter({ hasText: /^Offline: the signaling server is unreachable\. Retrying; .* sent later\.$/ })
      .waitFor();
    // The service worker never answers signaling or discovery from its cache.
    const discovery = await alice.evaluate(() =>
      fetch("/peerjs/peerjs/peers").then(
        (response) => `answered ${response.status}`,
        () => "network error",
      ),
    );
    expect(discovery).toBe("network error");

    // The deal and the conversation read from IndexedDB too, and a reply can be written.
    await goTo(alice, "Deals");
    await dealCard(alice, "Alice's lamp").getByText("Would 4 do?").waitFor();
    await dealCard(alice, "Alice's lamp").getByRole("link", { name: "Messages about this deal" }).click();
    await alice.getByText("Is it the blue one?").waitFor();
    await alice.getByLabel("Message", { exact: true }).fill("Yes, the blue one.");
    await alice.getByRole("button", { name: "Send", exact: true }).click();
    const reply = alice.getByRole("listitem").filter({ hasText: "Yes, the blue one." });
    await reply.filter({ hasText: "Sent" }).waitFor();
    await alice.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Board" }).click();

    // Stored at once, shown at once, with nobody to send it to.
    await post(alice, { title: "Written offline", price: "3" });
    await alice.reload();
    await listingHeading(alice, "Written offline").waitFor();

    // Same port, so the same origin: Alice's radio re-registers and a newcomer gets the listing.
    closeWhenTestEnds(await startServer({ port, host: "127.0.0.1" }), (again) => again.close());
    await networkStatus(alice)
      .filter({ hasText: /^Online/ })
      .waitFor({ timeout: 45_000 });
    const carol = await openBoard(await newUser(browser), url);
    await listingHeading(carol, "Written offline").waitFor();
    await listingHeading(carol, "Alice's lamp").waitFor();
    // Bob comes back: the reply Alice wrote offline reaches him.
    const bobAgain = await openBoard(bobContext, url);
    await goTo(bobAgain, "Messages");
    await bobAgain.getByRole("link", { name: /Deal on “Alice's lamp”/ }).click();
    await bobAgain.getByText("Yes, the blue one.").waitFor({ timeout: 45_000 });
  });
});
