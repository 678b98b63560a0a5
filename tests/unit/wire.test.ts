import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateIdentity, type Identity } from "../../src/core/crypto.ts";
import { createListing } from "../../src/core/listings/draft.ts";
import {
  type Frame,
  type FrameType,
  frame,
  frameSize,
  MAX_FRAME_BYTES,
  MAX_LISTINGS_PER_FRAME,
  PROTOCOL_VERSION,
  parseFrame,
} from "../../src/core/wire.ts";
import { draft } from "./fixtures.ts";

const NOW = 1_700_000_000_000;
const SIG = "s".repeat(86);

const [me, them] = (await Promise.all([generateIdentity(NOW), generateIdentity(NOW)])) as [Identity, Identity];
const listing = await createListing(me, draft(), NOW);

type Raw = Record<string, unknown>;

function sealed(): Raw {
  return {
    from: me.peerId,
    to: them.peerId,
    msgId: "m".repeat(22),
    iv: "aXZpdml2aXZpdml2",
    ciphertext: "Y2lwaGVy",
    signature: SIG,
  };
}

/** One valid frame of every type (HELLO twice: challenge and proof). */
function examples(): Record<string, Raw> {
  const head = (type: FrameType) => ({ v: 1, type, id: `f-${type.toLowerCase()}` });
  return {
    "HELLO challenge": {
      ...head("HELLO"),
      step: "challenge",
      peerId: me.peerId,
      publicKey: me.publicKey,
      nonce: "n".repeat(43),
      name: "Alice",
    },
    "HELLO proof": { ...head("HELLO"), step: "proof", signature: SIG },
    LISTING_BROADCAST: { ...head("LISTING_BROADCAST"), listings: [listing] },
    LISTING_REQUEST: { ...head("LISTING_REQUEST"), ids: [listing.id, "abcdefgh"] },
    DEAL_PROPOSAL: { ...head("DEAL_PROPOSAL"), sealed: sealed() },
    DEAL_RESPONSE: { ...head("DEAL_RESPONSE"), sealed: sealed() },
    CHAT_MESSAGE: { ...head("CHAT_MESSAGE"), sealed: sealed() },
    ACK: {
      ...head("ACK"),
      ack: { msgId: "m".repeat(22), from: them.peerId, to: me.peerId, status: "delivered", signature: SIG },
    },
    USER_INFO: {
      ...head("USER_INFO"),
      profile: {
        peerId: me.peerId,
        publicKey: me.publicKey,
        name: "Alice",
        about: "Fixes bikes.",
        updatedAt: NOW,
        signature: SIG,
      },
    },
    PEER_LIST: { ...head("PEER_LIST"), peers: [{ id: them.peerId, lastSeen: NOW }] },
    PROFILE_REQUEST: { ...head("PROFILE_REQUEST"), ids: [me.peerId, them.peerId] },
    PROFILE_BROADCAST: {
      ...head("PROFILE_BROADCAST"),
      profiles: [
        { peerId: me.peerId, publicKey: me.publicKey, name: "Alice", about: "", updatedAt: NOW, signature: SIG },
        { peerId: them.peerId, publicKey: them.publicKey, name: "Bob", about: "Hi", updatedAt: NOW, signature: SIG },
      ],
    },
    SYNC: {
      ...head("SYNC"),
      set: "listings",
      from: [0, ""],
      ranges: [
        { b: [NOW, ""] },
        { b: [NOW, "ab"], fp: "f".repeat(22) },
        { b: [NOW + 9, ""], ids: [[NOW, listing.id]] },
      ],
      have: [[NOW - 1, listing.id]],
    },
  };
}

