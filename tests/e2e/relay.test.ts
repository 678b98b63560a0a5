// Store-and-forward through a third user (issue 5), in real Chromium over real WebRTC: Alice and
// Bob are never online at the same time, so they cannot connect; Rita stays online and carries
// Alice's sealed message to Bob and Bob's ACK back to Alice.

import type { Page } from "playwright-core";
import { expect, it } from "vitest";
import {
  goTo,
  listingHeading,
  newUser,
  openBoard,
  peerIdOf,
  peersConnected,
  post,
  useServerAndBrowser,
} from "./harness.ts";

const env = useServerAndBrowser();

interface PeerRecord {
  id: string;
  publicKey: string;
  lastSeen: number;
  agreementKey?: string;
  agreementSignature?: string;
}

/** Every record in one object store of a user's hub database. */
function storedRecords<T>(page: Page, store: "peers" | "profiles"): Promise<T[]> {
  return page.evaluate(
    (store) =>
      new Promise<T[]>((resolve, reject) => {
        const open = indexedDB.open("peerboard");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const all = open.result.transaction(store).objectStore(store).getAll();
          all.onsuccess = () => {
            open.result.close();
            resolve(all.result);
          };
          all.onerror = () => reject(all.error);
        };
      }),
    store,
  );
}

/** The peer records a user's hub stored (HELLO writes one for every peer it verified). */
const peerRecords = (page: Page) => storedRecords<PeerRecord>(page, "peers");
/** Whose signed profiles a user's hub holds. */
const profileOwners = async (page: Page) =>
  (await storedRecords<{ peerId: string }>(page, "profiles")).map((p) => p.peerId);

/** `page`'s user closes the app, and Rita's hub notices: her Network view stops listing them. */
async function leaves(page: Page, peer: string, rita: Page): Promise<void> {
  const row = rita.getByRole("table", { name: "Connected peers" }).getByRole("rowheader", { name: peer });
  await row.waitFor();
  await page.close();
  await row.waitFor({ state: "detached" });
}

/** Rita's Network view line about what she carries for others. */
const relayLine = (page: Page, text: string) =>
  page.getByRole("region", { name: "Network" }).getByText(text, { exact: true }).waitFor();

it("a message from Alice reaches Bob through Rita and shows delivered, though Alice and Bob never connect", async () => {
  const rita = await openBoard(await newUser(env.browser), env.server.url);
  const ritaId = await peerIdOf(rita);
  await goTo(rita, "Network");

  // Bob is online with Rita only: he posts a listing, then closes the app.
  const bobContext = await newUser(env.browser);
  let bob = await openBoard(bobContext, env.server.url);
  const bobId = await peerIdOf(bob);
  await post(bob, { title: "Walnut desk", price: "80" });
  await peersConnected(bob);
  // Rita has his signed profile (his ECDH card) before he goes: the one way others can seal to him.
  await expect.poll(() => profileOwners(rita), { timeout: 15_000 }).toContain(bobId);
  await leaves(bob, bobId, rita);

  // Alice comes online after Bob left: she finds his listing through Rita and writes to him.
  // His signed profile, which carries his ECDH card, came through Rita too.
  const aliceContext = await newUser(env.browser);
  let alice = await openBoard(aliceContext, env.server.url);
  const aliceId = await peerIdOf(alice);
  await listingHeading(alice, "Walnut desk").getByRole("link").click();
  await alice.getByRole("link", { name: "Message the seller" }).click();
  await alice.getByLabel("Message", { exact: true }).fill("Is the desk still there?");
  await alice.getByRole("button", { name: "Send", exact: true }).click();
  const line = (page: Page) => page.getByRole("listitem").filter({ hasText: "Is the desk still there?" });
  await line(alice).filter({ hasText: "Sent" }).waitFor();
  // Bob's profile reached Alice through Rita (reconciled on connect): she can seal to him.
  await expect.poll(() => profileOwners(alice), { timeout: 15_000 }).toContain(bobId);
  // Rita holds it for Bob; she cannot read it.
  await relayLine(rita, "Held for peers who are away: 1. Passed on: 0. Refused: 0.");
  const conversation = alice.url();
  await leaves(alice, aliceId, rita);

  // Bob comes back after Alice left: Rita passes the message on, and holds his ACK for Alice.
  bob = await openBoard(bobContext, env.server.url);
  await goTo(bob, "Messages");
  await bob.getByRole("list", { name: "Conversations" }).getByText("Is the desk still there?").waitFor();
  await relayLine(rita, "Held for peers who are away: 1. Passed on: 1. Refused: 0.");
  expect((await peerRecords(bob)).map((p) => p.id)).not.toContain(aliceId);
  await leaves(bob, bobId, rita);

  // Alice comes back: the ACK reaches her through Rita.
  alice = await aliceContext.newPage();
  await alice.goto(conversation);
  await line(alice).filter({ hasText: "Delivered" }).waitFor();
  await relayLine(rita, "Held for peers who are away: 0. Passed on: 2. Refused: 0.");
  // Never connected directly: neither hub ever verified the other in a HELLO.
  const aliceRecords = (await peerRecords(alice)).map((p) => p.id);
  expect(aliceRecords).not.toContain(bobId);
  expect(aliceRecords).toContain(ritaId);
});
