// The radio's data connection: PeerJS's "binary" serialization (BinaryPack, chunked at 16,300
// bytes), with reassembly that has limits. PeerJS's own (BinaryPack class in peerjs/dist) keeps
// every incomplete message forever under a chunk id, index and total the sender picks, joins
// messages of any size, and runs before HELLO, so one free identity could hold a tab's memory
// (4,000 incomplete messages held 74 MB; one 8.4 MB message was accepted). Here a message's chunks
// must come in order, one message at a time (PeerJS writes them back to back on an ordered
// channel), within MAX_MESSAGE_BYTES, and whatever breaks the encoding closes the channel.
// Sending is PeerJS's, byte for byte, so both ends interoperate with peers that predate this.

import { BufferedConnection, type Peer } from "peerjs";
import { pack } from "peerjs-js-binarypack";
import { MAX_FRAME_BYTES } from "../core/wire.ts";
import { type Decoded, decodeBinaryPack, FrameEncodingError } from "./frame-encoding.ts";

/** PeerJS's chunk size (`chunkedMTU` in peerjs/dist): no honest data-channel message is larger. */
export const CHUNK_BYTES = 16_300;
/** A chunk's envelope around its bytes: chunk id, index, total and the keys' names. */
const ENVELOPE_BYTES = 64;
/**
 * The largest message reassembled. Frames are capped at MAX_FRAME_BYTES as JSON, and BinaryPack
 * is at most 9/4 of JSON (a short fraction like 0.5 is 4 bytes with its comma, 9 packed).
 */
export const MAX_MESSAGE_BYTES = 4 * MAX_FRAME_BYTES;
/** Incomplete bytes held by all channels together: many channels cannot add up past this. */
export const MAX_HELD_BYTES = 8 * 1024 * 1024;

let heldEverywhere = 0;

/** Bytes of incomplete messages all FrameChannels hold right now (for tests and benches). */
export function heldBytes(): number {
  return heldEverywhere;
}

interface Incomplete {
  id: number;
  total: number;
  parts: Uint8Array[];
  bytes: number;
  /** Data-channel bytes so far, envelopes included. */
  wire: number;
}

export class FrameChannel extends BufferedConnection {
  /** What the other side asked for; the radio refuses channels that are not "binary". */
  readonly serialization: string;
  /** Bytes on the wire of the frame just emitted as "data" (the hub's byte limits count these). */
  wireBytes = 0;
  /** Called once with the reason when this channel is closed for breaking the encoding. */
  onRefused: ((reason: string) => void) | undefined;
  private incomplete: Incomplete | undefined;
  private refused = false;
  private nextChunkId = 1;

  // biome-ignore lint/suspicious/noExplicitAny: PeerJS's own constructor signature (SerializerMapping).
  constructor(peerId: string, provider: Peer, options: any) {
    super(peerId, provider, options);
    this.serialization = typeof options?.serialization === "string" ? options.serialization : "binary";
  }

  override close(options?: { flush?: boolean }): void {
    super.close(options);
    if (!options?.flush) this.release();
  }

  protected override _handleDataMessage({ data }: MessageEvent): void {
    if (this.refused) return;
    try {
      this.receive(data);
    } catch (error) {
      if (!(error instanceof FrameEncodingError)) throw error;
      this.refused = true;
      this.release();
      this.onRefused?.(error.message);
      this.close();
    }
  }

  private receive(data: unknown): void {
    if (!(data instanceof ArrayBuffer)) throw new FrameEncodingError("Text where binary frames were expected");
    if (data.byteLength > CHUNK_BYTES + ENVELOPE_BYTES)
      throw new FrameEncodingError(`A message of ${data.byteLength} bytes: PeerJS sends at most ${CHUNK_BYTES}`);
    const value = decodeBinaryPack(new Uint8Array(data), { binaryAt: 1 });
    if (!isMap(value)) throw new FrameEncodingError("Not a frame");
    if (value.__peerData === undefined) {
      if (this.incomplete) throw new FrameEncodingError("A frame inside another message's chunks");
      this.deliver(withoutBinary(value), data.byteLength);
      return;
    }
    if (isMap(value.__peerData) && value.__peerData.type === "close" && Object.keys(value).length === 1) {
      this.close();
      return;
    }
    this.chunk(value, data.byteLength);
  }