/** For each example, body fields set to a value of the wrong type. */
const wrongTypes: Record<string, [path: string[], value: unknown][]> = {
  "HELLO challenge": [
    [["peerId"], 42],
    [["peerId"], "alice"],
    [["publicKey"], "short"],
    [["nonce"], 123],
    [["nonce"], "tooshort"],
    [["name"], 7],
    [["name"], "n".repeat(81)],
    [["step"], "hello"],
  ],
  "HELLO proof": [
    [["signature"], null],
    [["signature"], "s".repeat(85)],
    [["signature"], `${"s".repeat(85)}+`],
  ],
  LISTING_BROADCAST: [
    [["listings"], {}],
    [["listings"], []],
    [["listings", "0", "version"], "1"],
    [["listings", "0", "price"], "40"],
  ],
  LISTING_REQUEST: [
    [["ids"], "abcdefgh"],
    [["ids"], []],
    [["ids", "0"], 12345678],
    [["ids", "0"], "short"],
  ],
  DEAL_PROPOSAL: [
    [["sealed"], "sealed"],
    [["sealed", "to"], null],
    [["sealed", "ciphertext"], "not base64!"],
  ],
  DEAL_RESPONSE: [
    [["sealed", "from"], "bob"],
    [["sealed", "iv"], 1],
  ],
  CHAT_MESSAGE: [
    [["sealed", "signature"], 0],
    [["sealed", "ciphertext"], ["Y2lw"]],
  ],
  USER_INFO: [
    [["profile", "name"], false],
    [["profile", "updatedAt"], "now"],
    [["profile", "updatedAt"], -1],
    [["profile", "about"], "a".repeat(2001)],
  ],
  PROFILE_REQUEST: [
    [["ids"], []],
    [["ids", "0"], "alice"],
    [["ids"], Array.from({ length: 1001 }, () => me.peerId)],
  ],
  PROFILE_BROADCAST: [
    [["profiles"], []],
    [["profiles", "0", "name"], 1],
    [["profiles", "1", "about"], "a".repeat(2001)],
    [["profiles"], Array.from({ length: 201 }, () => ({ peerId: me.peerId }))],
  ],
  SYNC: [
    [["set"], "deals"],
    [["from"], [0]],
    [["from", "0"], -1],
    [["from", "1"], "has space"],
    [["ranges", "1", "fp"], "short"],
    [
      ["ranges", "2", "ids", "0"],
      [NOW, "short"],
    ],
    [["ranges", "2", "ids", "0", "0"], 1.5],
    [["ranges"], Array.from({ length: 601 }, (_, i) => ({ b: [i + 1, ""] }))],
    [["have"], []],
  ],
  ACK: [
    [["ack", "msgId"], "short"],
    [["ack", "status"], "lost"],
    [["ack", "from"], "bob"],
  ],
  PEER_LIST: [
    [["peers"], null],
    [["peers", "0", "id"], 1],
    [["peers", "0", "lastSeen"], 1.5],
  ],
};

/** Where each example can take an extra, unknown property below the top level. */
const nestedObjects: Record<string, string[]> = {
  LISTING_BROADCAST: ["listings", "0"],
  DEAL_PROPOSAL: ["sealed"],
  DEAL_RESPONSE: ["sealed"],
  CHAT_MESSAGE: ["sealed"],
  ACK: ["ack"],
  USER_INFO: ["profile"],
  PEER_LIST: ["peers", "0"],
  PROFILE_BROADCAST: ["profiles", "0"],
  SYNC: ["ranges", "1"],
};

function setPath(target: Raw, path: string[], value: unknown): Raw {
  const copy = structuredClone(target);
  let node: Raw = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Raw;
  node[path.at(-1) as string] = value;
  return copy;
}

function expectMalformed(raw: unknown): void {
  expect(parseFrame(raw)).toEqual({ ok: false, reason: "malformed" });
}

