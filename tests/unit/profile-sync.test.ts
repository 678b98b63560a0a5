// Profiles reconciled and gossiped like listings (issue 6): SYNC set "profiles", PROFILE_REQUEST,
// PROFILE_BROADCAST, over the in-memory link with real Protocols and Profiles.

import fc from "fast-check";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { generateIdentity, type Identity, type PeerId } from "../../src/core/crypto.ts";
import { createProfile, type Profile } from "../../src/core/profiles/profile.ts";
import { type Frame, frame, parseFrame } from "../../src/core/wire.ts";
import type { MemoryNetwork } from "../support/memory-link.ts";
import type { TestPeer } from "../support/peers.ts";
import { usePeers } from "../support/use-peers.ts";

const WAIT = { timeout: 5_000, interval: 5 };
const NOW = Date.now();

const peers = usePeers({ quiet: true });
let network: MemoryNetwork;
beforeEach(() => {
  network = peers.network();
});
const connectReady = peers.connect;
type Node = TestPeer;

async function node(identity?: Identity, blocked: PeerId[] = []): Promise<Node> {
  return peers.node({ identity: identity ?? (await generateIdentity(NOW)), blocked });
}

async function seed(n: Node, profiles: Profile[]): Promise<void> {
  for (const profile of profiles) await n.store.putProfileIf(profile, () => true);
}

const held = async (n: Node) => (await n.store.listProfiles()).map((p) => `${p.peerId}@${p.updatedAt}`).sort();

/** Whole profiles that travelled from → to, in any frame. */
function profilesCarried(from: PeerId, to: PeerId, about?: PeerId, since = 0): number {
  let count = 0;
  for (const s of network.sent.slice(since)) {
    if (s.from !== from || s.to !== to) continue;
    const f = s.frame as Frame;
    const carried = f.type === "USER_INFO" ? [f.profile] : f.type === "PROFILE_BROADCAST" ? f.profiles : [];
    count += carried.filter((p) => !about || p.peerId === about).length;
  }
  return count;
}

/** Authors with two versions each of their profile, signed once for every test. */
let authors: { identity: Identity; versions: [Profile, Profile] }[] = [];

beforeAll(async () => {
  authors = await Promise.all(
    Array.from({ length: 8 }, async (_, i) => {
      const identity = await generateIdentity(NOW);
      const first = await createProfile(identity, { name: `Author ${i}`, about: "" }, NOW - 10_000);
      const second = await createProfile(identity, { name: `Author ${i}, later`, about: "" }, NOW - 5_000, first);
      return { identity, versions: [first, second] as [Profile, Profile] };
    }),
  );
});

describe("profiles on connect", () => {
  it("for any two sets of profiles, both sides end with the newest version of every one", async () => {
    // Per author: nobody, A, B or both hold it, each side the first or the second version.
    const holding = fc.constantFrom("none", "a", "b", "both");
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(holding, fc.boolean(), fc.boolean()), { minLength: 8, maxLength: 8 }),
        async (plan) => {
          const a = await node();
          const b = await node();
          // Every peer publishes its own (nameless) profile from the start: both end with both.
          const expected: string[] = [...(await held(a)), ...(await held(b))];
          for (const [i, [who, aNewer, bNewer]] of plan.entries()) {
            const { versions } = authors[i] as (typeof authors)[number];
            if (who === "a" || who === "both") await seed(a, [versions[aNewer ? 1 : 0]]);
            if (who === "b" || who === "both") await seed(b, [versions[bNewer ? 1 : 0]]);
            if (who === "none") continue;
            const newest = who === "both" ? aNewer || bNewer : who === "a" ? aNewer : bNewer;
            const profile = versions[newest ? 1 : 0];
            expected.push(`${profile.peerId}@${profile.updatedAt}`);
          }
          await connectReady(a, b);
          await vi.waitFor(async () => {
            expect(await held(a)).toEqual(expected.sort());
            expect(await held(b)).toEqual(expected);
          }, WAIT);
          network.disconnect(a.id, b.id);
        },
      ),
      { numRuns: 25 },
    );
  }, 60_000);

  it("a newcomer gets the other side's own profile by reconciliation, and only the profiles it lacked", async () => {
    const a = await node();
    const b = await node();
    await a.profiles.save({ name: "Alice", about: "" });
    const shared = authors.slice(0, 5).map((author) => author.versions[1]);
    await seed(a, [...shared, (authors[5] as (typeof authors)[number]).versions[1]]);
    await seed(b, shared);
    await connectReady(a, b);
    await vi.waitFor(async () => expect((await b.profiles.get(a.id))?.name).toBe("Alice"), WAIT);
    await vi.waitFor(async () => expect(await held(b)).toEqual(await held(a)), WAIT);
    // Alice's own and the one B lacked: nothing it already had, and no dump on connect.
    expect(profilesCarried(a.id, b.id)).toBe(2);
    expect(network.sent.some((s) => (s.frame as Frame).type === "USER_INFO")).toBe(false);
    for (const s of network.sent) expect(parseFrame(s.frame).ok).toBe(true);
  });

  it("a blocked author's profile is neither offered in reconciliation nor served on request", async () => {
    const carol = authors[0] as (typeof authors)[number];
    const a = await node(undefined, [carol.identity.peerId]);
    const b = await node();
    await seed(a, [carol.versions[1], (authors[1] as (typeof authors)[number]).versions[1]]);
    await connectReady(a, b);
    await vi.waitFor(async () => expect(await b.store.listProfiles()).toHaveLength(1), WAIT);
    b.session.send(a.id, frame({ type: "PROFILE_REQUEST", ids: [carol.identity.peerId] }));
    await a.session.whenIdle(b.id);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(await b.store.getProfile(carol.identity.peerId)).toBeUndefined();
    expect(profilesCarried(a.id, b.id, carol.identity.peerId)).toBe(0);
  });
});

