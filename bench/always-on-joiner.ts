// One process of the always-on bench's newcomers: `count` whole peers (createPeer on a
// MemoryStore, the browser's Radio and RadioLink, PeerJS over @roamhq/wrtc), started at once
// against the server, dialling whoever discovery names, as browsers do. Prints one JSON line per
// peer when it holds `expect` listings, and `{"t":"timeout"}` lines for those that did not in time.
// Run by always-on.bench.ts: node --import <ts hooks> bench/always-on-joiner.ts <server> <count> <expect> <ms>

import { generateIdentity } from "../src/core/crypto.ts";
import { createPeer } from "../src/core/peer.ts";
import { registrationToken } from "../src/core/session/registration.ts";
import { signalingFor } from "../src/node/node-link.ts";
import { installWebRtc } from "../src/node/webrtc.ts";
import { discoverPeers } from "../src/shared/discovery.ts";
import { RadioLink } from "../src/shared/radio-link.ts";
import { consoleLogger, systemClock } from "../src/shared/system.ts";
import { MemoryStore } from "../tests/support/memory-store.ts";

const [serverText = "", countText = "1", expectText = "0", limitText = "240000"] = process.argv.slice(2);
const server = new URL(serverText);
const count = Number(countText);
const expected = Number(expectText);
const deadline = Date.now() + Number(limitText);
await installWebRtc("node-datachannel");
const { Radio } = await import("../src/shared/radio.ts");
// Warnings are counted, not printed: 30 peers' dial failures would bury the figures.
const warnings = new Map<string, number>();
const quiet = {
  warn: (message: string) => {
    const kind = message.replace(/pb-\S+/g, "pb-…");
    warnings.set(kind, (warnings.get(kind) ?? 0) + 1);
  },
  error: consoleLogger.error,
};

async function join(index: number): Promise<void> {
  const store = new MemoryStore();
  const identity = await store.initIdentity(await generateIdentity(Date.now()));
  const channel = new MessageChannel();
  new Radio(channel.port1);
  const token = await registrationToken(identity);
  const link = new RadioLink(() => ({
    t: "start",
    peerId: identity.peerId,
    token,
    signaling: { ...signalingFor(server), iceServers: [], iceTransportPolicy: "all" },
  }));
  const started = Date.now();
  const peer = await createPeer(
    { store, link, clock: systemClock, logger: quiet, discovery: () => discoverPeers(server.origin) },
    {},
  );
  // Counted from the peer's own events: reading the whole store every 250 ms (a sorted, cloned
  // copy of up to 10,000 listings, for each of 15 peers in a process) took most of the CPU the
  // newcomers had for syncing.
  const ids = new Set<string>();
  peer.listings.onListing((listing) => ids.add(listing.id));
  link.attach(channel.port2);
  for (;;) {
    const held = ids.size;
    if (held >= expected) {
      process.stdout.write(
        `${JSON.stringify({ t: "done", index, ms: Date.now() - started, peers: peer.session.readyPeers().length })}\n`,
      );
      return;
    }
    if (Date.now() > deadline) {
      process.stdout.write(`${JSON.stringify({ t: "timeout", index, held })}\n`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

await Promise.all(Array.from({ length: count }, (_, i) => join(i)));
process.stdout.write(`${JSON.stringify({ t: "end", warnings: [...warnings] })}\n`);
// Native WebRTC threads keep the process alive; the bench has its answer.
process.exit(0);
