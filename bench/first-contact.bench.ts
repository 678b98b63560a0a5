// How long two peers take from page load to seeing each other's listings, in real Chromium
// over real WebRTC through the local PeerServer. Run: npm run bench.

import type { Browser } from "playwright-core";
import { afterAll, beforeAll, it } from "vitest";
import {
  launchBrowser,
  listingHeading,
  newUser,
  openBoard,
  post,
  startTestServer,
  type TestServer,
} from "../tests/e2e/harness.ts";
import { report } from "./stats.ts";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);

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

it("first contact and live propagation between two browsers", async () => {
  const loadToSeen: number[] = [];
  const postToSeen: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const alice = await openBoard(await newUser(browser), server.url);
    await post(alice, { title: `Alice ${round}`, price: "1" });
    // Bob is a first-time visitor: identity generation, radio start, discovery, dial, HELLO, sync.
    const started = performance.now();
    const bob = await openBoard(await newUser(browser), server.url);
    await listingHeading(bob, `Alice ${round}`).waitFor({ timeout: 30_000 });
    loadToSeen.push(performance.now() - started);
    if (process.env.BENCH_VERBOSE) console.log(`round ${round}: ${Math.round(loadToSeen.at(-1) ?? 0)} ms`);

    const posted = performance.now();
    await post(bob, { title: `Bob ${round}`, price: "2" });
    await listingHeading(alice, `Bob ${round}`).waitFor({ timeout: 30_000 });
    postToSeen.push(performance.now() - posted);
    await alice.context().close();
    await bob.context().close();
  }
  report("First contact (two Chromium contexts, loopback PeerServer)", {
    "Bob's page load → Alice's listing visible": loadToSeen,
    "Bob presses Post → listing visible at Alice": postToSeen,
  });
});
