import { it } from "vitest";
import { listingHeading, newUser, openBoard, post, useServerAndBrowser } from "../tests/e2e/harness.ts";
import { report } from "./stats.ts";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);

/**
 * Runs in Bob's page before the app: notes (ms since navigation start) when the hub first
 * answers (peer id shown), when the radio is registered ("Online"), when a peer has completed
 * HELLO ("1 peer connected") and when the first listing shows, to break first contact down.
 */
function recordPhases(): void {
  const phases: Record<string, number> = {};
  (window as unknown as { __phases: Record<string, number> }).__phases = phases;
  const mark = (name: string, seen: boolean) => {
    if (seen && phases[name] === undefined) phases[name] = performance.now();
  };
  new MutationObserver(() => {
    const text = document.body?.textContent ?? "";
    mark("hub answered", /pb-[a-z2-7]{26}/.test(document.querySelector("header")?.textContent ?? ""));
    mark("radio online", /Online/.test(text));
    mark("peer ready", /1 peer connected/.test(text));
    mark("listing shown", document.querySelector("article.listing") !== null);
  }).observe(document, { subtree: true, childList: true, characterData: true });
}

const env = useServerAndBrowser();

it("first contact and live propagation between two browsers", async () => {
  const loadToSeen: number[] = [];
  const postToSeen: number[] = [];
  const phases: Record<string, number[]> = {};
  for (let round = 0; round < ROUNDS; round++) {
    const alice = await openBoard(await newUser(env.browser), env.server.url);
    await post(alice, { title: `Alice ${round}`, price: "1" });
    // Bob is a first-time visitor: identity generation, radio start, discovery, dial, HELLO, sync.
    const started = performance.now();
    const bobContext = await newUser(env.browser);
    await bobContext.addInitScript(recordPhases);
    const bob = await openBoard(bobContext, env.server.url);
    await listingHeading(bob, `Alice ${round}`).waitFor({ timeout: 30_000 });
    loadToSeen.push(performance.now() - started);
    const marks = await bob.evaluate(() => (window as unknown as { __phases: Record<string, number> }).__phases);
    for (const [name, at] of Object.entries(marks)) {
      const key = `Bob's navigation → ${name}`;
      phases[key] = [...(phases[key] ?? []), at];
    }
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
    ...phases,
  });
});
