import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CodedSyncError,
  Decoder,
  type Difference,
  Encoder,
  type Item,
  SYMBOL_BYTES,
} from "../../src/core/sync/riblt.ts";

const text = (item: Item) => `${item.hi}:${item.lo}`;
const sorted = (items: Item[]) => items.map(text).sort();

/** Streams symbols from `a` to a decoder holding `b` in growing batches; the symbols it took. */
function stream(
  a: Item[],
  b: Item[],
  capacity = 1 << 14,
  first = 16,
  grow = 2,
): { difference?: Difference; symbols: number } {
  const encoder = new Encoder(a, capacity);
  const decoder = new Decoder(b, capacity);
  for (let batch = first; encoder.produced < capacity; batch *= grow) {
    const start = encoder.produced;
    const difference = decoder.add(start, encoder.next(batch));
    if (difference) return { difference, symbols: decoder.received };
  }
  return { symbols: decoder.received };
}

/** Distinct random items. */
function items(count: number, seed: number): Item[] {
  let x = seed;
  const next = () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x;
  };
  return Array.from({ length: count }, () => ({ hi: next(), lo: next() }));
}

const itemArb = fc.record({ hi: fc.nat({ max: 0xffffffff }), lo: fc.nat({ max: 0xffffffff }) });
const setsArb = fc
  .uniqueArray(fc.tuple(itemArb, fc.constantFrom("a", "b", "both")), { maxLength: 300, selector: ([i]) => text(i) })
  .map((entries) => ({
    a: entries.filter(([, side]) => side !== "b").map(([item]) => item),
    b: entries.filter(([, side]) => side !== "a").map(([item]) => item),
  }));

describe("rateless coded reconciliation", () => {
  it("any two sets: the receiver learns exactly what only the sender holds and what only it holds", () => {
    fc.assert(
      fc.property(setsArb, ({ a, b }) => {
        const { difference } = stream(a, b);
        const inB = new Set(b.map(text));
        const inA = new Set(a.map(text));
        expect(difference).toBeDefined();
        expect(sorted(difference?.theirs ?? [])).toEqual(sorted(a.filter((i) => !inB.has(text(i)))));
        expect(sorted(difference?.ours ?? [])).toEqual(sorted(b.filter((i) => !inA.has(text(i)))));
      }),
      { numRuns: 200 },
    );
  });

  it("decodes 200 differences among 10,000 items in about 1.35–2 symbols each", () => {
    const all = items(10_100, 7);
    const a = [...all.slice(0, 9_900), ...all.slice(9_900, 10_000)];
    const b = [...all.slice(0, 9_900), ...all.slice(10_000)];
    // One symbol at a time, to count exactly how many it took.
    const { difference, symbols } = stream(a, b, 1 << 12, 1, 1);
    expect(difference?.theirs).toHaveLength(100);
    expect(difference?.ours).toHaveLength(100);
    expect(symbols).toBeGreaterThan(200);
    expect(symbols).toBeLessThan(200 * 2.2);
  });

  it("equal sets settle with the first symbols", () => {
    const same = items(1_000, 3);
    expect(stream(same, [...same].reverse())).toMatchObject({ difference: { theirs: [], ours: [] }, symbols: 16 });
  });

  it("refuses symbols out of turn, of a bad length or past capacity", () => {
    const encoder = new Encoder(items(50, 1), 32);
    const decoder = new Decoder(items(50, 2), 32);
    expect(() => decoder.add(1, encoder.next(4))).toThrow(CodedSyncError);
    expect(() => decoder.add(0, new Uint8Array(SYMBOL_BYTES + 1))).toThrow(CodedSyncError);
    expect(() => decoder.add(0, new Uint8Array(0))).toThrow(CodedSyncError);
    expect(() => decoder.add(0, new Uint8Array(33 * SYMBOL_BYTES))).toThrow(CodedSyncError);
    // Nothing was taken in: the stream can still start at 0.
    expect(decoder.received).toBe(0);
    expect(encoder.next(100).length).toBe(28 * SYMBOL_BYTES);
  });

  it("random bytes never make the decoder claim more items than symbols", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: SYMBOL_BYTES, maxLength: 64 * SYMBOL_BYTES }), (raw) => {
        const decoder = new Decoder(items(20, 5), 64);
        const bytes = raw.subarray(0, raw.length - (raw.length % SYMBOL_BYTES));
        try {
          const difference = decoder.add(0, bytes);
          if (difference) expect(difference.theirs.length + difference.ours.length).toBeLessThanOrEqual(64);
        } catch (error) {
          expect(error).toBeInstanceOf(CodedSyncError);
        }
      }),
    );
  });
});
