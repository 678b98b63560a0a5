// Test peers that can post photos in Node, where thumbnails.ts has no OffscreenCanvas: a
// stand-in thumbnailer that keeps the bytes under their real hash, random photo bytes, and the
// peers a test file builds, closed after each test.

import { afterEach, expect, vi } from "vitest";
import { base64urlEncode } from "../../src/core/encoding.ts";
import type { ThumbnailMaker } from "../../src/core/listings/listing-actions.ts";
import type { Thumbnail } from "../../src/core/ports.ts";
import type { MemoryNetwork } from "./memory-link.ts";
import { buildPeer, type TestPeer, type TestPeerOptions } from "./peers.ts";

/** Stands in for thumbnails.ts: the photo's own bytes as WebP, with their real SHA-256. */
export const fakeThumbnails: ThumbnailMaker = async (photos) =>
  Promise.all(
    photos.map(async (photo) => {
      const bytes = new Uint8Array(await photo.arrayBuffer());
      const hash = base64urlEncode(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)));
      return {
        ref: { hash, type: "image/webp" as const, bytes: bytes.length, width: 640, height: 480 },
        blob: new Blob([bytes], { type: "image/webp" }),
      };
    }),
  );

/** Bytes no thumbnailer could shrink (getRandomValues fills at most 64 KiB a call). */
export function randomBytes(n: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(bytes.subarray(i, Math.min(n, i + 65536)));
  return bytes;
}

/**
 * Registers the hooks of a photo test file and returns how it builds a peer: with the stand-in
 * thumbnailer, closed (and console spies restored) after each test.
 */
export function usePhotoPeers() {
  const peers: TestPeer[] = [];
  afterEach(async () => {
    for (const peer of peers.splice(0)) await peer.close();
    vi.restoreAllMocks();
  });
  return {
    async node(network: MemoryNetwork, options: TestPeerOptions = {}): Promise<TestPeer> {
      const peer = await buildPeer(network, {
        ...options,
        ports: {
          thumbnailer: {
            listingPhotos: fakeThumbnails,
            avatar: async (photo) => (await fakeThumbnails([photo]))[0] as Thumbnail,
          },
          ...options.ports,
        },
      });
      peers.push(peer);
      return peer;
    },
    /** Waits until `a` has finished HELLO with `peer`. */
    async ready(a: TestPeer, peer: string): Promise<void> {
      await vi.waitFor(() => expect(a.session.readyPeers()).toContain(peer), { timeout: 3000 });
    },
  };
}
