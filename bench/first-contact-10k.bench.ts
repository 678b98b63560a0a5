// First contact with a big board, in real Chromium over real WebRTC through the local
// PeerServer: a Node hub (the real Protocol, Radio and RadioLink, WebRTC from @roamhq/wrtc)
// holds 10,000 signed listings; a fresh browser loads the app, discovers and dials it. Measured
// from page.goto until the browser's IndexedDB holds them all: reconciliation, then send-all.
// Run: npx vite build && npx vitest run --config bench/vitest.config.ts bench/first-contact-10k.bench.ts

import wrtc from "@roamhq/wrtc";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, it } from "vitest";
import { WebSocket } from "ws";
import { generateIdentity, type Identity, randomToken } from "../src/shared/crypto.ts";
import { MemoryStore } from "../src/shared/memory-store.ts";
import { createListing } from "../src/shared/records.ts";
import { Protocol } from "../src/worker/protocol.ts";
import { RadioLink } from "../src/worker/radio-link.ts";
import { launchBrowser, newUser, startTestServer, type TestServer } from "../tests/e2e/harness.ts";
import { draft } from "../tests/unit/fixtures.ts";

// What PeerJS finds on window in a browser.
Object.assign(globalThis, {
  RTCPeerConnection: wrtc.RTCPeerConnection,
  RTCSessionDescription: wrtc.RTCSessionDescription,
  RTCIceCandidate: wrtc.RTCIceCandidate,
  WebSocket,
});
const { Radio } = await import("../src/ui/radio.ts");

const TOTAL = Number(process.env.BENCH_LISTINGS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);

let browser: Browser;
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A Node hub with `store`, online at the test server's PeerServer until disposed. */
async function seeder(identity: Identity, store: MemoryStore, syncMode: "reconcile" | "send-all") {
  const channel = new MessageChannel();
  const radio = new Radio(channel.port1);
  const signaling = { host: "127.0.0.1", port: server.port, path: "/peerjs", secure: false, iceServers: [] };
  const link = new RadioLink(() => ({ t: "start", peerId: identity.peerId, token: randomToken(), signaling }));
  link.attach(channel.port2);
  const protocol = new Protocol({ identity, store, link, syncMode });
  while (link.state !== "online") await sleep(20);
  return {
    protocol,
    dispose() {
      for (const peer of protocol.readyPeers()) link.hangUp(peer);
      radio.shutdown();
      channel.port2.close();
    },
  };
}

/** Listings in the page's IndexedDB (the hub's database, same origin). */
function storedCount(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open("peerboard");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const count = db.transaction("listings").objectStore("listings").count();
          count.onsuccess = () => {
            resolve(count.result);
            db.close();
          };
        };
      }),
  );
}

it(`a first visit to a board of ${TOTAL} listings`, async () => {
  const authors = await Promise.all(Array.from({ length: 50 }, () => generateIdentity(0)));
  const listings = [];
  const now = Date.now();
  for (let i = 0; i < TOTAL; i++) {
    const at = now - Math.floor(Math.random() * 30 * 86_400_000);
    listings.push(
      await createListing(
        authors[i % authors.length] as Identity,
        draft({ title: `Listing ${i}`, description: "d".repeat(300) }),
        at,
      ),
    );
  }
  const rows: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of ["reconcile", "send-all"] as const) {
      const store = new MemoryStore();
      for (const listing of listings) await store.putListingIf(listing, () => true);
      const seed = await seeder(await generateIdentity(Date.now()), store, mode);
      const context = await newUser(browser);
      const page = await context.newPage();
      const started = performance.now();
      await page.goto(server.url);
      let count = 0;
      while (count < TOTAL) {
        await sleep(100);
        count = await storedCount(page).catch(() => 0);
        if (performance.now() - started > 300_000) throw new Error(`${mode}: only ${count} after 300 s`);
      }
      const elapsed = performance.now() - started;
      rows.push(`| ${mode} | ${round + 1} | ${(elapsed / 1000).toFixed(1)} s |`);
      console.log(rows.at(-1));
      await context.close();
      seed.dispose();
    }
  }
  console.log(
    [
      `\nFirst visit to a board of ${TOTAL} listings (Node hub over wrtc → Chromium, loopback PeerServer)`,
      "| mode | round | page.goto → all listings in the browser's IndexedDB |",
      "| --- | --- | --- |",
      ...rows,
    ].join("\n"),
  );
});
