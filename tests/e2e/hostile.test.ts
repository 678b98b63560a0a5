// Hostile peers in real Chromium: an impostor registering someone else's id, and HTML payloads.

import { createRequire } from "node:module";
import type { BrowserContext, Page } from "playwright-core";
import { expect, it } from "vitest";
import {
  listingArticle,
  listingHeading,
  networkStatus,
  newUser,
  openBoard,
  peerIdOf,
  post,
  startTestServer,
  useServerAndBrowser,
} from "./harness.ts";

const env = useServerAndBrowser();
const peerjsBundle = createRequire(import.meta.url).resolve("peerjs/dist/peerjs.min.js");

/** Reads the stored identity's public key straight from the app's IndexedDB. */
async function publicKeyOf(context: BrowserContext, url: string): Promise<string> {
  const page = await context.newPage();
  await page.goto(url);
  const key = await page.evaluate(
    () =>
      new Promise<string>((resolve, reject) => {
        const open = indexedDB.open("peerboard");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const get = open.result.transaction("identity").objectStore("identity").get("self");
          get.onsuccess = () => resolve(get.result.publicKey);
          get.onerror = () => reject(get.error);
        };
      }),
  );
  await page.close();
  return key;
}

/**
 * Mallory's bare page on `url`: the server's own page with the app's script blocked, PeerJS
 * loaded, registering `id` with a plain token. Resolves to what PeerJS said.
 */
async function registerAs(url: string, id: string, retries: number): Promise<{ mallory: Page; outcome: string }> {
  // Her own browser, so the server's CSP (which refuses injected scripts) does not bind her.
  const mallory = await (await newUser(env.browser, { bypassCSP: true })).newPage();
  await mallory.route(/\/assets\/.*\.js$/, (route) => route.abort());
  await mallory.goto(url);
  await mallory.addScriptTag({ path: peerjsBundle });
  const outcome = await mallory.evaluate(
    async ({ id, retries }) => {
      interface PeerLike {
        on(event: "open", fn: () => void): void;
        on(event: "error", fn: (error: Error & { type: string }) => void): void;
        destroy(): void;
      }
      const w = window as unknown as {
        peerjs: { Peer: new (id: string, options: object) => PeerLike };
        mallory: PeerLike;
      };
      let last = "";
      for (let attempt = 0; attempt < retries; attempt++) {
        last = await new Promise<string>((resolve) => {
          const peer = new w.peerjs.Peer(id, {
            host: location.hostname,
            port: Number(location.port),
            path: "/peerjs",
            config: { iceServers: [] },
          });
          peer.on("open", () => {
            w.mallory = peer;
            resolve("open");
          });
          peer.on("error", (error) => {
            peer.destroy();
            resolve(`${error.type}: ${error.message}`);
          });
        });
        if (last === "open") break;
        await new Promise((r) => setTimeout(r, 250));
      }
      return last;
    },
    { id, retries },
  );
  return { mallory, outcome };
}

it("the signaling server refuses a page that registers someone else's id without their key", async () => {
  const alice = await openBoard(await newUser(env.browser), env.server.url);
  const aliceId = await peerIdOf(alice);
  await alice.context().close(); // Alice goes offline; her id is free at the server.
  const { outcome } = await registerAs(env.server.url, aliceId, 8);
  expect(outcome).toMatch(/^server-error: .*proof/i);
});

