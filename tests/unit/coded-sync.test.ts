// Coded reconciliation (sync/coded-sync.ts over riblt.ts): the exchange on its own, as a
// property, and between real peers built by createPeer: small differences travel as symbols,
// large ones and older peers go by ranges, and bad symbols change nothing stored.

import "fake-indexeddb/auto";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { generateIdentity } from "../../src/core/crypto.ts";
import { createListing } from "../../src/core/listings/draft.ts";
import type { Listing } from "../../src/core/listings/records.ts";
import { CODED_CAPACITY, CodedExchanges, MAX_EXCHANGES } from "../../src/core/sync/coded-sync.ts";
import { type SyncKey, SyncSet } from "../../src/core/sync/reconcile.ts";
import { type Frame, type FrameOf, parseFrame } from "../../src/core/wire.ts";
import { MemoryNetwork } from "../support/memory-link.ts";
import { buildPeer, type TestPeer } from "../support/peers.ts";
import { draft } from "./fixtures.ts";

const WAIT = { timeout: 10_000, interval: 5 };
const text = (key: SyncKey) => `${key[0]}:${key[1]}`;

type Coded = FrameOf<"SYNC_CODED">;

/** Every frame as the wire carries it: JSON, then the schema. */
function wire(f: Frame): Coded {
  const parsed = parseFrame(JSON.parse(JSON.stringify(f)));
  if (!parsed.ok || parsed.frame.type !== "SYNC_CODED") throw new Error(`not a SYNC_CODED frame: ${parsed.ok}`);
  return parsed.frame;
}

/** A whole coded exchange opened by A: what each side learnt the other lacks, or a fallback. */
async function exchange(a: SyncKey[], b: SyncKey[]) {
  const [setA, setB] = [await SyncSet.fromKeys(a), await SyncSet.fromKeys(b)];
  const [sideA, sideB] = [new CodedExchanges(), new CodedExchanges()];
  const learnt = { bLacks: [] as SyncKey[], aLacks: [] as SyncKey[], fallback: false, frames: 0 };
  let toB: Frame[] = [sideA.open("pb-b", "listings", setA)];
  while (toB.length) {
    const toA: Frame[] = [];
    for (const f of toB) {
      learnt.frames++;
      const step = sideB.handle("pb-a", wire(f), setB);
      learnt.aLacks.push(...step.have);
      learnt.fallback ||= step.fallback;
      toA.push(...step.replies);
    }
    toB = [];
    for (const f of toA) {
      learnt.frames++;
      const step = sideA.handle("pb-b", wire(f), setA);
      learnt.bLacks.push(...step.have);
      toB.push(...step.replies);
    }
  }
  return learnt;
}

const keyArb = fc.tuple(
  fc.integer({ min: 1_700_000_000_000, max: 1_700_000_900_000 }),
  fc.stringMatching(/^[a-z0-9]{8,12}$/),
);
/** Two sets of more than 32 keys (smaller ones go by ranges): a shared base and keys on either side. */
const setsArb = fc
  .uniqueArray(fc.tuple(keyArb, fc.constantFrom("a", "b", "both")), {
    minLength: 0,
    maxLength: 300,
    selector: ([k]) => text(k),
  })
  .chain((entries) =>
    fc.uniqueArray(keyArb, { minLength: 40, maxLength: 60, selector: text }).map((base) => {
      const seen = new Set(entries.map(([k]) => text(k)));
      const shared = base.filter((k) => !seen.has(text(k)));
      return {
        a: [...shared, ...entries.filter(([, s]) => s !== "b").map(([k]) => k as SyncKey)],
        b: [...shared, ...entries.filter(([, s]) => s !== "a").map(([k]) => k as SyncKey)],
      };
    }),
  );

const sortedTexts = (keys: readonly SyncKey[]) => keys.map(text).sort();

