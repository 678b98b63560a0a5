// The saved form of the index's words: one sorted string and varint gaps, unpacked per word when
// a query or an addition first needs it.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Postings } from "../../src/core/search/search-postings.ts";

/** Every ordinal a prefix finds, sorted, from whatever lists hold them. */
function found(postings: Postings, prefix: string): number[] {
  return postings
    .withPrefix(prefix)
    .lists.flatMap((list) => [...list])
    .sort((a, b) => a - b);
}

describe("Postings", () => {
  it("a restored copy finds what the original found, ordinals past one and two varint bytes included", () => {
    const postings = new Postings();
    const ordinals = [0, 1, 127, 128, 16_383, 16_384, 70_000, 2_097_152, 3_000_000_000];
    for (const o of ordinals) postings.add("bike", o);
    postings.add("bicycle", 5);
    postings.add("lamp", 9);
    const restored = Postings.restore(structuredClone(postings.snapshot()));
    expect(restored).toBeDefined();
    expect(found(restored as Postings, "bike")).toEqual(ordinals);
    expect(found(restored as Postings, "bi")).toEqual([...ordinals, 5].sort((a, b) => a - b));
    expect(found(restored as Postings, "lamp")).toEqual([9]);
    expect(found(restored as Postings, "x")).toEqual([]);
  });

  it("the saved form is a few bytes a posting, not four", () => {
    const postings = new Postings();
    for (let o = 0; o < 10_000; o++) postings.add(`w${o % 50}`, o);
    const { gaps, starts } = postings.snapshot();
    // 10,000 ordinals with gaps of 50: one byte each.
    expect(gaps.length).toBe(10_000);
    expect(starts.length).toBe(51);
  });

  it("words added after a restore join the restored ones, to existing words and new ones", () => {
    const before = new Postings();
    before.add("oak", 1);
    before.add("old", 2);
    const restored = Postings.restore(before.snapshot()) as Postings;
    restored.add("oak", 7);
    restored.add("otter", 8);
    expect(found(restored, "o")).toEqual([1, 2, 7, 8]);
    expect(found(restored, "oak")).toEqual([1, 7]);
    expect(found(Postings.restore(restored.snapshot()) as Postings, "o")).toEqual([1, 2, 7, 8]);
  });

  it("refuses a copy in another format or with inconsistent parts", () => {
    const snapshot = new Postings().snapshot();
    expect(Postings.restore({ ...snapshot, format: 1 })).toBeUndefined();
    expect(Postings.restore({ ...snapshot, words: "a\nb" })).toBeUndefined();
    expect(Postings.restore({ ...snapshot, gaps: [1, 2] })).toBeUndefined();
    expect(Postings.restore(undefined)).toBeUndefined();
  });

  it("restored and appended, finds every prefix as the postings it was made from (fast-check)", () => {
    const word = fc.stringMatching(/^[a-d]{1,3}$/);
    fc.assert(
      fc.property(fc.array(fc.tuple(word, fc.nat(5)), { maxLength: 60 }), fc.nat(60), (steps, cut) => {
        // Ordinals ascend as the index hands them out; the first `cut` steps are saved and restored.
        const whole = new Postings();
        const saved = new Postings();
        let ordinal = 0;
        const added: [string, number][] = steps.map(([w, gap]) => {
          ordinal += gap + 1;
          return [w, ordinal];
        });
        for (const [w, o] of added) whole.add(w, o);
        for (const [w, o] of added.slice(0, cut)) saved.add(w, o);
        const restored = Postings.restore(structuredClone(saved.snapshot())) as Postings;
        const later = new Postings();
        for (const [w, o] of added.slice(cut)) later.add(w, o);
        restored.append(later);
        for (const prefix of ["", "a", "b", "ab", "abc", "d", "dd"])
          expect(found(restored, prefix), prefix).toEqual(found(whole, prefix));
      }),
    );
  });
});