describe("parseFrame", () => {
  it("has an example for each frame type", () => {
    const types = new Set(Object.values(examples()).map((e) => e.type));
    expect([...types].sort()).toEqual(
      [
        "ACK",
        "CHAT_MESSAGE",
        "DEAL_PROPOSAL",
        "DEAL_RESPONSE",
        "HELLO",
        "LISTING_BROADCAST",
        "LISTING_REQUEST",
        "PEER_LIST",
        "PROFILE_BROADCAST",
        "PROFILE_REQUEST",
        "SYNC",
        "USER_INFO",
      ].sort(),
    );
  });

  describe.each(Object.keys(examples()))("%s", (name) => {
    const example = () => examples()[name] as Raw;

    it("accepts a valid frame and returns it unchanged", () => {
      expect(parseFrame(example())).toEqual({ ok: true, frame: example() });
    });

    it("accepts the frame after a JSON round trip", () => {
      expect(parseFrame(JSON.parse(JSON.stringify(example()))).ok).toBe(true);
    });

    it("rejects a wrong protocol version", () => {
      expectMalformed({ ...example(), v: 2 });
      expectMalformed({ ...example(), v: "1" });
      expectMalformed({ ...example(), v: 0 });
    });

    it("rejects a missing or bad v, type or id", () => {
      for (const key of ["v", "type", "id"]) {
        const { [key]: _, ...rest } = example();
        expectMalformed(rest);
      }
      expectMalformed({ ...example(), id: "" });
      expectMalformed({ ...example(), id: 17 });
      expectMalformed({ ...example(), id: "has space" });
      expectMalformed({ ...example(), id: "x".repeat(65) });
      expect(parseFrame({ ...example(), id: "x".repeat(64) }).ok).toBe(true);
    });

    it("rejects the body under an unknown or differently spelt type", () => {
      expectMalformed({ ...example(), type: "GOSSIP" });
      expectMalformed({ ...example(), type: String(example().type).toLowerCase() });
    });

    it("rejects fields of the wrong type", () => {
      for (const [path, value] of wrongTypes[name] ?? []) {
        expect(parseFrame(setPath(example(), path, value)), `${path.join(".")} = ${JSON.stringify(value)}`).toEqual({
          ok: false,
          reason: "malformed",
        });
      }
      expect(wrongTypes[name]?.length).toBeGreaterThan(0);
    });

    it("rejects extra fields", () => {
      expectMalformed({ ...example(), extra: true });
      expectMalformed({ ...example(), signatures: [] });
      const nested = nestedObjects[name];
      if (nested) expectMalformed(setPath(example(), [...nested, "extra"], 1));
    });
  });

  it("rejects HELLO without a step, or the proof's body under the challenge step", () => {
    const { step: _, ...noStep } = examples()["HELLO challenge"] as Raw;
    expectMalformed(noStep);
    expectMalformed({ ...examples()["HELLO proof"], step: "challenge" });
  });

  it("rejects SYNC and ACK frames without their bodies", () => {
    expectMalformed({ v: 1, type: "SYNC", id: "s1" });
    expectMalformed({ v: 1, type: "ACK", id: "a1" });
  });

  it("rejects values that are not frames", () => {
    for (const raw of [undefined, null, 0, "HELLO", [], [examples().LISTING_REQUEST], true]) expectMalformed(raw);
  });
});

