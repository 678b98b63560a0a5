// The property behind every hostile-peer fix: one peer that passed HELLO and stays inside the
// rate limits, sending any sequence of valid-looking frames — sync, requests, photos, peer lists,
// listings, profiles of made-up people, chat messages, deal steps, receipts and mail to relay —
// cannot make an honest hub hold more than a fixed amount for it, send it more than a fixed
// budget plus a multiple of what it sent, evict the user's own data, or stop another peer's
// record from arriving.

import "fake-indexeddb/auto";
import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { generateIdentity } from "../../src/core/crypto.ts";
import { base64urlEncode } from "../../src/core/encoding.ts";
import { LISTINGS_PER_AUTHOR } from "../../src/core/listings/author-quota.ts";
import { createListing } from "../../src/core/listings/draft.ts";
import { PARTIAL_BYTES_MAX } from "../../src/core/listings/images.ts";
import type { Listing } from "../../src/core/listings/records.ts";
import { RELAY_LIMITS } from "../../src/core/mail/relay.ts";
import { type Profile, signProfile } from "../../src/core/profiles/profile.ts";
import { HINTS_MAX } from "../../src/core/session/dialer.ts";
import { PENDING_PER_PEER_MAX } from "../../src/core/sync/pending-fetches.ts";
import { type Frame, frame, frameSize, IMAGE_CHUNK_BYTES } from "../../src/core/wire.ts";
import { MemoryNetwork } from "../support/memory-link.ts";
import { buildPeer, post, type TestPeer } from "../support/peers.ts";
import { draft } from "./fixtures.ts";
import { type MailPool, mailFrames } from "./hostile-mail-frames.ts";

const BUDGET = { burstBytes: 300_000, bytesPerMinute: 0 };
const PER_PERSON = { messages: 10, deals: 3 };
const SEEN = 30;
const OTHER_PROFILES = 10;
const peers: TestPeer[] = [];
afterEach(async () => {
  for (const peer of peers.splice(0)) await peer.close();
  vi.restoreAllMocks();
});

async function node(network: MemoryNetwork, options: Parameters<typeof buildPeer>[1] = {}) {
  const peer = await buildPeer(network, { memory: true, ...options });
  peers.push(peer);
  return peer;
}

async function connect(network: MemoryNetwork, a: TestPeer, b: TestPeer) {
  network.connect(a.id, b.id);
  await vi.waitFor(
    () => {
      expect(a.session.readyPeers()).toContain(b.id);
      expect(b.session.readyPeers()).toContain(a.id);
    },
    { timeout: 5000 },
  );
}

const fakeId = fc.stringMatching(/^[A-Za-z0-9_-]{8,20}$/);
const hash = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => base64urlEncode(b));