describe("a coded exchange on its own", () => {
  it("any two sets: afterwards each side knows exactly the keys the other lacks, newest first", async () => {
    await fc.assert(
      fc.asyncProperty(setsArb, async ({ a, b }) => {
        const learnt = await exchange(a, b);
        const [inA, inB] = [new Set(a.map(text)), new Set(b.map(text))];
        expect(learnt.fallback).toBe(false);
        expect(sortedTexts(learnt.bLacks)).toEqual(sortedTexts(a.filter((k) => !inB.has(text(k)))));
        expect(sortedTexts(learnt.aLacks)).toEqual(sortedTexts(b.filter((k) => !inA.has(text(k)))));
        for (const keys of [learnt.aLacks, learnt.bLacks])
          expect(keys.map((k) => k[0])).toEqual([...keys.map((k) => k[0])].sort((x, y) => y - x));
      }),
      { numRuns: 60 },
    );
  });

  it("sets of very different sizes go to ranges at once, before any decoding", async () => {
    const keys = Array.from({ length: 1_200 }, (_, i): SyncKey => [1_700_000_000_000 + i, `key${i}abcdef`]);
    const learnt = await exchange(keys, keys.slice(0, 100));
    expect(learnt).toMatchObject({ fallback: true, frames: 1, aLacks: [], bLacks: [] });
  });

  it("a difference too large for the symbols goes to ranges once they run out", async () => {
    const keys = (side: string) =>
      Array.from({ length: 1_500 }, (_, i): SyncKey => [1_700_000_000_000 + i, `${side}${i}abcdefgh`]);
    const learnt = await exchange(keys("a"), keys("b"));
    expect(learnt.fallback).toBe(true);
    expect(learnt.aLacks).toEqual([]);
  });

  it("refuses symbols out of turn, a request past capacity, and more exchanges than allowed", async () => {
    const set = await SyncSet.fromKeys(
      Array.from({ length: 50 }, (_, i): SyncKey => [1_700_000_000_000 + i, `k${i}abcdefg`]),
    );
    const side = new CodedExchanges();
    const symbols = (start: number) =>
      ({
        v: 1,
        id: "x",
        type: "SYNC_CODED",
        set: "listings",
        step: "symbols",
        size: 50,
        start,
        data: "A".repeat(38),
      }) as Coded;
    expect(() => side.handle("pb-x", symbols(3), set)).toThrow(/no exchange/);
    const opened = wire(side.open("pb-y", "listings", set));
    expect(opened.step).toBe("symbols");
    const more = { v: 1, id: "m", type: "SYNC_CODED", set: "listings", step: "more", start: CODED_CAPACITY } as Coded;
    expect(() => side.handle("pb-y", more, set)).toThrow(/than agreed/);
    // The exchange is over after that: a further request is not answered.
    expect(side.handle("pb-y", more, set).replies).toEqual([]);
    for (let i = 0; i < MAX_EXCHANGES; i++) side.handle("pb-z", symbols(0), set);
    expect(() => side.handle("pb-z", symbols(0), set)).toThrow(/Too many/);
  });
});