it("on a server that does not check proofs, a page that registers someone else's id fails HELLO and is dropped", async () => {
  // A community server that does not check proofs (REQUIRE_PROOF=false): HELLO still protects.
  const server = await startTestServer({ requireProof: false });
  const aliceContext = await newUser(env.browser);
  const alice = await openBoard(aliceContext, server.url);
  const aliceId = await peerIdOf(alice);
  const aliceKey = await publicKeyOf(aliceContext, server.url);
  await aliceContext.close(); // Alice goes offline; her id is free at the server.

  // Mallory: a bare page on the same origin with PeerJS, registering Alice's id. She presents
  // Alice's real public key (anyone can read it from her listings) but cannot sign with it.
  // Her own browser, so the server's CSP (which refuses injected scripts) does not bind her.
  const mallory = await (await newUser(env.browser, { bypassCSP: true })).newPage();
  // The real server's page, with the app's own script blocked: same origin, loopback address
  // space (a page fulfilled by the test itself would be blocked from loopback by Chromium's
  // Local Network Access checks), and no hub or radio of its own.
  await mallory.route(/\/assets\/.*\.js$/, (route) => route.abort());
  await mallory.goto(server.url);
  await mallory.addScriptTag({ path: peerjsBundle });
  await mallory.evaluate(
    async ({ aliceId, aliceKey }) => {
      interface Channel {
        peer: string;
        on(event: "open" | "close", fn: () => void): void;
        send(data: unknown): void;
      }
      interface PeerLike {
        on(event: "open", fn: () => void): void;
        on(event: "error", fn: (error: Error) => void): void;
        on(event: "connection", fn: (channel: Channel) => void): void;
        destroy(): void;
      }
      const w = window as unknown as { peerjs: { Peer: new (id: string, options: object) => PeerLike }; log: string[] };
      w.log = [];
      const register = () =>
        new Promise<PeerLike>((resolve, reject) => {
          const peer = new w.peerjs.Peer(aliceId, {
            host: location.hostname,
            port: Number(location.port),
            path: "/peerjs",
            config: { iceServers: [] },
          });
          peer.on("open", () => resolve(peer));
          peer.on("error", (error) => {
            peer.destroy();
            reject(error);
          });
        });
      // Alice's socket may take a moment to be released after her browser closed.
      let peer: PeerLike | undefined;
      for (let attempt = 0; !peer && attempt < 20; attempt++) {
        peer = await register().catch(() => new Promise<undefined>((r) => setTimeout(() => r(undefined), 250)));
      }
      if (!peer) throw new Error("could not register Alice's id");
      peer.on("connection", (conn) => {
        conn.on("open", () => {
          w.log.push(`connected ${conn.peer}`);
          conn.send({
            v: 1,
            type: "HELLO",
            id: "m1",
            step: "challenge",
            peerId: aliceId,
            publicKey: aliceKey,
            nonce: "A".repeat(43),
          });
          conn.send({ v: 1, type: "HELLO", id: "m2", step: "proof", signature: "B".repeat(86) });
        });
        conn.on("close", () => w.log.push(`closed ${conn.peer}`));
      });
    },
    { aliceId, aliceKey },
  );

  const bob = await openBoard(await newUser(env.browser), server.url);
  const bobId = await peerIdOf(bob);
  // Bob discovers "Alice", dials, and hangs up when the proof fails.
  const log = () => (window as unknown as { log: string[] }).log;
  await mallory.waitForFunction((id) => (window as unknown as { log: string[] }).log.includes(`closed ${id}`), bobId, {
    timeout: 15_000,
  });
  expect(await mallory.evaluate(log)).toContain(`connected ${bobId}`);
  await networkStatus(bob).filter({ hasText: "Online · 0 peers connected" }).waitFor();
});

it("listings carrying HTML and script render as inert text", async () => {
  const alice = await openBoard(await newUser(env.browser), env.server.url);
  const bob = await openBoard(await newUser(env.browser), env.server.url);
  const title = `<img src=x onerror="window.__pwned = 1">Bike`;
  const description = `<script>window.__pwned = 2</script><b>bold</b>`;
  await post(bob, { title, description, price: "3" });
  await listingHeading(alice, title).waitFor();
  const article = listingArticle(alice, title);
  expect(await article.locator("img, script, b").count()).toBe(0);
  expect(await article.textContent()).toContain(description);
  expect(await alice.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
});

it("profiles, offers and chat messages carrying HTML and script render as inert text", async () => {
  const alice = await openBoard(await newUser(env.browser), env.server.url);
  const bob = await openBoard(await newUser(env.browser), env.server.url);
  const pwned = (page: typeof alice) => page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned);

  const name = `<img src=x onerror="window.__pwned = 3">Bob`;
  await bob.getByRole("link", { name: "Profile" }).click();
  await bob.getByLabel("Display name").fill(name);
  await bob.getByLabel("About").fill(`<script>window.__pwned = 4</script>`);
  await bob.getByRole("button", { name: "Save profile" }).click();
  await bob.getByRole("link", { name: "Board" }).click();
  await post(bob, { title: "Toolbox", price: "20" });
  const article = listingArticle(alice, "Toolbox");
  // Cross-peer waits get room: this test passes through profile relay, sealed mail and ACKs.
  await article.filter({ hasText: name }).waitFor({ timeout: 30_000 });
  expect(await article.locator('img[src="x"], img[onerror], script').count()).toBe(0);

  const offer = `<b onclick="window.__pwned = 5">hi</b><script>window.__pwned = 6</script>`;
  await article.getByRole("button", { name: "Make an offer" }).click();
  await alice.getByLabel("Amount").fill("15");
  await alice.getByLabel("Message", { exact: true }).fill(offer);
  await alice.getByRole("button", { name: "Send offer" }).click();
  await bob
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: /^Deals/ })
    .click();
  const card = bob.locator("article.deal").filter({ hasText: offer });
  await card.waitFor({ timeout: 30_000 });
  expect(await card.locator("b, script").count()).toBe(0);

  const chat = `<iframe src="javascript:window.__pwned = 7"></iframe>Still there?`;
  await card.getByRole("link", { name: "Messages about this deal" }).click();
  await bob.getByLabel("Message", { exact: true }).fill(chat);
  await bob.getByRole("button", { name: "Send", exact: true }).click();
  await alice
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: /^Messages/ })
    .click();
  await alice.getByRole("link", { name: /Deal on “Toolbox”/ }).click();
  await alice.getByText(chat).waitFor({ timeout: 30_000 });
  expect(await alice.locator("main iframe, main script, main b").count()).toBe(0);
  expect(await pwned(alice)).toBeUndefined();
  expect(await pwned(bob)).toBeUndefined();
});