/** Valid-looking frames of every type a peer may send after HELLO. */
function frames(ids: string[], hubId: string, own: Listing[], sybils: Profile[], mail: MailPool): fc.Arbitrary<Frame> {
  const known = fc.constantFrom(...ids);
  const now = Date.now();
  const key = fc.tuple(
    fc.oneof(fc.constant(now), fc.constant(Number.MAX_SAFE_INTEGER), fc.integer({ min: 0, max: now + 600_000 })),
    fc.oneof(known, fakeId),
  );
  return fc.oneof(
    // Sealed mail is most of what a person sends: drawn more often.
    { arbitrary: fc.constantFrom(...mail.frames), weight: 6 },
    fc
      .subarray(sybils, { minLength: 1, maxLength: 20 })
      .map((profiles) => frame({ type: "PROFILE_BROADCAST", profiles })),
    fc.array(known, { minLength: 1, maxLength: 1000 }).map((list) => frame({ type: "LISTING_REQUEST", ids: list })),
    fc.integer({ min: 1, max: 1000 }).map((n) => frame({ type: "PROFILE_REQUEST", ids: Array(n).fill(hubId) })),
    fc
      .array(key, { maxLength: 500 })
      .map((have) => frame({ type: "SYNC", set: "listings", from: [0, ""], ranges: [], have })),
    fc.constant(
      frame({ type: "SYNC", set: "listings", from: [0, ""], ranges: [{ b: [Number.MAX_SAFE_INTEGER, ""], ids: [] }] }),
    ),
    fc
      .array(key, { maxLength: 200 })
      .map((have) => frame({ type: "SYNC", set: "profiles", from: [0, ""], ranges: [], have })),
    fc.array(hash, { minLength: 1, maxLength: 16 }).map((hashes) => frame({ type: "IMAGE_REQUEST", hashes })),
    fc.tuple(hash, fc.integer({ min: 1, max: 4 })).map(([h, count]) =>
      frame({
        type: "IMAGE_CHUNK",
        hash: h,
        index: 0,
        count,
        data: base64urlEncode(new Uint8Array(IMAGE_CHUNK_BYTES)),
      }),
    ),
    fc
      .array(fc.stringMatching(/^pb-[a-z2-7]{26}$/), { maxLength: 100 })
      .map((list) => frame({ type: "PEER_LIST", peers: list.map((id) => ({ id, lastSeen: now })) })),
    fc.subarray(own, { minLength: 1, maxLength: 50 }).map((listings) => frame({ type: "LISTING_BROADCAST", listings })),
  );
}

