// Generators of hostile frames for fuzzing the hub's inbound path (issue 8): random JSON, every
// frame type with fields of the wrong type, huge strings, deep nesting, wrong versions, valid
// frames with bad signatures, records from the future, ids that do not match keys, replays; and
// valid-looking frames of every type that cost the hub work (repeated ids, ranges that list no
// keys, made-up announcements, chunks of photos nobody completes, receipts for others' messages).

import fc from "fast-check";
import type { Identity } from "../../src/core/crypto.ts";
import type { Listing } from "../../src/core/listings/records.ts";
import { frame } from "../../src/core/wire.ts";

/** Signed material the generators mutate: valid records from real keys. */
export interface FuzzMaterial {
  author: Identity;
  stranger: Identity;
  listings: Listing[];
}

const TYPES = [
  "HELLO",
  "LISTING_BROADCAST",
  "LISTING_REQUEST",
  "DEAL_PROPOSAL",
  "DEAL_RESPONSE",
  "CHAT_MESSAGE",
  "USER_INFO",
  "PEER_LIST",
  "SYNC",
  "SYNC_CODED",
  "PROFILE_REQUEST",
  "PROFILE_BROADCAST",
  "ACK",
  "RELAY",
  "IMAGE_REQUEST",
  "IMAGE_CHUNK",
  "hello",
  "",
];

const weird = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -1, 2 ** 53, -0),
  fc.string(),
  fc.constantFrom("x".repeat(70_000), "é".repeat(30_000), "\u0000", "<script>alert(1)</script>", "__proto__"),
  fc.array(fc.integer(), { maxLength: 5 }),
  fc.dictionary(fc.string(), fc.integer(), { maxKeys: 4 }),
);

function deep(depth: number): unknown {
  let value: unknown = "bottom";
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { nested: value };
  return value;
}

/** Replaces one field of a record by something of the wrong type or shape. */
function mutate(record: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  return { ...record, [key]: value };
}

