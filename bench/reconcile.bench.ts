// Two hubs that share 99% of 10,000 listings meet: bytes, frames and round trips until both
// hold the union, with set reconciliation against the send-all baseline, in one run. Then the
// same for 1,000 profiles, against the bytes of sending every profile.
// Run: npx vitest run --config bench/vitest.config.ts bench/reconcile.bench.ts

import { it } from "vitest";
import { generateIdentity, type Identity } from "../src/core/crypto.ts";
import { createListing } from "../src/core/listings/draft.ts";
import type { Listing } from "../src/core/listings/records.ts";
import { createProfile, type Profile } from "../src/core/profiles/profile.ts";
import { initiate, respond, type SyncKey, type SyncMessage, SyncSet } from "../src/core/sync/reconcile.ts";
import { frame, frameSize } from "../src/core/wire.ts";
import { DelayedNetwork } from "../tests/sim/mesh.ts";
import { MemoryStore } from "../tests/support/memory-store.ts";
import { buildPeer } from "../tests/support/peers.ts";
import { draft } from "../tests/unit/fixtures.ts";

const TOTAL = Number(process.env.BENCH_LISTINGS ?? 10_000);
/** Listings each side holds that the other lacks (1% of TOTAL). */
const UNIQUE = Math.round(TOTAL / 100);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 10);
const AUTHORS = 100;
const PROFILES = Number(process.env.BENCH_PROFILES ?? 1_000);

async function makeListings(count: number): Promise<Listing[]> {
  const authors: Identity[] = await Promise.all(Array.from({ length: AUTHORS }, () => generateIdentity(0)));
  const now = Date.now();
  const out: Listing[] = [];
  for (let i = 0; i < count; i++) {
    const author = authors[i % AUTHORS] as Identity;
    // Spread over 30 days, as a board's listings are.
    const at = now - Math.floor(Math.random() * 30 * 86_400_000);
    out.push(await createListing(author, draft({ title: `Listing ${i}`, description: "d".repeat(300) }), at));
  }
  return out;
}

/** Messages one after the other between two pure reconcilers: the protocol's SYNC rounds. */
async function syncRounds(a: Listing[], b: Listing[]): Promise<number> {
  const keys = (ls: Listing[]) => ls.map((l): SyncKey => [l.updatedAt, l.id]);
  const sides = [await SyncSet.fromKeys(keys(a)), await SyncSet.fromKeys(keys(b))] as const;
  let inFlight: SyncMessage[] = await initiate(sides[0]);
  let rounds = 0;
  while (inFlight.length) {
    rounds++;
    const next: SyncMessage[] = [];
    const receiver = rounds % 2 === 1 ? sides[1] : sides[0];
    for (const message of inFlight) next.push(...(await respond(receiver, message)).replies);
    inFlight = next;
  }
  return rounds;
}

function bytesByType(sent: { frame: unknown }[]) {
  const byType = new Map<string, { frames: number; bytes: number }>();
  for (const { frame } of sent) {
    const type = (frame as { type: string }).type;
    const entry = byType.get(type) ?? { frames: 0, bytes: 0 };
    entry.frames++;
    entry.bytes += frameSize(frame);
    byType.set(type, entry);
  }
  const bytes = [...byType.values()].reduce((sum, e) => sum + e.bytes, 0);
  return { byType, bytes };
}

async function meet(mode: "reconcile" | "send-all", a: Listing[], b: Listing[], union: number) {
  const network = new DelayedNetwork(LATENCY_MS);
  const nodes = await Promise.all(
    [a, b].map(async (listings) => {
      const store = new MemoryStore();
      for (const listing of listings) await store.putListingIf(listing, () => true);
      const peer = await buildPeer(network, { store, syncMode: mode });
      const held = { count: listings.length };
      peer.listings.onListing(() => held.count++);
      return { identity: peer.identity, held };
    }),
  );
  const [x, y] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
  const started = performance.now();
  network.connect(x.identity.peerId, y.identity.peerId);
  // onListing fires once per listing that was news, so the counts reach the union exactly.
  while (x.held.count < union || y.held.count < union) await new Promise((resolve) => setTimeout(resolve, 5));
  const elapsed = performance.now() - started;
  network.disconnect(x.identity.peerId, y.identity.peerId);
  return { elapsed, ...bytesByType(network.sent) };
}

