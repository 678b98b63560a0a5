// Blocking a user: their listings disappear, are no longer relayed, they are hung up on and not
// dialled; unblocking brings the stored listings back.

import type { Page } from "playwright-core";
import { expect, it } from "vitest";
import {
  goTo,
  listingHeading,
  networkStatus,
  newUser,
  openBoard,
  peerIdOf,
  post,
  useServerAndBrowser,
} from "./harness.ts";

// No discovery: who talks to whom is decided by the test through "Connect to peer".
const env = useServerAndBrowser({ allowDiscovery: false });

async function connect(from: Page, to: Page): Promise<void> {
  await from.getByLabel("Connect to peer").fill(await peerIdOf(to));
  await from.getByRole("button", { name: "Connect" }).click();
}

it("a blocked user's listings are hidden, not relayed, and come back on unblock", async () => {
  const alice = await openBoard(await newUser(env.browser), env.server.url);
  const bob = await openBoard(await newUser(env.browser), env.server.url);
  const bobId = await peerIdOf(bob);
  await networkStatus(bob).filter({ hasText: "Online" }).waitFor();
  await connect(alice, bob);
  await post(bob, { title: "Miracle pills, cheap", price: "1" });
  await listingHeading(alice, "Miracle pills, cheap").waitFor();

  await alice.getByRole("link", { name: "Search" }).click();
  await alice.getByLabel("Search", { exact: true }).fill("pills");
  await listingHeading(alice, "Miracle pills, cheap").waitFor();
  await listingHeading(alice, "Miracle pills, cheap").getByRole("link").click();
  await alice.getByRole("button", { name: "Block this user" }).click();
  await alice.waitForURL(/#\/$/);
  await networkStatus(alice).filter({ hasText: "0 peers connected" }).waitFor();
  expect(await listingHeading(alice, "Miracle pills, cheap").count()).toBe(0);
  await alice.getByRole("link", { name: "Search" }).click();
  await alice.getByLabel("Search", { exact: true }).fill("pills");
  await alice.getByText("No listings match.").waitFor();
  await alice.getByRole("link", { name: "Board" }).click();

  // Bob cannot get back in, and what he posts does not show.
  await connect(bob, alice);
  await post(bob, { title: "More pills", price: "1" });
  await bob.waitForTimeout(2_000);
  expect(await listingHeading(alice, "More pills").count()).toBe(0);
  await networkStatus(alice).filter({ hasText: "0 peers connected" }).waitFor();

  // Carol, connected only to Alice, is not handed Bob's listing by her.
  const carol = await openBoard(await newUser(env.browser), env.server.url);
  await post(alice, { title: "Alice's honest lamp", price: "9" });
  await networkStatus(carol).filter({ hasText: "Online" }).waitFor();
  await connect(carol, alice);
  await listingHeading(carol, "Alice's honest lamp").waitFor();
  expect(await listingHeading(carol, "Miracle pills, cheap").count()).toBe(0);

  // The Network view lists the block; "Unblock" brings the stored listing back.
  await goTo(alice, "Network");
  await alice.getByRole("button", { name: `Unblock ${bobId}` }).click();
  await alice.getByText("You have not blocked anyone.").waitFor();
  await alice.getByRole("link", { name: "Board" }).click();
  await listingHeading(alice, "Miracle pills, cheap").waitFor();
});