describe("hostile coded frames", () => {
  it("any run of symbols, requests and answers ends in a step or a CodedSyncError, never more than it holds", async () => {
    const keys = Array.from({ length: 100 }, (_, i): SyncKey => [1_700_000_000_000 + i, `k${i}abcdefg`]);
    const set = await SyncSet.fromKeys(keys);
    const ours = new Set(keys.map(text));
    const frameArb = fc
      .tuple(fc.constantFrom("symbols", "more", "done"), fc.nat(3000), fc.uint8Array({ minLength: 1, maxLength: 600 }))
      .map(([step, n, bytes]) => {
        const data = Buffer.from(bytes).toString("base64url");
        const body =
          step === "symbols"
            ? { size: 100, start: n % 3 ? 0 : n, data }
            : step === "more"
              ? { start: n }
              : { want: data };
        return { v: 1, id: "h", type: "SYNC_CODED", set: "listings", step, ...body } as Coded;
      });
    fc.assert(
      fc.property(fc.array(frameArb, { maxLength: 30 }), fc.boolean(), (frames, opened) => {
        const side = new CodedExchanges();
        if (opened) side.open("pb-h", "listings", set);
        for (const f of frames) {
          try {
            const step = side.handle("pb-h", f, set);
            expect(step.replies.length).toBeLessThanOrEqual(1);
            for (const key of step.have) expect(ours.has(text(key))).toBe(true);
          } catch (error) {
            expect((error as Error).name).toBe("CodedSyncError");
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});

let network: MemoryNetwork;
let peers: TestPeer[];

beforeEach(() => {
  network = new MemoryNetwork();
  peers = [];
  vi.spyOn(console, "warn").mockImplementation(() => undefined);
});

afterEach(async () => {
  for (const peer of peers.splice(0)) await peer.close();
  vi.restoreAllMocks();
});

async function node(): Promise<TestPeer> {
  const peer = await buildPeer(network);
  peers.push(peer);
  return peer;
}

async function listings(count: number, prefix: string): Promise<Listing[]> {
  const author = await generateIdentity(Date.now());
  return Promise.all(
    Array.from({ length: count }, (_, i) => createListing(author, draft({ title: `${prefix} ${i}` }), Date.now() - i)),
  );
}

const held = async (peer: TestPeer) => (await peer.store.listListings()).map((l) => l.id).sort();
const typeOf = (s: { frame: unknown }) => (s.frame as { type: string; set?: string }).type;
const listingRanges = () =>
  network.sent.filter(
    (s) =>
      typeOf(s) === "SYNC" &&
      (s.frame as { set: string; ranges: unknown[] }).set === "listings" &&
      (s.frame as { ranges: unknown[] }).ranges.length,
  );

/** Two peers with `shared` in common and a few each of their own, not yet connected. */
async function twoBoards(order?: "old-opens" | "new-opens") {
  const shared = await listings(60, "Shared");
  const [onlyA, onlyB] = [await listings(7, "Only A"), await listings(5, "Only B")];
  let [a, b] = [await node(), await node()];
  // The smaller id opens: arrange which one that is when the test says.
  while (order && (order === "new-opens") !== a.id < b.id) [a, b] = [b, await node()];
  await a.store.putListingsIf([...shared, ...onlyA], () => true);
  await b.store.putListingsIf([...shared, ...onlyB], () => true);
  const union = [...shared, ...onlyA, ...onlyB].map((l) => l.id).sort();
  return { a, b, union };
}

describe("coded reconciliation between peers", () => {
  it("a reconnect with a small difference moves symbols, not key lists of ranges, and ends in the union", async () => {
    const { a, b, union } = await twoBoards();
    network.connect(a.id, b.id);
    await vi.waitFor(async () => {
      expect(await held(a)).toEqual(union);
      expect(await held(b)).toEqual(union);
    }, WAIT);
    expect(network.sent.some((s) => typeOf(s) === "SYNC_CODED")).toBe(true);
    expect(listingRanges()).toEqual([]);
  });

  for (const order of ["new-opens", "old-opens"] as const)
    it(`a new peer and an older one, whose HELLO has no coded mark, still sync (${order})`, async () => {
      const { a: fresh, b: old, union } = await twoBoards(order);
      // What each reads from the other's HELLO: the older peer knows no coded sync at all.
      vi.spyOn(fresh.session, "readsCodedSync").mockImplementation((peer) => peer !== old.id);
      vi.spyOn(old.session, "readsCodedSync").mockReturnValue(false);
      network.connect(fresh.id, old.id);
      await vi.waitFor(async () => {
        expect(await held(fresh)).toEqual(union);
        expect(await held(old)).toEqual(union);
      }, WAIT);
      // An older peer would have refused the frame as malformed.
      expect(network.sent.filter((s) => s.to === old.id && typeOf(s) === "SYNC_CODED")).toEqual([]);
      expect(listingRanges().length).toBeGreaterThan(0);
    });

  it("symbols that do not fit are refused and counted, change nothing stored, and the peer stays connected", async () => {
    const { a, b, union } = await twoBoards();
    // b holds no coded exchange: nothing it is sent is asked for, and its own opening is held back.
    vi.spyOn(b.session, "readsCodedSync").mockReturnValue(false);
    vi.spyOn(a.session, "readsCodedSync").mockReturnValue(false);
    network.connect(a.id, b.id);
    // Both sides done: a listing still on its way to b would land after `before` is taken.
    await vi.waitFor(async () => {
      expect(await held(a)).toEqual(union);
      expect(await held(b)).toEqual(union);
    }, WAIT);
    const before = await held(b);
    const bad = (body: Record<string, unknown>) =>
      ({
        v: 1,
        id: "bad",
        type: "SYNC_CODED",
        set: "listings",
        step: "symbols",
        size: 72,
        ...body,
      }) as unknown as Frame;
    a.session.send(b.id, bad({ start: 9, data: "A".repeat(28) }));
    a.session.send(b.id, bad({ start: 0, data: "A".repeat(27) }));
    await vi.waitFor(() => expect(b.session.policy.score(a.id)).toBe(4), WAIT);
    expect(await held(b)).toEqual(before);
    expect(b.session.readyPeers()).toContain(a.id);
  });
});
