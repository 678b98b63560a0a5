// The hub↔radio link runs the Link contract for real: RadioLink in "the hub", the Radio with
// PeerJS on a MessagePort, WebRTC from @roamhq/wrtc, and the project's PeerServer on loopback.

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import wrtc from "@roamhq/wrtc";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { WebSocket } from "ws";
import { startServer } from "../../server/server.js";
import { randomToken } from "../../src/core/crypto.ts";
import { base32Encode } from "../../src/core/encoding.ts";
import type { RadioState } from "../../src/shared/api.ts";
import type { SignalingConfig } from "../../src/shared/radio-messages.ts";
import { RadioLink } from "../../src/worker/radio-link.ts";
import { runLinkContract } from "./link.ts";

// What PeerJS finds on window in a browser.
Object.assign(globalThis, {
  RTCPeerConnection: wrtc.RTCPeerConnection,
  RTCSessionDescription: wrtc.RTCSessionDescription,
  RTCIceCandidate: wrtc.RTCIceCandidate,
  WebSocket,
});
const { Radio } = await import("../../src/ui/radio.ts");

let server: Awaited<ReturnType<typeof startServer>>;
let signaling: SignalingConfig;

beforeAll(async () => {
  // The contract needs PeerServer only; a one-file app stands in for the build.
  const dist = mkdtempSync(join(tmpdir(), "peerboard-contract-"));
  writeFileSync(join(dist, "index.html"), "<!doctype html><title>contract</title>");
  server = await startServer({ port: 0, dist });
  signaling = { host: "127.0.0.1", port: server.port, path: "/peerjs", secure: false, iceServers: [] };
});

afterAll(async () => {
  await server?.close();
});

function newPeerId(): string {
  return `pb-${base32Encode(crypto.getRandomValues(new Uint8Array(16)))}`;
}

async function radioLink(peerId: string, token = randomToken(), expected: RadioState = "online") {
  const channel = new MessageChannel();
  const radio = new Radio(channel.port1);
  const link = new RadioLink(() => ({ t: "start", peerId, token, signaling }));
  link.attach(channel.port2);
  await vi.waitFor(() => expect(link.state).toBe(expected), { timeout: 5_000, interval: 10 });
  const dispose = () => {
    radio.shutdown();
    channel.port2.close();
  };
  return { link, radio, channel, dispose };
}

runLinkContract("RadioLink over a MessagePort to the PeerJS radio (wrtc, real PeerServer)", async () => {
  const aId = newPeerId();
  const bId = newPeerId();
  const a = await radioLink(aId);
  const b = await radioLink(bId);
  return {
    a: a.link,
    aId,
    b: b.link,
    bId,
    strangerId: newPeerId(),
    dispose: () => {
      a.dispose();
      b.dispose();
    },
  };
});

describe("registering a peer id at PeerServer (DESIGN.md §7)", () => {
  it("another browser profile (another token) using the same identity is refused and told so", async () => {
    const id = newPeerId();
    const first = await radioLink(id);
    const second = await radioLink(id, randomToken(), "identity-in-use");
    expect(first.link.state).toBe("online");
    first.dispose();
    second.dispose();
  });

  it("a new radio with the profile's token takes over an id whose old socket is still open", async () => {
    const id = newPeerId();
    const token = randomToken();
    const old = await radioLink(id, token);
    // The old radio never says goodbye (a crashed tab); the new one presents the same token.
    const next = await radioLink(id, token);
    const caller = await radioLink(newPeerId());
    const events: boolean[] = [];
    next.link.onPeer((_, up) => events.push(up));
    const frames: unknown[] = [];
    next.link.onFrame((_, frame) => frames.push(frame));
    caller.link.dial(id);
    await vi.waitFor(() => expect(caller.link.isUp(id)).toBe(true), { timeout: 5_000, interval: 10 });
    caller.link.send(id, { hello: "new radio" });
    await vi.waitFor(() => expect(frames).toEqual([{ hello: "new radio" }]), { timeout: 5_000, interval: 10 });
    expect(events).toEqual([true]);
    for (const radio of [old, next, caller]) radio.dispose();
  });
});