  private chunk(envelope: { [key: string]: Decoded }, wire: number): void {
    const { __peerData: id, n, total, data } = envelope;
    if (!isCount(id) || !isCount(total) || typeof n !== "number" || !(data instanceof ArrayBuffer))
      throw new FrameEncodingError("Not a PeerJS chunk");
    if (data.byteLength === 0 || data.byteLength > CHUNK_BYTES) throw new FrameEncodingError("A chunk of a wrong size");
    const current = this.incomplete ?? { id, total, parts: [], bytes: 0, wire: 0 };
    if (current.id !== id || current.total !== total || n !== current.parts.length || n >= total)
      throw new FrameEncodingError("Chunks out of order or of two messages at once");
    if (current.bytes + data.byteLength > MAX_MESSAGE_BYTES)
      throw new FrameEncodingError(`A message over ${MAX_MESSAGE_BYTES} bytes`);
    if (heldEverywhere + data.byteLength > MAX_HELD_BYTES)
      throw new FrameEncodingError("Too many incomplete messages on all channels");
    current.parts.push(new Uint8Array(data));
    current.bytes += data.byteLength;
    current.wire += wire;
    heldEverywhere += data.byteLength;
    this.incomplete = current;
    if (current.parts.length < total) return;
    this.release();
    const whole = new Uint8Array(current.bytes);
    let offset = 0;
    for (const part of current.parts) {
      whole.set(part, offset);
      offset += part.byteLength;
    }
    const frame = decodeBinaryPack(whole);
    if (!isMap(frame) || frame.__peerData !== undefined) throw new FrameEncodingError("Not a frame");
    // The envelopes count too: what a sender costs us is what it put on the wire.
    this.deliver(frame, current.wire);
  }

  private deliver(frame: { [key: string]: Decoded }, bytes: number): void {
    this.wireBytes = bytes;
    this.emit("data", frame);
  }

  /** Frees what an incomplete message held. */
  private release(): void {
    if (this.incomplete) heldEverywhere -= this.incomplete.bytes;
    this.incomplete = undefined;
  }

  // biome-ignore lint/suspicious/noExplicitAny: PeerJS's send takes any serializable value.
  protected override _send(data: any, chunked: boolean): void | Promise<void> {
    const packed = pack(data);
    if (packed instanceof Promise) return packed.then((buffer) => this.sendPacked(buffer, chunked));
    this.sendPacked(packed, chunked);
  }

  /** As PeerJS's BinaryPack connection: over CHUNK_BYTES, chunks of a fresh id, in order. */
  private sendPacked(buffer: ArrayBufferLike, chunked: boolean): void {
    if (chunked || buffer.byteLength <= CHUNK_BYTES) {
      this._bufferedSend(buffer as ArrayBuffer);
      return;
    }
    const id = this.nextChunkId++;
    const total = Math.ceil(buffer.byteLength / CHUNK_BYTES);
    for (let n = 0; n < total; n++) {
      const data = buffer.slice(n * CHUNK_BYTES, Math.min(buffer.byteLength, (n + 1) * CHUNK_BYTES));
      this.send({ __peerData: id, n, data, total }, true);
    }
  }
}

function isMap(value: Decoded | undefined): value is { [key: string]: Decoded } {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof ArrayBuffer);
}

function isCount(value: Decoded | undefined): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 1;
}

/** A frame's top level, where the decoder let binary through for the envelope's sake. */
function withoutBinary(frame: { [key: string]: Decoded }): { [key: string]: Decoded } {
  for (const value of Object.values(frame))
    if (value instanceof ArrayBuffer) throw new FrameEncodingError("Binary data where a frame was expected");
  return frame;
}
