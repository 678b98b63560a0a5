// Generators of hostile frames for fuzzing the hub's inbound path (issue 8): random JSON, every
// frame type with fields of the wrong type, huge strings, deep nesting, wrong versions, valid
// frames with bad signatures, records from the future, ids that do not match keys, replays.

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
  "PROFILE_REQUEST",
  "PROFILE_BROADCAST",
  "ACK",
  "RELAY",
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

  return fc.oneof(
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
