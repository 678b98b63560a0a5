// A peer in Node that meets browsers for real: createPeer on a MemoryStore, the Radio (PeerJS) and
// the RadioLink, with WebRTC from @roamhq/wrtc, registered at the test server's PeerServer. Seeds
// a browser with many listings without any test-only door in the app.

import wrtc from "@roamhq/wrtc";
import { WebSocket } from "ws";
import { generateIdentity, type Identity } from "../../src/core/crypto.ts";
import { createListing } from "../../src/core/listings/draft.ts";
import type { Listing } from "../../src/core/listings/records.ts";
import { createPeer, type Peer } from "../../src/core/peer.ts";
import { registrationToken } from "../../src/core/session/registration.ts";
import { RadioLink } from "../../src/shared/radio-link.ts";
import { consoleLogger, systemClock } from "../../src/shared/system.ts";
import { MemoryStore } from "../support/memory-store.ts";
import { draft } from "../unit/fixtures.ts";
import { closeWhenTestEnds } from "./test-end.ts";

// What PeerJS finds on window in a browser.
Object.assign(globalThis, {
  RTCPeerConnection: wrtc.RTCPeerConnection,
  RTCSessionDescription: wrtc.RTCSessionDescription,
  RTCIceCandidate: wrtc.RTCIceCandidate,
  WebSocket,
});
const { Radio } = await import("../../src/shared/radio.ts");

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `count` signed listings by 50 authors, spread over the last 30 days. */
export async function manyListings(count: number): Promise<Listing[]> {
  const authors = await Promise.all(Array.from({ length: 50 }, () => generateIdentity(0)));
  const now = Date.now();
  const out: Listing[] = [];
  for (let i = 0; i < count; i++) {
    // Up to 20 days old: listings live 30 days, and one made 29.99 days ago would expire during a
    // long bench and rightly drop out of the board's count (seen: "9,998 listings" of 10,000).
    const at = now - Math.floor(Math.random() * 20 * 86_400_000);
    const author = authors[i % authors.length] as Identity;
    out.push(await createListing(author, draft({ title: `Listing ${i}`, description: "d".repeat(300) }), at));
  }
  return out;
}

export interface NodeHub {
  peer: Peer;
  dispose(): void;
}

/** A hub holding `listings`, online at the PeerServer on `port` until disposed or the test ends. */
export async function startNodeHub(
  port: number,
  listings: Listing[],
  syncMode: "reconcile" | "send-all" = "reconcile",
): Promise<NodeHub> {
  const identity = await generateIdentity(Date.now());
  const store = new MemoryStore();
  await store.initIdentity(identity);
  for (const listing of listings) await store.putListingIf(listing, () => true);
  const channel = new MessageChannel();
  const radio = new Radio(channel.port1);
  const signaling = {
    host: "127.0.0.1",
    port,
    path: "/peerjs",
    secure: false,
    iceServers: [],
    iceTransportPolicy: "all" as const,
  };
  const token = await registrationToken(identity);
  const link = new RadioLink(() => ({ t: "start", peerId: identity.peerId, token, signaling }));
  link.attach(channel.port2);
  // No dial rounds: the browser under test dials this peer, nobody else is there.
  const peer = await createPeer(
    { store, link, clock: systemClock, logger: consoleLogger },
    { syncMode, background: false },
  );
  for (let waited = 0; link.state !== "online"; waited += 20) {
    if (waited > 10_000) throw new Error(`Node hub did not get online (${link.state})`);
    await sleep(20);
  }
  let disposed = false;
  const hub: NodeHub = {
    peer,
    dispose() {
      if (disposed) return;
      disposed = true;
      peer.dispose();
      radio.shutdown();
      channel.port2.close();
    },
  };
  return closeWhenTestEnds(hub, async (h) => h.dispose());
}
