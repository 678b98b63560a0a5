// Sharing a listing end to end: Alice copies its link with "Share" (headless Chromium on Linux has
// no Web Share, so the link goes to the clipboard); Bob, a newcomer in another browser context,
// opens it, sees "Looking for this listing…", and then the listing once his hub has it.

import { expect, it } from "vitest";
import { axeViolations, listingHeading, newUser, openBoard, post, useServerAndBrowser } from "./harness.ts";

const env = useServerAndBrowser();

it("a shared link works for a newcomer: looking for it first, then the listing", async () => {
  const aliceContext = await newUser(env.browser);
  await aliceContext.grantPermissions(["clipboard-read", "clipboard-write"], { origin: env.server.url });
  const alice = await openBoard(aliceContext, env.server.url);
  await post(alice, { title: "Green sofa", description: "Seats three", price: "120" });
  await listingHeading(alice, "Green sofa").getByRole("link").click();
  await alice.getByRole("heading", { name: "Green sofa", level: 2 }).waitFor();
  await alice.getByRole("button", { name: "Share" }).click();
  await alice.getByRole("status", { name: "Share status" }).filter({ hasText: "Link copied" }).waitFor();
  const link = await alice.evaluate(() => navigator.clipboard.readText());
  const id = new URL(link).hash.replace("#/listing/", "");
  expect(link).toBe(`${env.server.url.replace(/\/$/, "")}/#/listing/${id}`);
  expect(await axeViolations(alice)).toEqual([]);

  // Bob has never been here: his hub holds nothing and asks whoever connects.
  const bobContext = await newUser(env.browser);
  const bob = await bobContext.newPage();
  await bob.goto(link);
  await bob.getByRole("heading", { name: "Looking for this listing…" }).waitFor();
  expect(await axeViolations(bob)).toEqual([]);
  await bob.getByRole("heading", { name: "Green sofa", level: 2 }).waitFor({ timeout: 20_000 });
  await expect(bob.getByText("Seats three").textContent()).resolves.toBe("Seats three");
});
