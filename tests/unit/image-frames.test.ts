// Schemas of issue 4's wire additions: image refs in listings and profiles, IMAGE_REQUEST and
// IMAGE_CHUNK. Peer records that break the limits are dropped before anything else sees them.

import { beforeAll, describe, expect, it } from "vitest";
import { generateIdentity, type Identity } from "../../src/core/crypto.ts";
import { createListing } from "../../src/core/listings/draft.ts";
import { deleteListing } from "../../src/core/listings/listing-edits.ts";
import { type ImageRef, type Listing, signListing, verifyListing } from "../../src/core/listings/records.ts";
import { IMAGE_CHUNK_BYTES, parseFrame } from "../../src/core/wire.ts";
import { draft } from "./fixtures.ts";

const NOW = 1_700_000_000_000;
const HASH = "h".repeat(43);
const ref: ImageRef = { hash: HASH, type: "image/webp", bytes: 50_000, width: 640, height: 480 };
let alice: Identity;
let listing: Listing;

beforeAll(async () => {
  alice = await generateIdentity(NOW);
  listing = await createListing(alice, draft(), NOW, [ref]);
});

async function withImages(images: unknown[]) {
  const { signature: _, ...unsigned } = listing;
  return signListing(alice, { ...unsigned, images } as never);
}

describe("image refs in listings", () => {
  it("a listing with up to four valid refs verifies", async () => {
    expect((await verifyListing(await withImages([ref, ref, ref, ref]), NOW)).ok).toBe(true);
  });

  it.each<[string, unknown[]]>([
    ["five images", [ref, ref, ref, ref, ref]],
    ["an image over 100 KB", [{ ...ref, bytes: 100 * 1024 + 1 }]],
    ["a side over 640 px", [{ ...ref, width: 641 }]],
    ["a PNG", [{ ...ref, type: "image/png" }]],
    ["a short hash", [{ ...ref, hash: "abc" }]],
  ])("a listing with %s is dropped as malformed", async (_, images) => {
    expect(await verifyListing(await withImages(images), NOW)).toEqual({ ok: false, reason: "malformed" });
  });

  it("a tombstone drops the photos, and one that keeps them is malformed", async () => {
    const tombstone = await deleteListing(alice, listing, NOW + 1);
    expect(tombstone.images).toEqual([]);
    const { signature: _, ...unsigned } = tombstone;
    const leaky = await signListing(alice, { ...unsigned, images: [ref] });
    expect(await verifyListing(leaky, NOW + 1)).toEqual({ ok: false, reason: "malformed" });
  });
});

describe("IMAGE_REQUEST and IMAGE_CHUNK", () => {
  const head = (type: string) => ({ v: 1, type, id: "f1" });

  it("accept well-formed frames", () => {
    expect(parseFrame({ ...head("IMAGE_REQUEST"), hashes: [HASH] }).ok).toBe(true);
    const data = Buffer.alloc(IMAGE_CHUNK_BYTES).toString("base64url");
    expect(parseFrame({ ...head("IMAGE_CHUNK"), hash: HASH, index: 3, count: 4, data }).ok).toBe(true);
  });

  it.each<[string, Record<string, unknown>]>([
    ["an empty request", { ...head("IMAGE_REQUEST"), hashes: [] }],
    ["a request for 17 images", { ...head("IMAGE_REQUEST"), hashes: Array(17).fill(HASH) }],
    [
      "a chunk over the chunk size",
      { ...head("IMAGE_CHUNK"), hash: HASH, index: 0, count: 1, data: "A".repeat(50_000) },
    ],
    ["a chunk with a bad index", { ...head("IMAGE_CHUNK"), hash: HASH, index: -1, count: 1, data: "AAAA" }],
    ["a chunk that is not base64url", { ...head("IMAGE_CHUNK"), hash: HASH, index: 0, count: 1, data: "<img>" }],
  ])("drop %s", (_, raw) => {
    expect(parseFrame(raw)).toMatchObject({ ok: false });
  });

  it("USER_INFO may carry an avatar ref, and only a valid one", () => {
    const profile = {
      peerId: alice.peerId,
      publicKey: alice.publicKey,
      name: "Alice",
      about: "",
      updatedAt: NOW,
      signature: "s".repeat(86),
    };
    expect(parseFrame({ ...head("USER_INFO"), profile: { ...profile, avatar: ref } }).ok).toBe(true);
    expect(parseFrame({ ...head("USER_INFO"), profile: { ...profile, avatar: { ...ref, bytes: 10 ** 6 } } }).ok).toBe(
      false,
    );
  });
});
