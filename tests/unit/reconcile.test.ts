import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  BUCKETS,
  HIGHEST,
  ID_LIST_THRESHOLD,
  initiate,
  LOWEST,
  respond,
  type SyncKey,
  type SyncMessage,
  SyncSet,
} from "../../src/core/sync/reconcile.ts";

const text = (key: SyncKey) => `${key[0]}:${key[1]}`;

/** Runs a whole exchange between two in-memory sides; returns what each learnt it needs. */
async function exchange(a: SyncSet, b: SyncSet) {
  const need = { a: [] as SyncKey[], b: [] as SyncKey[] };
  let inFlight: SyncMessage[] = await initiate(a);
  let toB = true;
  let rounds = 0;
  while (inFlight.length) {
    rounds++;
    const receiver = toB ? b : a;
    const next: SyncMessage[] = [];
    for (const message of inFlight) {
      // What travels is JSON: make sure nothing depends on object identity.
      const step = await respond(receiver, JSON.parse(JSON.stringify(message)));
      (toB ? need.b : need.a).push(...step.need);
      next.push(...step.replies);
    }
    inFlight = next;
    toB = !toB;
  }
  return { need, rounds };
}

/** Messages (one direction) needed: split from n down to the id-list size, plus list + have. */
function roundLimit(n: number): number {
  return Math.ceil(Math.log(Math.max(n, 2)) / Math.log(BUCKETS)) + 3;
}

const keyArb = fc.tuple(
  fc.integer({ min: 1_700_000_000_000, max: 1_700_000_000_050 }),
  fc.stringMatching(/^[a-c2-3]{1,6}$/),
);

/** Two sets drawn from one universe: each key is on side A, side B or both. */
const setsArb = fc
  .uniqueArray(fc.tuple(keyArb, fc.constantFrom("a", "b", "both")), {
    maxLength: 400,
    selector: ([key]) => text(key),
  })
  .map((entries) => ({
    a: entries.filter(([, side]) => side !== "b").map(([key]) => key as SyncKey),
    b: entries.filter(([, side]) => side !== "a").map(([key]) => key as SyncKey),
  }));

describe("range-based set reconciliation", () => {
  it("for any two sets, each side learns exactly what the other has and it lacks, in bounded rounds", async () => {
    await fc.assert(
      fc.asyncProperty(setsArb, async ({ a, b }) => {
        const { need, rounds } = await exchange(await SyncSet.fromKeys(a), await SyncSet.fromKeys(b));
        const inA = new Set(a.map(text));
        const inB = new Set(b.map(text));
        expect(new Set(need.a.map(text))).toEqual(new Set(b.map(text).filter((k) => !inA.has(k))));
        expect(new Set(need.b.map(text))).toEqual(new Set(a.map(text).filter((k) => !inB.has(k))));
        // Union: after the transfer both hold every key.
        const union = new Set([...inA, ...inB]);
        expect(new Set([...inA, ...need.a.map(text)])).toEqual(union);
        expect(new Set([...inB, ...need.b.map(text)])).toEqual(union);
        expect(rounds).toBeLessThanOrEqual(2 * roundLimit(union.size));
      }),
      { numRuns: 60 },
    );
  });

  it("equal sets settle after one answer with nothing to transfer", async () => {
    const keys: SyncKey[] = Array.from({ length: 1000 }, (_, i) => [1_700_000_000_000 + (i % 97), `id-${i}`]);
    const { need, rounds } = await exchange(await SyncSet.fromKeys(keys), await SyncSet.fromKeys([...keys].reverse()));
    expect(need).toEqual({ a: [], b: [] });
    expect(rounds).toBe(1);
  });

  it("an empty side receives every key of the other, across several messages", async () => {
    const keys: SyncKey[] = Array.from({ length: 3000 }, (_, i) => [1_700_000_000_000 + i, `id-${i}`]);
    const { need } = await exchange(await SyncSet.fromKeys([]), await SyncSet.fromKeys(keys));
    expect(need.a).toHaveLength(3000);
    expect(need.b).toEqual([]);
  });

  it("a newer version of a listing (updatedAt bumped) is a difference", async () => {
    const base: SyncKey[] = Array.from({ length: 200 }, (_, i) => [1_700_000_000_000 + i, `id-${i}`]);
    const edited = base.map((key) => (key[1] === "id-7" ? ([key[0] + 5_000, key[1]] as SyncKey) : key));
    const { need } = await exchange(await SyncSet.fromKeys(base), await SyncSet.fromKeys(edited));
    expect(need.a).toEqual([[1_700_000_005_007, "id-7"]]);
    expect(need.b).toEqual([[1_700_000_000_007, "id-7"]]);
  });

  it("rejects ranges whose bounds do not increase, and keys outside their range", async () => {
    const set = await SyncSet.fromKeys([[5, "x"]]);
    await expect(respond(set, { from: HIGHEST, ranges: [{ b: LOWEST, fp: "AAAA" }] })).rejects.toThrow("increase");
    await expect(respond(set, { from: LOWEST, ranges: [{ b: [3, ""], ids: [[4, "y"]] }] })).rejects.toThrow(
      "out of range",
    );
  });

  it(`answers a small range (≤ ${ID_LIST_THRESHOLD} items) with its key list`, async () => {
    const set = await SyncSet.fromKeys([
      [1, "a"],
      [2, "b"],
    ]);
    const step = await respond(set, { from: LOWEST, ranges: [{ b: HIGHEST, fp: "differs" }] });
    expect(step.replies).toEqual([
      {
        from: LOWEST,
        ranges: [
          {
            b: HIGHEST,
            ids: [
              [1, "a"],
              [2, "b"],
            ],
          },
        ],
      },
    ]);
  });
});
