// How frames travel on a data channel: BinaryPack, as PeerJS's "binary" serialization writes it
// (peerjs-js-binarypack). Decoding is ours, not the library's: its Unpacker trusts the lengths it
// reads (five bytes announcing a 2^32-element array keep a tab busy until it runs out of memory,
// reads past the end return zeros) and hands back binary values the hub would measure as `{}`.
// Here every length must fit in the bytes that are left, nesting is bounded, and only what a
// frame can hold comes out: null, booleans, numbers, strings, arrays and plain objects. Binary
// values appear only where the caller allows them: one level down, in PeerJS's chunk envelope.

import { PeerboardError } from "../core/errors.ts";

/** A data-channel message that is not a frame in the encoding Peerboard peers write. */
export class FrameEncodingError extends PeerboardError {
  override name = "FrameEncodingError";
}

/** Deeper than any frame nests (a listing inside a batch inside a frame is four levels). */
const MAX_DEPTH = 32;

export type Decoded = null | boolean | number | string | ArrayBuffer | Decoded[] | { [key: string]: Decoded };

const utf8 = new TextDecoder("utf-8", { fatal: true });
/** Strings up to this many bytes are tried as ASCII first. */
const SHORT_STRING = 64;

/**
 * Decodes one BinaryPack value that fills `bytes` exactly; throws FrameEncodingError otherwise.
 * `binaryAt`: the one nesting depth where binary values are allowed (none if absent).
 */
export function decodeBinaryPack(bytes: Uint8Array, options: { binaryAt?: number } = {}): Decoded {
  const reader = new Reader(bytes, options.binaryAt ?? -1);
  const value = reader.value(0);
  if (reader.offset !== bytes.byteLength) throw new FrameEncodingError("Bytes left over after the value");
  return value;
}

class Reader {
  offset = 0;
  constructor(
    private readonly bytes: Uint8Array,
    private readonly binaryAt: number,
  ) {}

  value(depth: number): Decoded {
    if (depth > MAX_DEPTH) throw new FrameEncodingError("Nested too deeply");
    const type = this.uint(1);
    if (type < 0x80) return type;
    if (type >= 0xe0) return type - 0x100;
    if (type >= 0xa0 && type <= 0xaf) return this.raw(type & 0x0f, depth);
    if (type >= 0xb0 && type <= 0xbf) return this.string(type & 0x0f);
    if (type >= 0x90 && type <= 0x9f) return this.array(type & 0x0f, depth);
    if (type >= 0x80 && type <= 0x8f) return this.map(type & 0x0f, depth);
    switch (type) {
      case 0xc0:
        return null;
      case 0xc2:
        return false;
      case 0xc3:
        return true;
      case 0xca:
        return this.float32();
      case 0xcb:
        return this.float64();
      case 0xcc:
        return this.uint(1);
      case 0xcd:
        return this.uint(2);
      case 0xce:
        return this.uint(4);
      case 0xcf:
        return this.uint(8);
      case 0xd0:
        return this.signed(1);
      case 0xd1:
        return this.signed(2);
      case 0xd2:
        return this.signed(4);
      case 0xd3:
        return this.signed(8);
      case 0xd8:
        return this.string(this.uint(2));
      case 0xd9:
        return this.string(this.uint(4));
      case 0xda:
        return this.raw(this.uint(2), depth);
      case 0xdb:
        return this.raw(this.uint(4), depth);
      case 0xdc:
        return this.array(this.uint(2), depth);
      case 0xdd:
        return this.array(this.uint(4), depth);
      case 0xde:
        return this.map(this.uint(2), depth);
      case 0xdf:
        return this.map(this.uint(4), depth);
      default:
        // 0xc1, 0xc4–0xc9, 0xd4–0xd7: undefined or nothing in BinaryPack; no frame holds them.
        throw new FrameEncodingError(`Not a frame value (type byte 0x${type.toString(16)})`);
    }
  }

  private take(length: number): Uint8Array {
    if (length > this.bytes.byteLength - this.offset) throw new FrameEncodingError("A length runs past the message");
    const slice = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return slice;
  }

  /** Big-endian unsigned, computed as the library's Unpacker does (doubles, not BigInt). */
  private uint(length: number): number {
    // Read in place: a subarray per number was a good part of decoding a sync's frames.
    if (length > this.bytes.byteLength - this.offset) throw new FrameEncodingError("A length runs past the message");
    let n = 0;
    for (let i = 0; i < length; i++) n = n * 256 + (this.bytes[this.offset + i] as number);
    this.offset += length;
    return n;
  }

  private signed(length: number): number {
    const n = this.uint(length);
    const range = 2 ** (8 * length);
    return n < range / 2 ? n : n - range;
  }

  private float32(): number {
    const n = this.uint(4);
    const exp = ((n >>> 23) & 0xff) - 127;
    const fraction = (n & 0x7fffff) | 0x800000;
    return (n >>> 31 === 0 ? 1 : -1) * fraction * 2 ** (exp - 23);
  }

  /** The Unpacker's own formula, so a number reads here exactly as older peers read it. */
  private float64(): number {
    const high = this.uint(4);
    const low = this.uint(4);
    const exp = ((high >>> 20) & 0x7ff) - 1023;
    const fraction = ((high & 0xfffff) | 0x100000) * 2 ** (exp - 20) + low * 2 ** (exp - 52);
    return (high >>> 31 === 0 ? 1 : -1) * fraction;
  }

  private raw(length: number, depth: number): ArrayBuffer {
    if (depth !== this.binaryAt) throw new FrameEncodingError("Binary data where a frame was expected");
    return this.take(length).slice().buffer;
  }

  private string(length: number): string {
    const bytes = this.take(length);
    // Most strings of a frame are short ASCII (keys, ids, prices): TextDecoder's cost per call
    // outweighs the work for them, and ASCII bytes are their own UTF-8.
    if (length <= SHORT_STRING && bytes.every((byte) => byte < 0x80))
      return String.fromCharCode.apply(null, bytes as unknown as number[]);
    try {
      return utf8.decode(bytes);
    } catch (error) {
      if (error instanceof FrameEncodingError) throw error;
      throw new FrameEncodingError("A string is not UTF-8");
    }
  }

  private array(length: number, depth: number): Decoded[] {
    // Every element takes at least one byte: a length beyond what is left is a lie.
    if (length > this.bytes.byteLength - this.offset) throw new FrameEncodingError("An array runs past the message");
    const items: Decoded[] = [];
    for (let i = 0; i < length; i++) items.push(this.value(depth + 1));
    return items;
  }

  private map(length: number, depth: number): { [key: string]: Decoded } {
    if (length * 2 > this.bytes.byteLength - this.offset) throw new FrameEncodingError("A map runs past the message");
    const map: { [key: string]: Decoded } = {};
    for (let i = 0; i < length; i++) {
      const key = this.value(depth + 1);
      if (typeof key !== "string") throw new FrameEncodingError("A map key is not a string");
      const value = this.value(depth + 1);
      // As JSON.parse does, a "__proto__" key is data, never the prototype: it is the one key an
      // assignment would not store as an own property.
      if (key === "__proto__")
        Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
      else map[key] = value;
    }
    return map;
  }
}