/** Two hubs with Profiles, each holding `a` or `b`, meet and reconcile until both hold all. */
async function meetProfiles(a: Profile[], b: Profile[], union: number) {
  const network = new DelayedNetwork(LATENCY_MS);
  const nodes = await Promise.all(
    [a, b].map(async (profiles) => {
      const store = new MemoryStore();
      for (const profile of profiles) await store.putProfileIf(profile, () => true);
      const peer = await buildPeer(network, { store });
      // Its own profile (every peer publishes one from the start) counts as held too.
      const held = { count: profiles.length + 1 };
      peer.profiles.onProfile(() => held.count++);
      return { identity: peer.identity, held };
    }),
  );
  const [x, y] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
  const started = performance.now();
  network.connect(x.identity.peerId, y.identity.peerId);
  while (x.held.count < union + 2 || y.held.count < union + 2) await new Promise((resolve) => setTimeout(resolve, 5));
  const elapsed = performance.now() - started;
  network.disconnect(x.identity.peerId, y.identity.peerId);
  return { elapsed, ...bytesByType(network.sent) };
}

it(`two hubs sharing 99% of ${TOTAL} listings`, async () => {
  const all = await makeListings(TOTAL + UNIQUE);
  const shared = all.slice(0, TOTAL - UNIQUE);
  const a = [...shared, ...all.slice(TOTAL - UNIQUE, TOTAL)];
  const b = [...shared, ...all.slice(TOTAL)];
  const union = all.length;
  const rounds = await syncRounds(a, b);
  const reconcile = await meet("reconcile", a, b, union);
  const sendAll = await meet("send-all", a, b, union);
  // The records that must move anyway: each side's 100 the other lacks, as JSON.
  const needed = all.slice(TOTAL - UNIQUE).reduce((sum, listing) => sum + frameSize(listing), 0);
  const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  const detail = (r: typeof reconcile) =>
    [...r.byType].map(([type, e]) => `${type} ${e.frames} frames ${kib(e.bytes)}`).join("; ");
  console.log(
    [
      `\nTwo hubs, ${TOTAL} listings each, ${UNIQUE} on each side the other lacks, one-way latency ${LATENCY_MS} ms`,
      "| mode | bytes, both directions | ÷ records that must move | % of send-all | range SYNC messages in sequence | time to union | frames |",
      "| --- | --- | --- | --- | --- | --- | --- |",
      `| reconcile | ${kib(reconcile.bytes)} | ${(reconcile.bytes / needed).toFixed(2)}× of ${kib(needed)} | ${((100 * reconcile.bytes) / sendAll.bytes).toFixed(2)} % | ${rounds} (${Math.ceil(rounds / 2)} round trips) + request/answer | ${Math.round(reconcile.elapsed)} ms | ${detail(reconcile)} |`,
      `| send-all | ${kib(sendAll.bytes)} | ${(sendAll.bytes / needed).toFixed(2)}× | 100 % | – | ${Math.round(sendAll.elapsed)} ms | ${detail(sendAll)} |`,
    ].join("\n"),
  );
});

it(`two hubs sharing 99% of ${PROFILES} profiles`, async () => {
  const unique = Math.round(PROFILES / 100);
  const now = Date.now();
  const all = await Promise.all(
    Array.from({ length: PROFILES + unique }, async (_, i) => {
      const identity = await generateIdentity(0);
      const at = now - Math.floor(Math.random() * 30 * 86_400_000);
      return createProfile(identity, { name: `Member ${i}`, about: "a".repeat(200) }, at);
    }),
  );
  const shared = all.slice(0, PROFILES - unique);
  const a = [...shared, ...all.slice(PROFILES - unique, PROFILES)];
  const b = [...shared, ...all.slice(PROFILES)];
  const result = await meetProfiles(a, b, all.length);
  // What sending every profile both ways would cost: one USER_INFO each.
  const everything = [...a, ...b].reduce((sum, profile) => sum + frameSize(frame({ type: "USER_INFO", profile })), 0);
  // The profiles that must move anyway (each side's own, published at start, not counted).
  const needed = all.slice(PROFILES - unique).reduce((sum, profile) => sum + frameSize(profile), 0);
  const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  const detail = [...result.byType].map(([type, e]) => `${type} ${e.frames} frames ${kib(e.bytes)}`).join("; ");
  console.log(
    [
      `\nTwo hubs, ${PROFILES} profiles each (200-character about), ${unique} on each side the other lacks, one-way latency ${LATENCY_MS} ms`,
      "| set | bytes, both directions | ÷ profiles that must move | % of sending every profile | time to union | frames |",
      "| --- | --- | --- | --- | --- | --- |",
      `| profiles | ${kib(result.bytes)} | ${(result.bytes / needed).toFixed(2)}× of ${kib(needed)} | ${((100 * result.bytes) / everything).toFixed(2)} % of ${kib(everything)} | ${Math.round(result.elapsed)} ms | ${detail} |`,
    ].join("\n"),
  );
});