describe("one hostile peer inside the rate limits", () => {
  it("holds a bounded amount, gets a bounded answer, evicts nothing of the user's, censors nothing", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const network = new MemoryNetwork();
    const hub = await node(network, {
      answerBudget: BUDGET,
      perPerson: PER_PERSON,
      seenMax: SEEN,
      otherProfiles: { count: OTHER_PROFILES },
    });
    const mine = [await post(hub, draft({ title: "Mine 1" })), await post(hub, draft({ title: "Mine 2" }))];
    // The user wrote to Bob, who is away now: their conversation and his profile are the user's.
    const bob = await node(network);
    await connect(network, hub, bob);
    const toBob = await hub.chat.send(bob.id, (mine[0] as Listing).id, "Still for sale");
    await vi.waitFor(async () => expect((await hub.store.getMessage(hub.id, toBob.id))?.status).toBe("delivered"));
    network.disconnect(hub.id, bob.id);
    const userMessage = await hub.store.getMessage(hub.id, toBob.id);
    const ownProfile = await hub.profiles.mine();
    const mallory = await node(network);
    const flood: Listing[] = [];
    for (let i = 0; i < LISTINGS_PER_AUTHOR + 30; i++)
      flood.push(await createListing(mallory.identity, draft({ title: `Flood ${i}` }), Date.now() - 60_000 + i));
    const sybils: Profile[] = [];
    for (let i = 0; i < 3 * OTHER_PROFILES; i++)
      sybils.push(await signProfile(await generateIdentity(Date.now()), { name: `Sybil ${i}`, about: "" }, Date.now()));
    const mail = await mailFrames(mallory.identity, hub.identity, {
      listingId: (mine[0] as Listing).id,
      away: bob.identity,
      userMessageId: toBob.id,
      now: Date.now(),
    });
    await connect(network, hub, mallory);
    const ids = [...mine.map((l) => l.id), ...flood.slice(0, 5).map((l) => l.id)];
    const arbitrary = frames(ids, hub.id, flood, sybils, mail);
    await fc.assert(
      fc.asyncProperty(fc.array(arbitrary, { minLength: 1, maxLength: 25 }), async (sequence) => {
        const since = network.sent.length;
        for (const f of sequence) mallory.session.send(hub.id, f);
        await vi.waitFor(() =>
          expect(hub.session.connectedPeers().find((p) => p.id === mallory.id)?.framesIn).toBeGreaterThan(0),
        );
        for (let i = 0; i < 3; i++) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          await hub.session.whenIdle(mallory.id);
        }
        // Still connected: everything here was within the rules.
        expect(hub.session.readyPeers()).toContain(mallory.id);
        const sent = network.sent.slice(since);
        const bytesIn = sent
          .filter((s) => s.from === mallory.id && s.to === hub.id)
          .reduce((n, s) => n + frameSize(s.frame), 0);
        const bytesOut = sent
          .filter((s) => s.from === hub.id && s.to === mallory.id)
          .reduce((n, s) => n + frameSize(s.frame), 0);
        // Answers come out of the budget; requests for what she announced are about her size.
        expect(bytesOut).toBeLessThanOrEqual(BUDGET.burstBytes + 2 * bytesIn + 64 * 1024);
        expect(hub.sync?.outstanding("listings") ?? 0).toBeLessThanOrEqual(PENDING_PER_PEER_MAX);
        expect(hub.images.partialBytes()).toBeLessThanOrEqual(PARTIAL_BYTES_MAX);
        expect(hub.listings.heldOf(mallory.id)).toBeLessThanOrEqual(LISTINGS_PER_AUTHOR);
        expect(hub.dialer.candidateCount()).toBeLessThanOrEqual(10 + HINTS_MAX);
        for (const listing of mine) expect(await hub.store.getListing(listing.id)).toEqual(listing);
        // Mail: what one person may leave, what a relay holds for one author, the ids remembered.
        const messages = (await hub.store.listMessages()).filter((m) => m.author === mallory.id);
        expect(messages.length).toBeLessThanOrEqual(PER_PERSON.messages);
        const deals = (await hub.store.listDeals()).filter((d) => d.buyer === mallory.id);
        expect(deals.length).toBeLessThanOrEqual(PER_PERSON.deals);
        expect(hub.mailbox.relayStats().held).toBeLessThanOrEqual(RELAY_LIMITS.maxHeldPerAuthor);
        const seen = await Promise.all(mail.msgIds.map((id) => hub.store.wasSeen(mallory.id, id)));
        expect(seen.filter(Boolean).length).toBeLessThanOrEqual(SEEN);
        // Profiles of people nobody here needs (Mallory has listings stored, Bob a conversation).
        const needed = new Set([hub.id, bob.id, mallory.id]);
        const others = (await hub.store.listProfiles()).filter((p) => !needed.has(p.peerId));
        expect(others.length).toBeLessThanOrEqual(OTHER_PROFILES);
        // The user's own: the message to Bob (no one else's receipt changes it), Bob's profile, ours.
        expect(await hub.store.getMessage(hub.id, toBob.id)).toEqual(userMessage);
        expect(await hub.store.getProfile(bob.id)).toBeDefined();
        expect(await hub.profiles.mine()).toEqual(ownProfile);
      }),
      { numRuns: 12, seed: 20261201 },
    );
    // The flood reached every handler (else the bounds above say nothing): some of it was taken in.
    expect((await hub.store.listMessages()).some((m) => m.author === mallory.id)).toBe(true);
    expect((await hub.store.listDeals()).some((d) => d.buyer === mallory.id)).toBe(true);
    expect(hub.mailbox.relayStats().held).toBeGreaterThan(0);
    expect((await hub.store.listProfiles()).some((p) => sybils.some((s) => s.peerId === p.peerId))).toBe(true);
    // After all that, another peer's listing still arrives.
    const alice = await node(network);
    const theirs = await post(alice, draft({ title: "Alice's lamp" }));
    await connect(network, hub, alice);
    await vi.waitFor(async () => expect(await hub.store.getListing(theirs.id)).toEqual(theirs), { timeout: 5000 });
    // And so does her mail: Mallory's flood of messages took only Mallory's share.
    const hello = await alice.chat.send(hub.id, theirs.id, "Is the lamp still there?");
    await vi.waitFor(async () => expect((await hub.store.getMessage(alice.id, hello.id))?.text).toBe(hello.text), {
      timeout: 5000,
    });
  }, 120_000);
});
