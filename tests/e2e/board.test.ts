// Two users in two browser contexts, real server, real WebRTC, real IndexedDB.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  listingArticle,
  listingHeading,
  networkStatus,
  newUser,
  openBoard,
  peerIdOf,
  post,
  shownPeerId,
  startTestServer,
  type TestServer,
  useServerAndBrowser,
} from "./harness.ts";

const env = useServerAndBrowser();

describe("two users on one server", () => {
  it("a listing posted in one browser appears in the other, in both directions, without typing anything", async () => {
    const alice = await openBoard(await newUser(env.browser), env.server.url);
    const bob = await openBoard(await newUser(env.browser), env.server.url);
    const aliceId = await peerIdOf(alice);
    const bobId = await peerIdOf(bob);
    expect(aliceId).toMatch(/^pb-[a-z2-7]{26}$/);
    expect(bobId).toMatch(/^pb-[a-z2-7]{26}$/);
    expect(aliceId).not.toBe(bobId);

    await post(alice, { title: "Blue bicycle", description: "Good tyres, small dent", price: "40" });
    await listingHeading(bob, "Blue bicycle").waitFor();
    const article = listingArticle(bob, "Blue bicycle");
    await expect(article.textContent()).resolves.toContain("Good tyres, small dent");
    await expect(article.textContent()).resolves.toContain(`Posted by ${aliceId.slice(0, 9)}…`);

    await post(bob, { title: "Wooden chair", price: "12.50" });
    await listingHeading(alice, "Wooden chair").waitFor();
    await expect(networkStatus(alice).textContent()).resolves.toContain("1 peer connected");
  });

  it("a listing posted before the other user arrives is sent on connect", async () => {
    const alice = await openBoard(await newUser(env.browser), env.server.url);
    await post(alice, { title: "Garden hose, 20 m", price: "8" });
    const bob = await openBoard(await newUser(env.browser), env.server.url);
    await listingHeading(bob, "Garden hose, 20 m").waitFor();
  });

  it("reloading loses nothing: own and received listings come back from IndexedDB", async () => {
    const aliceContext = await newUser(env.browser);
    const alice = await openBoard(aliceContext, env.server.url);
    const bobContext = await newUser(env.browser);
    const bob = await openBoard(bobContext, env.server.url);
    await post(alice, { title: "Alice's lamp", price: "5" });
    await post(bob, { title: "Bob's kettle", price: "7" });
    await listingHeading(alice, "Bob's kettle").waitFor();
    const aliceId = await peerIdOf(alice);

    // Bob leaves, so what Alice shows after the reload can only come from her own store.
    await bobContext.close();
    await alice.reload();
    await shownPeerId(alice, aliceId).waitFor();
    await listingHeading(alice, "Alice's lamp").waitFor();
    await listingHeading(alice, "Bob's kettle").waitFor();
  });
});

describe("without discovery", () => {
  let quietServer: TestServer;
  beforeAll(async () => {
    quietServer = await startTestServer({ allowDiscovery: false });
  });
  afterAll(async () => {
    await quietServer?.close();
  });

  it('peers meet only when one pastes the other\'s id into "Connect to peer"', async () => {
    const alice = await openBoard(await newUser(env.browser), quietServer.url);
    const bob = await openBoard(await newUser(env.browser), quietServer.url);
    await post(alice, { title: "Sewing machine", price: "30" });
    await networkStatus(bob).filter({ hasText: "Online" }).waitFor();
    // Nothing introduces them: after a few dial rounds Bob still has not seen the listing.
    await bob.waitForTimeout(4_000);
    await expect(listingHeading(bob, "Sewing machine").count()).resolves.toBe(0);

    await bob.getByLabel("Connect to peer").fill("not-a-peer-id");
    await bob.getByRole("button", { name: "Connect" }).click();
    await bob.getByText("is not a Peerboard peer id").waitFor();

    await bob.getByLabel("Connect to peer").fill(await peerIdOf(alice));
    await bob.getByRole("button", { name: "Connect" }).click();
    await listingHeading(bob, "Sewing machine").waitFor();
    await post(bob, { title: "Thread, 12 colours", price: "4" });
    await listingHeading(alice, "Thread, 12 colours").waitFor();
  });
});
