import fc from "fast-check";
import { pack, unpack } from "peerjs-js-binarypack";
import { describe, expect, it } from "vitest";
import { decodeBinaryPack, FrameEncodingError } from "../../src/shared/frame-encoding.ts";

// What a frame can hold, as JSON would carry it (no -0: JSON has none either).
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: -(2 ** 31), max: 2 ** 40 }),
    fc.maxSafeInteger(),
    fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }).filter((n) => !Object.is(n, -0)),
    fc.string({ unit: "grapheme", maxLength: 40 }),
    fc.array(tie("value"), { maxLength: 6 }),
    // "__proto__" aside: PeerJS's Unpacker assigns it as the prototype (tested on its own below).
    fc
      .dictionary(
        fc.string({ maxLength: 12 }).filter((key) => key !== "__proto__"),
        tie("value"),
        { maxKeys: 6 },
      )
      .map((d) => ({ ...d })),
  ),
})).value;

const bytes = (value: unknown) => new Uint8Array(pack(value as never) as ArrayBuffer);

describe("the frame encoding", () => {
  it("decodes whatever PeerJS's BinaryPack writes exactly as PeerJS's own Unpacker does", () => {
    fc.assert(
      fc.property(json, (value) => {
        const packed = bytes(value);
        expect(decodeBinaryPack(packed)).toEqual(unpack(packed.buffer as ArrayBuffer));
      }),
      { numRuns: 2_000 },
    );
  });

  it("refuses lengths beyond the message, binary values, undefined and trailing bytes with a FrameEncodingError", () => {
    const refused = [
      [0xdd, 0xff, 0xff, 0xff, 0xff],
      [0xdf, 0x00, 0x01, 0x00, 0x00],
      [0xd9, 0x00, 0x00, 0x10, 0x00, 0x41],
      [0xc1],
      [0xd4],
      [0x91, 0x01, 0x02],
      [0x81, 0x01, 0x01],
      [0xb2, 0xc3, 0x28],
    ];
    for (const message of refused) expect(() => decodeBinaryPack(new Uint8Array(message))).toThrow(FrameEncodingError);
    expect(() => decodeBinaryPack(bytes({ a: new ArrayBuffer(3) }))).toThrow(FrameEncodingError);
    expect(decodeBinaryPack(bytes({ a: new ArrayBuffer(3) }), { binaryAt: 1 })).toEqual({ a: new ArrayBuffer(3) });
    expect(() => decodeBinaryPack(bytes({ a: [new ArrayBuffer(3)] }), { binaryAt: 1 })).toThrow(FrameEncodingError);
    const deep = new Uint8Array(100).fill(0x91);
    expect(() => decodeBinaryPack(deep)).toThrow(FrameEncodingError);
  });

  it('a "__proto__" key is data, not the decoded object\'s prototype', () => {
    const decoded = decodeBinaryPack(new Uint8Array([0x81, 0xb9, ...new TextEncoder().encode("__proto__"), 0xc3]));
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(Object.keys(decoded as object)).toEqual(["__proto__"]);
  });

  it("any bytes either decode or fail with a FrameEncodingError, and never take long", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (message) => {
        try {
          decodeBinaryPack(message);
        } catch (error) {
          expect(error).toBeInstanceOf(FrameEncodingError);
        }
      }),
      { numRuns: 20_000 },
    );
  });
});