export function hostileFrames(material: FuzzMaterial): fc.Arbitrary<unknown> {
  const { author, stranger, listings } = material;
  const listing = fc.constantFrom(...listings);
  const listingKey = fc.constantFrom(...Object.keys(listings[0] as Listing));

  const randomJson = fc.oneof(fc.jsonValue(), fc.anything({ maxDepth: 3 }));
  const wrongHeader = fc.record({ v: weird, type: fc.constantFrom(...TYPES), id: weird }, { requiredKeys: [] });
  const wrongFields = fc
    .tuple(fc.constantFrom(...TYPES), fc.dictionary(fc.string({ maxLength: 12 }), weird, { maxKeys: 5 }))
    .map(([type, body]) => ({ v: 1, type, id: "f1", ...body }));
  const deepNesting = fc.integer({ min: 10, max: 5_000 }).map((depth) => ({
    v: 1,
    type: "PEER_LIST",
    id: "deep",
    peers: [deep(depth)],
  }));
  const mutatedRecord = fc
    .tuple(listing, listingKey, weird)
    .map(([l, key, value]) => frame({ type: "LISTING_BROADCAST", listings: [mutate(l, key, value) as Listing] }));
  const badSignature = fc
    .tuple(listing, fc.string({ minLength: 1, maxLength: 120 }))
    .map(([l, title]) => frame({ type: "LISTING_BROADCAST", listings: [{ ...l, title: `${l.title}${title}` }] }));
  const futureRecord = fc
    .tuple(listing, fc.integer({ min: 10 * 60_000, max: 10 ** 12 }))
    .map(([l, ahead]) => frame({ type: "LISTING_BROADCAST", listings: [{ ...l, updatedAt: l.updatedAt + ahead }] }));
  const foreignKey = listing.map((l) =>
    frame({ type: "LISTING_BROADCAST", listings: [{ ...l, authorKey: stranger.publicKey }] }),
  );
  const foreignAuthor = listing.map((l) =>
    frame({ type: "LISTING_BROADCAST", listings: [{ ...l, author: stranger.peerId }] }),
  );
  const replay = listing.map((l) => frame({ type: "LISTING_BROADCAST", listings: [l] }));
  const wrongVersion = listing.map((l) => ({ ...frame({ type: "LISTING_BROADCAST", listings: [l] }), v: 2 }));
  const helloForOthers = fc.constant(
    frame({
      type: "HELLO",
      step: "challenge",
      peerId: author.peerId,
      publicKey: stranger.publicKey,
      nonce: "A".repeat(43),
    }),
  );
  const strayProof = fc.constant(frame({ type: "HELLO", step: "proof", signature: "B".repeat(86) }));
  const requests = fc
    .array(
      fc.oneof(
        fc.string(),
        listing.map((l) => l.id),
      ),
      { maxLength: 1200 },
    )
    .map((ids) => ({ v: 1, type: "LISTING_REQUEST", id: "r", ids }));
  const peerLists = fc
    .array(fc.record({ id: fc.oneof(fc.string(), fc.constant(author.peerId)), lastSeen: weird }), { maxLength: 150 })
    .map((peers) => ({ v: 1, type: "PEER_LIST", id: "p", peers }));

  const now = Date.now();
  const anyId = fc.oneof(
    fc.stringMatching(/^[A-Za-z0-9_-]{8,20}$/),
    listing.map((l) => l.id),
  );
  const syncKey = fc.tuple(
    fc.oneof(fc.constant(now), fc.constant(Number.MAX_SAFE_INTEGER), fc.integer({ min: 0, max: now + 600_000 })),
    anyId,
  );
  const hash = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString("base64url"));
  const repeatedRequest = fc
    .tuple(fc.constantFrom("LISTING_REQUEST", "PROFILE_REQUEST"), listing, fc.integer({ min: 1, max: 1000 }))
    .map(([type, l, n]) => ({
      v: 1,
      type,
      id: "rr",
      ids: Array(n).fill(type === "LISTING_REQUEST" ? l.id : author.peerId),
    }));
  const announcements = fc
    .tuple(fc.constantFrom("listings", "profiles"), fc.array(syncKey, { maxLength: 500 }))
    .map(([set, have]) => ({ v: 1, type: "SYNC", id: "s", set, from: [0, ""], ranges: [], have }));
  const emptyRange = fc.constantFrom("listings", "profiles").map((set) => ({
    v: 1,
    type: "SYNC",
    id: "s",
    set,
    from: [0, ""],
    ranges: [{ b: [Number.MAX_SAFE_INTEGER, ""], ids: [] }],
  }));
  // Coded reconciliation: symbols, requests for more and answers, in and out of turn, any bytes.
  const coded = fc
    .tuple(fc.constantFrom("listings", "profiles"), fc.constantFrom("symbols", "more", "done"), fc.nat(5000))
    .chain(([set, step, n]) =>
      fc.uint8Array({ maxLength: 4000 }).map((bytes) => {
        const data = Buffer.from(bytes).toString("base64url") || "AA";
        const body =
          step === "symbols"
            ? { size: n, start: n % 2 ? n : 0, data }
            : step === "more"
              ? { start: n }
              : { want: data };
        return { v: 1, type: "SYNC_CODED", id: "k", set, step, ...body };
      }),
    );
  const imageRequest = fc
    .array(
      fc.oneof(
        hash,
        listing.map((l) => l.images[0]?.hash ?? "x".repeat(43)),
      ),
      { minLength: 1, maxLength: 16 },
    )
    .map((hashes) => ({ v: 1, type: "IMAGE_REQUEST", id: "i", hashes }));
  const imageChunk = fc
    .tuple(hash, fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 7 }), fc.uint8Array({ maxLength: 2000 }))
    .map(([h, count, index, data]) => ({
      v: 1,
      type: "IMAGE_CHUNK",
      id: "c",
      hash: h,
      count,
      index: Math.min(index, count - 1),
      data: Buffer.from(data).toString("base64url"),
    }));
  const ack = fc.tuple(anyId, fc.constantFrom("delivered", "read", "refused")).map(([msgId, status]) => ({
    v: 1,
    type: "ACK",
    id: "a",
    ack: { msgId, from: stranger.peerId, to: author.peerId, status, signature: "s".repeat(86) },
  }));
  // Receipts whose status is sealed, direct and relayed: well-formed, but signed by nobody.
  const sealedStatus = fc.stringMatching(/^[A-Za-z0-9_-]{59}$/);
  const sealedAck = fc.tuple(anyId, sealedStatus, fc.boolean()).map(([msgId, sealed, relayed]) => {
    const ack = { msgId, from: stranger.peerId, to: author.peerId, sealedStatus: sealed, signature: "s".repeat(86) };
    return relayed
      ? { v: 1, type: "RELAY", id: "r", publicKey: stranger.publicKey, mail: { type: "ACK", ack } }
      : { v: 1, type: "ACK", id: "a", ack };
  });

  return fc.oneof(
    repeatedRequest,
    announcements,
    emptyRange,
    coded,
    imageRequest,
    imageChunk,
    ack,
    sealedAck,
    randomJson,
    wrongHeader,
    wrongFields,
    deepNesting,
    mutatedRecord,
    badSignature,
    futureRecord,
    foreignKey,
    foreignAuthor,
    replay,
    wrongVersion,
    helloForOthers,
    strayProof,
    requests,
    peerLists,
  );
}
