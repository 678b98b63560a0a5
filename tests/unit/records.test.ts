import fc from "fast-check";
import * as v from "valibot";
import { beforeAll, describe, expect, it } from "vitest";
import { generateIdentity, type Identity } from "../../src/core/crypto.ts";
import { ValidationError } from "../../src/core/errors.ts";
import { checkDraft, createListing, parsePrice } from "../../src/core/listings/draft.ts";
import {
  compareVersions,
  LIMITS,
  type Listing,
  ListingSchema,
  newListingId,
  signListing,
  supersedes,
  verifyListing,
} from "../../src/core/listings/records.ts";
import { draft, nextVersion } from "./fixtures.ts";

const NOW = 1_700_000_000_000;

let alice: Identity;
let bob: Identity;
let listing: Listing;

beforeAll(async () => {
  [alice, bob] = await Promise.all([generateIdentity(NOW), generateIdentity(NOW)]);
  listing = await createListing(alice, draft(), NOW);
});

/** Runs `fn` and returns the ValidationError it throws. */
function validationError(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error("expected a ValidationError");
}

describe("createListing", () => {
  it("makes a version-1 record that verifyListing accepts", async () => {
    expect(listing).toMatchObject({
      author: alice.peerId,
      authorKey: alice.publicKey,
      version: 1,
      createdAt: NOW,
      updatedAt: NOW,
      kind: "offer",
      title: "Bike, 3 gears",
      description: "Red, some rust.",
      price: 4000,
      currency: "EUR",
    });
    expect(v.is(ListingSchema, listing)).toBe(true);
    expect(await verifyListing(listing, NOW)).toEqual({ ok: true, listing });
  });

  it("still verifies after a JSON round trip with keys in another order", async () => {
    const reordered = Object.fromEntries(Object.entries(JSON.parse(JSON.stringify(listing))).reverse());
    expect(await verifyListing(reordered, NOW)).toMatchObject({ ok: true });
  });

  it("gives each listing a fresh id", async () => {
    const other = await createListing(alice, draft(), NOW);
    expect(other.id).not.toBe(listing.id);
  });

  it("refuses a bad draft with the ValidationError of checkDraft", async () => {
    await expect(createListing(alice, draft({ title: " " }), NOW)).rejects.toThrow(ValidationError);
  });
});

describe("verifyListing rejects", () => {
  it.each<[string, (l: Listing) => unknown]>([
    ["a missing field", ({ title: _, ...rest }) => rest],
    ["an extra field", (l) => ({ ...l, extra: 1 })],
    ["a non-object", () => "listing"],
    ["null", () => null],
    ["a version of 0", (l) => ({ ...l, version: 0 })],
    ["a fractional price", (l) => ({ ...l, price: 1.5 })],
    ["a negative price", (l) => ({ ...l, price: -1 })],
    ["an unknown currency", (l) => ({ ...l, currency: "XXX" })],
    ["an unknown kind", (l) => ({ ...l, kind: "gift" })],
    ["an empty title", (l) => ({ ...l, title: "" })],
    ["a title over 120 characters", (l) => ({ ...l, title: "x".repeat(121) })],
    ["an author that is not a peer id", (l) => ({ ...l, author: "alice" })],
    ["a short signature", (l) => ({ ...l, signature: l.signature.slice(1) })],
  ])("%s as malformed", async (_, mutate) => {
    expect(await verifyListing(mutate(listing), NOW)).toEqual({ ok: false, reason: "malformed" });
  });

  it.each<[string, Partial<Listing>]>([
    ["title", { title: "Bike, 4 gears" }],
    ["price", { price: 1 }],
    ["version", { version: 7 }],
    ["description", { description: "No rust." }],
    ["updatedAt", { updatedAt: NOW + 1 }],
    ["currency", { currency: "USD" }],
  ])("a record whose %s was changed after signing as bad-signature", async (_, change) => {
    expect(await verifyListing({ ...listing, ...change }, NOW)).toEqual({ ok: false, reason: "bad-signature" });
  });

  it("a signature by the right key over another record as bad-signature", async () => {
    const other = await createListing(alice, draft({ title: "Lamp" }), NOW);
    expect(await verifyListing({ ...listing, signature: other.signature }, NOW)).toEqual({
      ok: false,
      reason: "bad-signature",
    });
  });

  it("a record whose author is not the holder of authorKey as key-mismatch", async () => {
    // Bob signs a record claiming Alice as author but carrying his own key.
    const forged = await signListing(bob, { ...withoutSignature(listing), authorKey: bob.publicKey });
    expect(await verifyListing(forged, NOW)).toEqual({ ok: false, reason: "key-mismatch" });
    // And Alice's key with Bob named as the author.
    expect(await verifyListing({ ...listing, author: bob.peerId, id: newListingId(bob.peerId) }, NOW)).toEqual({
      ok: false,
      reason: "key-mismatch",
    });
  });

  it("a record stamped more than the allowed clock skew ahead as from-the-future", async () => {
    const late = NOW + LIMITS.clockSkewMs + 1;
    const future = await signListing(alice, { ...withoutSignature(listing), createdAt: late, updatedAt: late });
    expect(await verifyListing(future, NOW)).toEqual({ ok: false, reason: "from-the-future" });
    // Within the skew it is accepted.
    const skewed = await signListing(alice, {
      ...withoutSignature(listing),
      createdAt: NOW + LIMITS.clockSkewMs,
      updatedAt: NOW + LIMITS.clockSkewMs,
    });
    expect(await verifyListing(skewed, NOW)).toMatchObject({ ok: true });
  });

  it("a record updated before it was created as bad-timestamps", async () => {
    const backwards = await signListing(alice, { ...withoutSignature(listing), createdAt: NOW, updatedAt: NOW - 1 });
    expect(await verifyListing(backwards, NOW)).toEqual({ ok: false, reason: "bad-timestamps" });
  });
});

