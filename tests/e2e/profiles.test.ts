// Profiles between two browsers: a saved display name reaches the other user and shows on the
// author's listings; a change replaces it.

import { expect, it } from "vitest";
import {
  listingArticle,
  listingHeading,
  newUser,
  openBoard,
  peerIdOf,
  peersConnected,
  post,
  useServerAndBrowser,
} from "./harness.ts";
import { png } from "./png.ts";

const env = useServerAndBrowser();

it("a profile name reaches the other browser and shows on listings; an edit replaces it", async () => {
  const alice = await openBoard(await newUser(env.browser), env.server.url);
  const bob = await openBoard(await newUser(env.browser), env.server.url);
  const aliceId = await peerIdOf(alice);
  await peersConnected(alice);
  await post(alice, { title: "Sewing machine", price: "60" });
  await listingHeading(bob, "Sewing machine").waitFor();

  await alice.getByRole("link", { name: "Profile" }).click();
  await alice.getByRole("button", { name: "Save profile" }).click();
  await alice.getByText("Give a display name").waitFor();
  await alice.getByLabel("Display name").fill("Alice Smith");
  await alice.getByLabel("About").fill("Tailor, Riverside");
  await alice.getByRole("button", { name: "Save profile" }).click();
  await alice.getByRole("status", { name: "Profile status" }).filter({ hasText: "Saved" }).waitFor();

  await listingArticle(bob, "Sewing machine").getByText("Posted by Alice Smith", { exact: true }).waitFor();
  await alice.getByLabel("Display name").fill("Alice S.");
  await alice
    .getByLabel("Avatar photo")
    .setInputFiles({ name: "me.png", mimeType: "image/png", buffer: png(900, 900) });
  await alice.getByRole("button", { name: "Save profile" }).click();
  await listingArticle(bob, "Sewing machine").getByText("Posted by Alice S.", { exact: true }).waitFor();
  // The avatar thumbnail travels like a listing photo and shows beside her name.
  const avatar = listingArticle(bob, "Sewing machine").getByRole("img", { name: "Avatar of Alice S." });
  await expect
    .poll(() => avatar.evaluate((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth))
    .toBe(640);

  // The detail view names the author too, and the profile survives a reload on Alice's side.
  await listingHeading(bob, "Sewing machine").getByRole("link").click();
  await bob.getByText(`Alice S. (${aliceId})`).waitFor();
  await alice.reload();
  await expect.poll(() => alice.getByLabel("Display name").inputValue()).toBe("Alice S.");
});