describe("frame size cap", () => {
  /** A valid LISTING_BROADCAST padded with description text to exactly `size` characters of JSON. */
  function broadcastOfSize(size: number): Raw {
    for (let count = 1; count <= MAX_LISTINGS_PER_FRAME; count++) {
      const listings = Array.from({ length: count }, () => ({ ...listing, description: "" }));
      const raw: Raw = { v: 1, type: "LISTING_BROADCAST", id: "big", listings };
      let padding = size - frameSize(raw);
      if (padding < 0) break;
      if (padding > 5000 * count) continue;
      for (const item of listings) {
        item.description = "d".repeat(Math.min(5000, padding));
        padding -= item.description.length;
      }
      return raw;
    }
    throw new Error(`cannot build a broadcast of ${size} characters`);
  }

  it("counts UTF-8 bytes, not characters", () => {
    const ascii = { v: 1, type: "PEER_LIST", id: "u", peers: [], note: "a" };
    const euro = { ...ascii, note: "€" };
    const emoji = { ...ascii, note: "🙂" };
    expect(frameSize(euro) - frameSize(ascii)).toBe(2);
    expect(frameSize(emoji) - frameSize(ascii)).toBe(3);
    // 30,000 three-byte characters are 90,000 bytes: over the cap though under it in characters.
    expect(parseFrame({ ...ascii, note: "€".repeat(30_000) })).toEqual({ ok: false, reason: "oversized" });
  });

  it("accepts a valid frame of exactly MAX_FRAME_BYTES", () => {
    const raw = broadcastOfSize(MAX_FRAME_BYTES);
    expect(frameSize(raw)).toBe(MAX_FRAME_BYTES);
    expect(parseFrame(raw).ok).toBe(true);
  });

  it("rejects an otherwise valid frame one byte over as oversized", () => {
    const raw = broadcastOfSize(MAX_FRAME_BYTES + 1);
    expect(frameSize(raw)).toBe(MAX_FRAME_BYTES + 1);
    expect(parseFrame(raw)).toEqual({ ok: false, reason: "oversized" });
  });

  it("rejects a huge frame as oversized before looking at its shape", () => {
    const chat = setPath(examples().CHAT_MESSAGE as Raw, ["sealed", "ciphertext"], "A".repeat(MAX_FRAME_BYTES));
    expect(parseFrame(chat)).toEqual({ ok: false, reason: "oversized" });
    expect(parseFrame({ junk: "x".repeat(MAX_FRAME_BYTES * 2) })).toEqual({ ok: false, reason: "oversized" });
  });

  it("treats values JSON cannot carry as oversized rather than throwing", () => {
    const cyclic: Raw = { v: 1, type: "PEER_LIST", id: "c", peers: [] };
    cyclic.self = cyclic;
    expect(parseFrame(cyclic)).toEqual({ ok: false, reason: "oversized" });
    expect(parseFrame({ v: 1, type: "PEER_LIST", id: "b", peers: [], n: 1n })).toEqual({
      ok: false,
      reason: "oversized",
    });
  });
});

describe("frame()", () => {
  it("fills in the protocol version and a fresh valid id", () => {
    const a = frame({ type: "LISTING_REQUEST", ids: ["abcdefgh"] });
    const b = frame({ type: "LISTING_REQUEST", ids: ["abcdefgh"] });
    expect(a.v).toBe(PROTOCOL_VERSION);
    expect(a.id).not.toBe(b.id);
    expect(parseFrame(a)).toEqual({ ok: true, frame: a });
  });

  it("builds frames that parseFrame accepts for every type", () => {
    for (const example of Object.values(examples())) {
      const { v: _, id: __, ...body } = example;
      const built = frame(body as never) as Frame;
      expect(parseFrame(built)).toEqual({ ok: true, frame: built });
    }
  });
});

describe("parseFrame fuzzing", () => {
  it("never throws on random JSON values", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (raw) => {
        const result = parseFrame(raw);
        expect(result.ok).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it("never throws on arbitrary JavaScript values", () => {
    fc.assert(
      fc.property(
        fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true }),
        (raw) => {
          expect(["oversized", "malformed"]).toContain((parseFrame(raw) as { reason?: string }).reason);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("never throws on valid frames with one field replaced by a random value", () => {
    const all = Object.values(examples());
    fc.assert(
      fc.property(
        fc.constantFrom(...all),
        fc.constantFrom("v", "type", "id", "step", "listings", "ids", "sealed", "profile", "peers", "name", "nonce"),
        fc.jsonValue(),
        (example, key, value) => {
          const result = parseFrame({ ...example, [key]: value });
          if (result.ok) expect(result.frame.v).toBe(1);
        },
      ),
      { numRuns: 500 },
    );
  });
});
