// Tiny valid photos for the demo board, made in code: a lossless WebP (VP8L) of one colour. With
// every prefix code a "simple" code of one symbol, each pixel costs zero bits, so any size is
// ~30 bytes. Format: https://developers.google.com/speed/webp/docs/webp_lossless_bitstream_specification

import type { ImageRef } from "../core/listings/records.ts";

/** Packs values least-significant bit first, as VP8L reads them. */
class BitWriter {
  private readonly bytes: number[] = [];
  private bit = 0;

  write(value: number, count: number): void {
    for (let i = 0; i < count; i++) {
      if (this.bit === 0) this.bytes.push(0);
      if ((value >>> i) & 1) this.bytes[this.bytes.length - 1] = (this.bytes.at(-1) as number) | (1 << this.bit);
      this.bit = (this.bit + 1) % 8;
    }
  }

  done(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

/** One simple prefix code with a single 8-bit symbol: decoding it reads no bits at all. */
function singleSymbol(bits: BitWriter, symbol: number): void {
  bits.write(1, 1); // simple code
  bits.write(0, 1); // one symbol
  bits.write(1, 1); // it is 8 bits wide
  bits.write(symbol, 8);
}

/** A width × height lossless WebP of one opaque colour (r, g, b each 0–255). */
export function solidWebp(
  width: number,
  height: number,
  [r, g, b]: readonly [number, number, number],
): Uint8Array<ArrayBuffer> {
  const bits = new BitWriter();
  bits.write(0x2f, 8); // VP8L signature
  bits.write(width - 1, 14);
  bits.write(height - 1, 14);
  bits.write(0, 1); // alpha is not used
  bits.write(0, 3); // version 0
  bits.write(0, 1); // no transforms
  bits.write(0, 1); // no colour cache
  bits.write(0, 1); // no meta prefix codes: one group for the whole image
  singleSymbol(bits, g); // green (and length/cache prefixes, unused)
  singleSymbol(bits, r);
  singleSymbol(bits, b);
  singleSymbol(bits, 255); // alpha
  singleSymbol(bits, 0); // distance (unused: no backward references)
  const data = bits.done();
  const padded = data.length + (data.length % 2);
  const out = new Uint8Array(20 + padded);
  const view = new DataView(out.buffer);
  const ascii = (at: number, text: string) => {
    for (let i = 0; i < text.length; i++) out[at + i] = text.charCodeAt(i);
  };
  ascii(0, "RIFF");
  view.setUint32(4, out.length - 8, true);
  ascii(8, "WEBP");
  ascii(12, "VP8L");
  view.setUint32(16, data.length, true);
  out.set(data, 20);
  return out;
}

function base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64url");
}

/** The photo and the reference a signed listing carries for it (hash: SHA-256 of the bytes). */
export async function demoPhoto(
  width: number,
  height: number,
  colour: readonly [number, number, number],
): Promise<{ ref: ImageRef; blob: Blob }> {
  const bytes = solidWebp(width, height, colour);
  const hash = base64url(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)));
  return {
    ref: { hash, type: "image/webp", bytes: bytes.length, width, height },
    blob: new Blob([bytes], { type: "image/webp" }),
  };
}
