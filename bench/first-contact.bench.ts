import { it } from "vitest";
import { listingHeading, newUser, openBoard, post, useServerAndBrowser } from "../tests/e2e/harness.ts";
import { report } from "./stats.ts";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);

const env = useServerAndBrowser();

it("first contact and live propagation between two browsers", async () => {
  const loadToSeen: number[] = [];
  const postToSeen: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const alice = await openBoard(await newUser(env.browser), env.server.url);
    await post(alice, { title: `Alice ${round}`, price: "1" });
    // Bob is a first-time visitor: identity generation, radio start, discovery, dial, HELLO, sync.
    const started = performance.now();
    const bob = await openBoard(await newUser(env.browser), env.server.url);
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
