// "Export identity" in one browser, "Import identity" in another: same peer id, the refusal of
// a second browser using it at the same time, and own listings and profile synced back from a peer.

import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import {
  goTo,
  listingArticle,
  listingHeading,
  networkStatus,
  newUser,
  openBoard,
  peerIdOf,
  post,
  shownPeerId,
  useServerAndBrowser,
} from "./harness.ts";

const env = useServerAndBrowser();
const PASSPHRASE = "orange kite over the harbour";

it("an exported identity imports elsewhere: same id, one browser at a time, own listings come back", async () => {
  const aliceContext = await newUser(env.browser);
  const alice = await openBoard(aliceContext, env.server.url);
  const aliceId = await peerIdOf(alice);
  const carol = await openBoard(await newUser(env.browser), env.server.url);
  await post(alice, { title: "Cordless drill", price: "35" });
  await listingHeading(carol, "Cordless drill").waitFor();
  await alice.getByRole("link", { name: "Profile" }).click();
  await alice.getByLabel("Display name").fill("Alice Drills");
  await alice.getByRole("button", { name: "Save profile" }).click();
  await alice.getByText("Saved. Your peers get the new profile now.").waitFor();
  await listingArticle(carol, "Cordless drill")
    .getByText(/Posted by Alice Drills/)
    .waitFor();

  await goTo(alice, "Identity");
  await alice.getByLabel("Passphrase", { exact: true }).fill(PASSPHRASE);
  await alice.getByLabel("Repeat passphrase").fill(`${PASSPHRASE}!`);
  await alice.getByRole("button", { name: "Export identity" }).click();
  await alice.getByText("The two passphrases differ.").waitFor();
  await alice.getByLabel("Repeat passphrase").fill(PASSPHRASE);
  const [download] = await Promise.all([
    alice.waitForEvent("download"),
    alice.getByRole("button", { name: "Export identity" }).click(),
  ]);
  const fileText = readFileSync((await download.path()) ?? "", "utf8");
  expect(download.suggestedFilename()).toBe(`peerboard-identity-${aliceId}.json`);
  expect(JSON.parse(fileText).peerId).toBe(aliceId);

  // A second browser: its own identity first.
  const laptop = await openBoard(await newUser(env.browser), env.server.url);
  const laptopId = await peerIdOf(laptop);
  expect(laptopId).not.toBe(aliceId);
  await goTo(laptop, "Identity");
  const file = { name: "backup.json", mimeType: "application/json", buffer: Buffer.from(fileText) };
  await laptop.getByLabel("Identity file").setInputFiles(file);
  await laptop.getByLabel("Passphrase for the file").fill(PASSPHRASE);
  // Nothing is replaced until the user says so, and the current identity can be saved first.
  await laptop.getByRole("button", { name: "Import identity" }).click();
  await laptop
    .getByText("Tick this to replace the identity on this browser (export it first if you need it).")
    .waitFor();
  expect(await peerIdOf(laptop)).toBe(laptopId);
  await laptop.getByRole("button", { name: "Export the current identity first" }).click();
  expect(await laptop.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type)).toBe("password");
  await laptop.getByLabel("Replace this browser's identity").check();

  await laptop.getByLabel("Passphrase for the file").fill("wrong passphrase entirely");
  await laptop.getByRole("button", { name: "Import identity" }).click();
  await laptop.getByText("Wrong passphrase, or the file is damaged.").waitFor();
  expect(await peerIdOf(laptop)).toBe(laptopId);

  await laptop.getByLabel("Passphrase for the file").fill(PASSPHRASE);
  await laptop.getByRole("button", { name: "Import identity" }).click();
  await shownPeerId(laptop, aliceId).waitFor({ timeout: 20_000 });

  // Alice's first browser still holds the id at the signaling server: the laptop is told why it stays offline.
  await networkStatus(laptop).filter({ hasText: "in use in another browser" }).waitFor({ timeout: 20_000 });
  await aliceContext.close();

  // Once the first browser is gone, the laptop registers and Carol gives Alice's listing back.
  await laptop.getByRole("link", { name: "Board" }).click();
  await listingHeading(laptop, "Cordless drill").waitFor({ timeout: 45_000 });
  await expect(listingArticle(laptop, "Cordless drill").textContent()).resolves.toContain("Posted by you");
  // Her profile comes back too, and the laptop's first, nameless one did not replace it at Carol's.
  await laptop.evaluate((id) => {
    location.hash = `#/people/${id}`;
  }, aliceId);
  await laptop.getByRole("heading", { name: "Alice Drills", level: 2 }).waitFor({ timeout: 15_000 });
  await carol.getByRole("link", { name: "Board" }).click();
  await listingArticle(carol, "Cordless drill")
    .getByText(/Posted by Alice Drills/)
    .waitFor();
}, 120_000);
