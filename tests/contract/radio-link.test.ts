// The hub↔radio link runs the Link contract for real: RadioLink in "the hub", the Radio with
// PeerJS on a MessagePort, WebRTC from @roamhq/wrtc, and the project's PeerServer on loopback.

import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { generateIdentity, type Identity } from "../../src/core/crypto.ts";
import { registrationToken } from "../../src/core/session/registration.ts";
import type { RadioState } from "../../src/shared/api.ts";
import { RadioLink } from "../../src/shared/radio-link.ts";
import type { SignalingConfig } from "../../src/shared/radio-messages.ts";
import { type NodeSignaling, startNodeSignaling } from "../support/node-signaling.ts";
import { runLinkContract } from "./link.ts";

let nodes: NodeSignaling;
let signaling: SignalingConfig;
let Radio: typeof import("../../src/shared/radio.ts").Radio;

beforeAll(async () => {
  // The contract needs PeerServer only; a one-file app stands in for the build.
  nodes = await startNodeSignaling("contract", "wrtc");
  // Only now: PeerJS, which the radio loads, probes for RTCPeerConnection as it is evaluated.
  ({ Radio } = await import("../../src/shared/radio.ts"));
  signaling = { ...nodes.signaling, iceServers: [], iceTransportPolicy: "all" as const };
});

afterAll(async () => {
  await nodes?.close();
});

/** A new identity; the server lets only its holder register its id (proof of key). */
const newIdentity = () => generateIdentity(Date.now());

async function radioLink(identity: Identity, token?: string, expected: RadioState = "online") {
  const peerId = identity.peerId;
  token ??= await registrationToken(identity);
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
  const [aIdentity, bIdentity] = await Promise.all([newIdentity(), newIdentity()]);
  const aId = aIdentity.peerId;
  const bId = bIdentity.peerId;
  const a = await radioLink(aIdentity);
  const b = await radioLink(bIdentity);
  return {
    a: a.link,
    aId,
    b: b.link,
    bId,
    strangerId: (await newIdentity()).peerId,
    dispose: () => {
      a.dispose();
      b.dispose();
    },
  };
});

describe("registering a peer id at PeerServer (docs/architecture.md, 'Facts checked in the libraries')", () => {
  it("another browser profile (another token) using the same identity is refused and told so", async () => {
    const identity = await newIdentity();
    const first = await radioLink(identity);
    // Its own proof (another nonce), so another token: the server keeps the id for the first.
    const second = await radioLink(identity, await registrationToken(identity), "identity-in-use");
    expect(first.link.state).toBe("online");
    first.dispose();
    second.dispose();
  });

  it("a new radio with the profile's token takes over an id whose old socket is still open", async () => {
    const identity = await newIdentity();
    const id = identity.peerId;
    const token = await registrationToken(identity);
    const old = await radioLink(identity, token);
    // The old radio never says goodbye (a crashed tab); the new one presents the same token.
    const next = await radioLink(identity, token);
    const caller = await radioLink(await newIdentity());
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