describe("profile gossip", () => {
  it("the author sends a new profile to its peers; a hub two hops away pulls it once though two peers announce it", async () => {
    // A is connected to B and C; D only to B and C.
    const [a, b, c, d] = await peers.diamond(() => node());
    const before = network.sent.length;
    await a.profiles.save({ name: "Alice", about: "New here" });
    await vi.waitFor(async () => expect((await d.profiles.get(a.id))?.name).toBe("Alice"), WAIT);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const whole = (to: PeerId) =>
      profilesCarried(a.id, to, a.id, before) +
      profilesCarried(b.id, to, a.id, before) +
      profilesCarried(c.id, to, a.id, before);
    expect(whole(d.id)).toBe(1);
    expect(whole(b.id)).toBe(1);
    expect(whole(c.id)).toBe(1);
    const announcements = network.sent
      .slice(before)
      .filter((s) => (s.frame as Frame).type === "SYNC" && (s.frame as { set: string }).set === "profiles");
    expect(announcements.length).toBeGreaterThan(0);
  });
});

describe("bad profile frames", () => {
  async function pair() {
    const a = await node();
    const b = await node();
    await connectReady(a, b);
    return { a, b };
  }

  it("drops a malformed PROFILE_REQUEST or one over the cap, and counts it", async () => {
    const { a, b } = await pair();
    const raw = (ids: unknown) => ({ v: 1, type: "PROFILE_REQUEST", id: "bad-request", ids }) as unknown as Frame;
    b.session.send(a.id, raw(["not a peer id"]));
    b.session.send(a.id, raw(Array.from({ length: 1001 }, () => b.id)));
    await vi.waitFor(() => expect(a.session.policy.score(b.id)).toBe(4), WAIT);
  });

  it("drops an oversized profile SYNC before parsing it, and a SYNC whose ranges go backwards", async () => {
    const { a, b } = await pair();
    const sync = (body: Record<string, unknown>) =>
      ({ v: 1, type: "SYNC", id: "bad-sync", set: "profiles", from: [0, ""], ranges: [], ...body }) as unknown as Frame;
    b.session.send(a.id, sync({ have: Array.from({ length: 2000 }, (_, i) => [i, `${b.id}${i}`]) }));
    await vi.waitFor(() => expect(a.session.policy.score(b.id)).toBe(5), WAIT);
    b.session.send(a.id, sync({ from: [10, ""], ranges: [{ b: [5, ""], fp: "A".repeat(22) }] }));
    await vi.waitFor(() => expect(a.session.policy.score(b.id)).toBe(7), WAIT);
  });

  it("a forged profile in a PROFILE_BROADCAST counts against the sender; the valid ones in it are kept", async () => {
    const { a, b } = await pair();
    const [first, second] = authors.slice(0, 2).map((author) => author.versions[1]) as [Profile, Profile];
    b.session.send(a.id, frame({ type: "PROFILE_BROADCAST", profiles: [{ ...first, name: "Forged" }, second] }));
    await vi.waitFor(() => expect(a.session.policy.score(b.id)).toBe(5), WAIT);
    await vi.waitFor(async () => expect(await a.store.getProfile(second.peerId)).toEqual(second), WAIT);
    expect(await a.store.getProfile(first.peerId)).toBeUndefined();
  });
});
