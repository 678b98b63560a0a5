// Saved searches end to end: Bob saves a search and asks to be notified; Alice, in another
// browser context, posts a listing that matches; Bob's hub matches it and his service worker
// registration shows one notification for it, tagged by the listing.

import { expect, it } from "vitest";
import { axeViolations, networkStatus, newUser, openBoard, post, useServerAndBrowser } from "./harness.ts";

const env = useServerAndBrowser();

it("a saved search with notifications on leads to one system notification per matching listing", async () => {
  const alice = await openBoard(await newUser(env.browser), env.server.url);
  const bobContext = await newUser(env.browser);
  await bobContext.grantPermissions(["notifications"], { origin: env.server.url });
  const bob = await openBoard(bobContext, env.server.url);
  await networkStatus(alice).filter({ hasText: "1 peer connected" }).waitFor();

  await bob.getByRole("link", { name: "Search", exact: true }).click();
  await bob.getByLabel("Search", { exact: true }).fill("bicycle");
  await bob.getByLabel("Highest price").fill("100");
  await bob.getByRole("button", { name: "Save this search" }).click();
  await bob
    .getByRole("status", { name: "Saved search status" })
    .filter({ hasText: /^Saved\./ })
    .waitFor();
  await bob.getByRole("link", { name: "Saved searches" }).click();
  await bob.getByRole("button", { name: "Notify me of new matches for “bicycle” · up to 100" }).click();
  await bob
    .getByRole("status", { name: "Saved searches status" })
    .filter({ hasText: "You will be notified of new matches" })
    .waitFor();
  expect(await axeViolations(bob)).toEqual([]);
  // Notifications go through the service worker's registration, which starts after first paint.
  await bob.evaluate(async () => void (await navigator.serviceWorker.ready));

  await post(alice, { title: "Red bicycle", price: "40" });
  await post(alice, { title: "Gold bicycle", price: "900" });
  await post(alice, { title: "Desk lamp", price: "10" });
  const notifications = () =>
    bob.evaluate(async () =>
      (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({
        title: n.title,
        body: n.body,
        tag: n.tag,
        url: (n.data as { url?: string } | null)?.url,
      })),
    );
  await expect.poll(notifications, { timeout: 15_000 }).toHaveLength(1);
  const [shown] = await notifications();
  const id = shown?.tag.replace(/^listing-/, "");
  expect(shown).toEqual({
    title: "Red bicycle",
    body: "New listing for “bicycle”",
    tag: `listing-${id}`,
    url: `/#/listing/${id}`,
  });
  // The list counts it as new until Bob opens the search.
  await bob.locator(".saved-search").filter({ hasText: "1 new of 1" }).waitFor();
  await bob.getByRole("link", { name: "“bicycle” · up to 100" }).click();
  await bob.getByRole("heading", { name: "Red bicycle" }).waitFor();
  expect(await axeViolations(bob)).toEqual([]);
  await bob.getByRole("link", { name: "Saved searches" }).click();
  await bob.locator(".saved-search").filter({ hasText: "1 match, none new" }).waitFor();
  // Opening it raised nothing more: still the one notification.
  expect(await notifications()).toHaveLength(1);
});