function withoutSignature(l: Listing): Omit<Listing, "signature"> {
  const { signature: _, ...rest } = l;
  return rest;
}

describe("checkDraft", () => {
  it("returns trimmed fields and the price in minor units", () => {
    expect(checkDraft(draft({ title: "  Lamp ", description: " bright \n", price: "12.5", kind: "wanted" }))).toEqual({
      title: "Lamp",
      description: "bright",
      price: 1250,
      currency: "EUR",
      kind: "wanted",
      category: "wanted",
      pricing: "amount",
      location: "",
    });
  });

  it("defaults the kind to offer and an empty price to none", () => {
    expect(checkDraft(draft({ price: "" }))).toMatchObject({ kind: "offer", price: null });
  });

  it.each<[string, string]>([
    ["empty", ""],
    ["blank", "   \t"],
    ["over 120 characters", "x".repeat(121)],
  ])("names the title when it is %s", (_, title) => {
    const error = validationError(() => checkDraft(draft({ title })));
    expect(error.field).toBe("title");
    expect(error.message).not.toBe("");
  });

  it("accepts a title of exactly 120 characters", () => {
    expect(checkDraft(draft({ title: "x".repeat(120) })).title).toHaveLength(120);
  });

  it("names the description when it is over 5000 characters", () => {
    expect(checkDraft(draft({ description: "d".repeat(5000) })).description).toHaveLength(5000);
    expect(validationError(() => checkDraft(draft({ description: "d".repeat(5001) }))).field).toBe("description");
  });

  it("names the currency when it is not in the list", () => {
    expect(validationError(() => checkDraft(draft({ currency: "DOGE" }))).field).toBe("currency");
  });

  it("names the price when it is not a valid price", () => {
    expect(validationError(() => checkDraft(draft({ price: "-3" }))).field).toBe("price");
    expect(validationError(() => checkDraft(draft({ price: "cheap" }))).field).toBe("price");
  });

  it("every draft it accepts makes a listing the schema accepts", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 130, unit: "grapheme" }),
        fc.string({ maxLength: 200, unit: "grapheme" }),
        fc.oneof(
          fc.constant(""),
          fc.nat({ max: 10_000_000 }).map((n) => (n / 100).toFixed(2)),
        ),
        async (title, description, price) => {
          let fields: ReturnType<typeof checkDraft>;
          try {
            fields = checkDraft(draft({ title, description, price }));
          } catch (error) {
            expect(error).toBeInstanceOf(ValidationError);
            return;
          }
          const made = await createListing(alice, draft({ title, description, price }), NOW);
          expect(made).toMatchObject(fields);
          expect((await verifyListing(made, NOW)).ok).toBe(true);
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe("parsePrice", () => {
  it.each<[string, number | null]>([
    ["", null],
    ["   ", null],
    ["0", 0],
    ["25", 2500],
    ["12.5", 1250],
    ["12.50", 1250],
    ["12,05", 1205],
    [" 7 ", 700],
    ["0.01", 1],
    ["10000000000", 1_000_000_000_000],
  ])("reads %j as %j", (text, cents) => {
    expect(parsePrice(text)).toBe(cents);
  });

  it.each([
    ["negative", "-1"],
    ["negative zero", "-0"],
    ["negative decimal", "-0.50"],
    ["words", "free"],
    ["three decimals", "1.005"],
    ["a trailing dot", "12."],
    ["exponent", "1e3"],
    ["two numbers", "1 2"],
    ["over the maximum", "10000000000.01"],
    ["far over the maximum", "9".repeat(30)],
  ])("refuses %s naming the price", (_, text) => {
    const error = validationError(() => parsePrice(text));
    expect(error.field).toBe("price");
  });

  it("says a negative price is negative, not merely malformed", () => {
    expect(validationError(() => parsePrice("-5")).message).toMatch(/negative/);
  });

  it("round-trips any amount in cents", () => {
    fc.assert(
      fc.property(fc.nat({ max: 1_000_000_000 }), (cents) => {
        expect(parsePrice((cents / 100).toFixed(2))).toBe(cents);
      }),
    );
  });
});

describe("merging versions", () => {
  it("a higher version supersedes a lower one, never the other way", async () => {
    const v2 = await nextVersion(alice, listing, { title: "Bike, sold" });
    expect(supersedes(v2, listing)).toBe(true);
    expect(supersedes(listing, v2)).toBe(false);
    expect(compareVersions(v2, listing)).toBeGreaterThan(0);
  });

  it("a higher version wins even with an older updatedAt", async () => {
    const v2 = await nextVersion(alice, listing, { updatedAt: NOW + 10 });
    const v3 = await nextVersion(alice, v2, { updatedAt: NOW + 1 });
    expect(supersedes(v3, v2)).toBe(true);
    expect(supersedes(v2, v3)).toBe(false);
  });

  it("the first copy of a listing is always stored", () => {
    expect(supersedes(listing, undefined)).toBe(true);
  });

  it("replaying the stored version changes nothing", async () => {
    expect(supersedes(listing, listing)).toBe(false);
    expect(supersedes(structuredClone(listing), listing)).toBe(false);
    const v2 = await nextVersion(alice, listing);
    expect(supersedes(listing, v2)).toBe(false);
  });

  it("same version: the later updatedAt wins, then the larger signed content", async () => {
    const later = await nextVersion(alice, listing, { version: 1, updatedAt: NOW + 5, title: "Edited" });
    expect(supersedes(later, listing)).toBe(true);
    expect(supersedes(listing, later)).toBe(false);
    const twin = await nextVersion(alice, listing, { version: 1, updatedAt: NOW, title: "Equivocation" });
    const [low, high] = compareVersions(twin, listing) < 0 ? [twin, listing] : [listing, twin];
    expect(compareVersions(high, low)).toBeGreaterThan(0);
    expect(supersedes(high, low)).toBe(true);
    expect(supersedes(low, high)).toBe(false);
  });

  it("a re-encoded signature (s → n − s) of an unchanged record is no news", async () => {
    // ECDSA P-256 group order n: anyone can flip s without the key and the signature still verifies.
    const n = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
    const raw = Buffer.from(listing.signature, "base64url");
    const s = BigInt(`0x${raw.subarray(32).toString("hex")}`);
    const flipped = Buffer.concat([raw.subarray(0, 32), Buffer.from((n - s).toString(16).padStart(64, "0"), "hex")]);
    const twin = { ...listing, signature: flipped.toString("base64url") };
    expect(twin.signature).not.toBe(listing.signature);
    expect((await verifyListing(twin, NOW)).ok).toBe(true);
    expect(compareVersions(twin, listing)).toBe(0);
    expect(supersedes(twin, listing)).toBe(false);
  });

  it("a record for the same id by another author never supersedes", async () => {
    const squat = await signListing(bob, {
      ...withoutSignature(listing),
      author: bob.peerId,
      authorKey: bob.publicKey,
      version: 99,
      updatedAt: NOW + 1,
    });
    // The id carries its author's id: a record by anyone else under it fails verification...
    expect(await verifyListing(squat, NOW)).toEqual({ ok: false, reason: "foreign-id" });
    // ...and would not replace the original even if a store were handed it unverified.
    expect(supersedes(squat, listing)).toBe(false);
    expect(supersedes(listing, squat)).toBe(false);
  });

  it("any delivery order of the versions of one listing converges on the same winner", async () => {
    // Versions with repeats, equal versions (equivocation) and out-of-order timestamps.
    const specs: [number, number][] = [
      [1, 0],
      [2, 1],
      [2, 3],
      [3, 2],
      [3, 2],
      [5, 4],
      [5, 4],
      [4, 9],
    ];
    const versions = await Promise.all(
      specs.map(([version, dt], i) =>
        signListing(alice, { ...withoutSignature(listing), version, updatedAt: NOW + dt, title: `Edit ${i}` }),
      ),
    );
    const fold = (order: Listing[]) =>
      order.reduce<Listing | undefined>(
        (stored, incoming) => (supersedes(incoming, stored) ? incoming : stored),
        undefined,
      );
    const expected = fold(versions);
    expect(expected?.version).toBe(5);
    fc.assert(
      fc.property(
        fc.shuffledSubarray(versions, { minLength: versions.length }),
        fc.array(fc.nat(versions.length - 1), { maxLength: 10 }),
        (order, replays) => {
          // Replays of already-delivered copies interleaved at the end must not change the winner.
          const delivered = [...order, ...replays.map((i) => structuredClone(versions[i] as Listing))];
          expect(fold(delivered)).toEqual(expected);
        },
      ),
    );
  });
});
