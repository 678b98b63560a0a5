import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { base32Encode, base64urlDecode, base64urlEncode, canonicalJson, utf8 } from "../../src/core/encoding.ts";

describe("base32Encode", () => {
  // RFC 4648 §10 test vectors, lowercased and without padding.
  const vectors: [string, string][] = [
    ["", ""],
    ["f", "my"],
    ["fo", "mzxq"],
    ["foo", "mzxw6"],
    ["foob", "mzxw6yq"],
    ["fooba", "mzxw6ytb"],
    ["foobar", "mzxw6ytboi"],
  ];
  for (const [input, expected] of vectors) {
    it(`encodes ${JSON.stringify(input)} as ${JSON.stringify(expected)}`, () => {
      expect(base32Encode(utf8(input))).toBe(expected);
    });
  }

  it("uses only the lowercase RFC 4648 alphabet and the unpadded length", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const text = base32Encode(bytes);
        expect(text).toMatch(/^[a-z2-7]*$/);
        expect(text.length).toBe(Math.ceil((bytes.length * 8) / 5));
      }),
    );
  });

  it("matches a bit-by-bit reference encoder", () => {
    const alphabet = "abcdefghijklmnopqrstuvwxyz234567";
    const reference = (bytes: Uint8Array) => {
      const bits = [...bytes].map((b) => b.toString(2).padStart(8, "0")).join("");
      let out = "";
      for (let i = 0; i < bits.length; i += 5) out += alphabet[Number.parseInt(bits.slice(i, i + 5).padEnd(5, "0"), 2)];
      return out;
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => base32Encode(bytes) === reference(bytes)));
  });
});

describe("base64url", () => {
  it("encodes like Node's base64url", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        expect(base64urlEncode(bytes)).toBe(Buffer.from(bytes).toString("base64url"));
      }),
    );
  });

  it("round-trips any bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(base64urlDecode(base64urlEncode(bytes))).toEqual(bytes);
      }),
    );
  });

  it("decodes known values", () => {
    expect(base64urlDecode("")).toEqual(new Uint8Array());
    expect(base64urlDecode("-_8")).toEqual(new Uint8Array([0xfb, 0xff]));
    expect(base64urlDecode("Zm9vYmFy")).toEqual(utf8("foobar"));
  });

  it("rejects characters outside the base64url alphabet", () => {
    for (const text of ["Zm9v+mFy", "Zm9v/mFy", "Zm9vYg==", "Zm9 vYmF", "Zm9vYmF\u00e9", "Zm9v\nYmFy"]) {
      expect(base64urlDecode(text), text).toBeUndefined();
    }
  });

  it("rejects an impossible length", () => {
    expect(base64urlDecode("A")).toBeUndefined();
    expect(base64urlDecode("Zm9vY")).toBeUndefined();
  });

  it("rejects non-canonical encodings whose unused bits are set", () => {
    // "Zg" is the canonical encoding of "f"; "Zh" carries the same byte with a stray low bit.
    expect(base64urlDecode("Zg")).toEqual(utf8("f"));
    expect(base64urlDecode("Zh")).toBeUndefined();
    expect(base64urlDecode("Zm8")).toEqual(utf8("fo"));
    expect(base64urlDecode("Zm9")).toBeUndefined();
  });

  it("accepts exactly one spelling per byte string", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9_-]{0,40}$/), (text) => {
        const bytes = base64urlDecode(text);
        if (bytes) expect(base64urlEncode(bytes)).toBe(text);
      }),
    );
  });
});

describe("canonicalJson", () => {
  const shuffledCopy = (value: unknown, seed: number): unknown => {
    if (Array.isArray(value)) return value.map((item, i) => shuffledCopy(item, seed + i));
    if (value === null || typeof value !== "object") return value;
    const entries = Object.entries(value);
    // Deterministic rotation + reversal stands in for "any insertion order".
    const rotated = entries.map((_, i) => entries[(i + seed) % entries.length] as [string, unknown]);
    if (seed % 2) rotated.reverse();
    return Object.fromEntries(rotated.map(([k, v], i) => [k, shuffledCopy(v, seed + i + 1)]));
  };

  it("does not depend on key insertion order", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat(100), (value, seed) => {
        expect(canonicalJson(shuffledCopy(value, seed))).toBe(canonicalJson(value));
      }),
    );
  });

  it("sorts keys at every depth and adds no whitespace", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: "x" } })).toBe(
      '{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it("is valid JSON that parses back to an equal value", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });

  it("leaves out undefined properties, as JSON.stringify does", () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe(canonicalJson({ a: 1 }));
  });
});
