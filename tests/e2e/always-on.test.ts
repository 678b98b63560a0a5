// The always-on peer (`npm run peer`) keeps a community's board while its people are offline:
// real server, real Chromium, and the real peer process over real WebRTC (node-datachannel).

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { expect, it } from "vitest";
import { goTo, listingHeading, newUser, openBoard, peerIdOf, post, useServerAndBrowser } from "./harness.ts";
import { heldReceipts, startPeerProcess, storedCounts } from "./peer-process.ts";

const env = useServerAndBrowser();
/** The peer process on the file's server (peer-process.ts kills it when the test ends). */
const startPeer = (data: string) => startPeerProcess(env.server.url, data);

const storeFile = (data: string) => join(data, "peer.sqlite");

it("Bob sees Alice's listing while only the always-on peer is online", async () => {
  const data = mkdtempSync(join(tmpdir(), "peerboard-peer-"));
  const peer = startPeer(data);
  await peer.line(/signaling online/);

  const alice = await newUser(env.browser);
  const alicePage = await openBoard(alice, env.server.url);
  await post(alicePage, { title: "Teak garden bench", price: "120" });
  await peer.line(/connected pb-/);
  await expect.poll(() => storedCounts(storeFile(data)).listings, { timeout: 20_000 }).toBe(1);
  await alice.close();
  await peer.line(/disconnected pb-/);

  const bob = await newUser(env.browser);
  const bobPage = await openBoard(bob, env.server.url);
  await listingHeading(bobPage, "Teak garden bench").waitFor({ timeout: 20_000 });
});

for (const signal of ["SIGTERM", "SIGKILL"] as const) {
  it(`after a ${signal} and a restart, a newcomer still gets every listing`, async () => {
    const data = mkdtempSync(join(tmpdir(), "peerboard-peer-"));
    let peer = startPeer(data);
    await peer.line(/signaling online/);
    const id = await peer.peerId();

    const alice = await newUser(env.browser);
    const alicePage = await openBoard(alice, env.server.url);
    const titles = ["Blue armchair", "Sewing machine", "Bread maker"];
    for (const title of titles) await post(alicePage, { title, price: "15" });
    await expect.poll(() => storedCounts(storeFile(data)).listings, { timeout: 20_000 }).toBe(titles.length);
    await alice.close();

    const stopped = await peer.stop(signal);
    if (signal === "SIGTERM") {
      expect(stopped.code).toBe(0);
      expect(stopped.ms).toBeLessThan(5_000);
      expect(peer.lines.some((l) => l.includes("stopped"))).toBe(true);
    }
    peer = startPeer(data);
    // Same identity: it is the same peer, back.
    expect(await peer.peerId()).toBe(id);
    await peer.line(/signaling online/);

    const carol = await newUser(env.browser);
    const carolPage = await openBoard(carol, env.server.url);
    for (const title of titles) await listingHeading(carolPage, title).waitFor({ timeout: 20_000 });
  });
}

it("Bob writes to Alice while she is away; she reads it later, and her read receipt reaches Bob, all through the peer", async () => {
  const data = mkdtempSync(join(tmpdir(), "peerboard-peer-"));
  const peer = startPeer(data);
  await peer.line(/signaling online/);
  const gone = (id: string) => peer.line(new RegExp(`disconnected ${id}`));

  const aliceContext = await newUser(env.browser);
  let alice = await openBoard(aliceContext, env.server.url);
  const aliceId = await peerIdOf(alice);
  await post(alice, { title: "Oak wardrobe", price: "60" });
  // The peer has her listing and her signed profile (her ECDH card: how Bob can seal to her).
  await expect
    .poll(() => storedCounts(storeFile(data)), { timeout: 20_000 })
    .toMatchObject({ listings: 1, profiles: 2 });
  await alice.close();
  await gone(aliceId);

  const bobContext = await newUser(env.browser);
  let bob = await openBoard(bobContext, env.server.url);
  const bobId = await peerIdOf(bob);
  await listingHeading(bob, "Oak wardrobe").getByRole("link").click();
  await bob.getByRole("link", { name: "Message the seller" }).click();
  await bob.getByLabel("Message", { exact: true }).fill("Does the wardrobe come apart?");
  await bob.getByRole("button", { name: "Send", exact: true }).click();
  const line = (page: Page) => page.getByRole("listitem").filter({ hasText: "Does the wardrobe come apart?" });
  // The peer confirmed it keeps the sealed message for Alice: Bob's conversation says so.
  await line(bob).filter({ hasText: "Held for them by Community peer" }).waitFor({ timeout: 20_000 });
  const conversation = bob.url();
  await bob.close();
  await gone(bobId);

  alice = await aliceContext.newPage();
  await alice.goto(env.server.url);
  await goTo(alice, "Messages");
  const conversations = alice.getByRole("list", { name: "Conversations" });
  await conversations.getByText("Does the wardrobe come apart?").waitFor({ timeout: 20_000 });
  await conversations.getByRole("link").first().click();
  await alice.getByRole("form", { name: "Write a message" }).waitFor();
  await line(alice).waitFor();
  // Her receipts wait in the peer's store for Bob, their status sealed to him. How many are held
  // at this moment depends on timing ("read" may go out before or after "delivered" settles);
  // that the read one reaches Bob is checked below, end to end.
  const sealed = () => heldReceipts(storeFile(data)).filter((status) => status === "sealed").length;
  await expect.poll(sealed, { timeout: 20_000 }).toBeGreaterThanOrEqual(1);
  expect(heldReceipts(storeFile(data)).every((status) => status === "sealed")).toBe(true);
  await alice.close();
  await gone(aliceId);

  bob = await bobContext.newPage();
  await bob.goto(conversation);
  await line(bob).filter({ hasText: "Read" }).waitFor({ timeout: 20_000 });
});

it("with --demo 300 a newcomer sees a lively board: '300 listings', sample sellers' names and photos that decode", async () => {
  const data = mkdtempSync(join(tmpdir(), "peerboard-peer-"));
  const peer = startPeerProcess(env.server.url, data, ["--demo", "300"]);
  await peer.line(/demo board: 300 sample listings from 3 sample sellers/);
  await peer.line(/signaling online/);
  const newcomer = await newUser(env.browser);
  const page = await openBoard(newcomer, env.server.url);
  await page.getByText("300 listings", { exact: true }).waitFor({ timeout: 30_000 });
  await page
    .getByRole("article")
    .filter({ hasText: / from / })
    .first()
    .waitFor();
  // A generated WebP came over IMAGE_CHUNK, matched its signed hash and decoded in Chromium.
  await expect
    .poll(
      () =>
        page.evaluate(() =>
          [...document.querySelectorAll("article img")].some((img) => (img as HTMLImageElement).naturalWidth > 0),
        ),
      { timeout: 30_000 },
    )
    .toBe(true);
});
