// One user with several tabs: one hub (SharedWorker), one identity, one radio (Web Lock).

import type { Page } from "playwright-core";
import { expect, it } from "vitest";
import {
  isRadio,
  listingArrives,
  listingArticle,
  listingHeading,
  networkStatus,
  newUser,
  openBoard,
  peerIdOf,
  post,
  useServerAndBrowser,
} from "./harness.ts";

const env = useServerAndBrowser();

async function waitForRadio(pages: Page[]): Promise<Page> {
  for (let i = 0; i < 100; i++) {
    for (const page of pages) if (await isRadio(page)) return page;
    await pages[0]?.waitForTimeout(100);
  }
  throw new Error("no tab took the radio");
}

it("two tabs show the same peer id and the same listings, live", async () => {
  const context = await newUser(env.browser);
  const first = await openBoard(context, env.server.url);
  const second = await openBoard(context, env.server.url);
  expect(await peerIdOf(second)).toBe(await peerIdOf(first));

  await post(first, { title: "Posted in tab one", price: "1" });
  await listingHeading(second, "Posted in tab one").waitFor();
  await post(second, { title: "Posted in tab two", price: "2" });
  await listingHeading(first, "Posted in tab two").waitFor();

  // Exactly one tab carries the connection.
  const radios = [await isRadio(first), await isRadio(second)].filter(Boolean);
  expect(radios).toHaveLength(1);
});

it("closing the radio tab hands the radio to another tab, and listings keep flowing both ways", async () => {
  const aliceContext = await newUser(env.browser);
  const tabA = await openBoard(aliceContext, env.server.url);
  const tabB = await openBoard(aliceContext, env.server.url);
  const aliceId = await peerIdOf(tabA);
  const bob = await openBoard(await newUser(env.browser), env.server.url);
  await post(bob, { title: "Before the takeover", price: "3" });
  await listingHeading(tabB, "Before the takeover").waitFor();

  const radio = await waitForRadio([tabA, tabB]);
  const survivor = radio === tabA ? tabB : tabA;
  await radio.close();

  expect(await waitForRadio([survivor])).toBe(survivor);
  await networkStatus(survivor).filter({ hasText: "1 peer connected" }).waitFor({ timeout: 20_000 });
  expect(await peerIdOf(survivor)).toBe(aliceId);

  await post(bob, { title: "After the takeover, from Bob", price: "4" });
  await listingArrives(survivor, "After the takeover, from Bob", [bob], 20_000);
  await post(survivor, { title: "After the takeover, from Alice", price: "5" });
  await listingArrives(bob, "After the takeover, from Alice", [survivor], 20_000);
  // Bob still sees the same Alice: the id was re-registered, not replaced.
  const article = listingArticle(bob, "After the takeover, from Alice");
  await expect(article.textContent()).resolves.toContain(`Posted by ${aliceId.slice(0, 9)}…`);
});

it("when the radio tab's renderer crashes (no pagehide, no socket close), another tab carries on with the same id", async () => {
  const aliceContext = await newUser(env.browser);
  const tabA = await openBoard(aliceContext, env.server.url);
  const tabB = await openBoard(aliceContext, env.server.url);
  const aliceId = await peerIdOf(tabA);
  const bob = await openBoard(await newUser(env.browser), env.server.url);
  await networkStatus(bob).filter({ hasText: "1 peer connected" }).waitFor();

  const radio = await waitForRadio([tabA, tabB]);
  const survivor = radio === tabA ? tabB : tabA;
  // Kill the renderer: no pagehide, no PeerJS destroy. The hub's per-profile token lets the
  // next radio take the id even if PeerServer still holds the dead tab's socket.
  const session = await aliceContext.newCDPSession(radio);
  // The crash never answers the CDP call; do not wait for it.
  session.send("Page.crash").catch(() => undefined);

  expect(await waitForRadio([survivor])).toBe(survivor);
  await post(bob, { title: "After the crash, from Bob", price: "6" });
  await listingArrives(survivor, "After the crash, from Bob", [bob], 20_000);
  await post(survivor, { title: "After the crash, from Alice", price: "7" });
  await expect(listingArticle(bob, "After the crash, from Alice").textContent()).resolves.toContain(
    `Posted by ${aliceId.slice(0, 9)}…`,
  );
});
