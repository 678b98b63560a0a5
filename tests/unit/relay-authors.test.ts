// The authors a durable relay keeps room for (relay.ts, KNOWN_AUTHORS_MAX) stay bounded in its
// store as in memory, and a restart keeps the newest of them, in the order they came.

import { describe, expect, it, vi } from "vitest";
import { KNOWN_AUTHORS_MAX } from "../../src/core/mail/relay.ts";
import { MemoryNetwork } from "../support/memory-link.ts";
import { MemoryRelayStore } from "../support/memory-relay-store.ts";
import { buildPeer } from "../support/peers.ts";

const author = (i: number) => `pb-${String(i).padStart(26, "a")}`;

describe("a durable relay's known authors", () => {
  it("a store holding more than the bound (written before authors were forgotten) is cut to the newest at start", async () => {
    const relayStore = new MemoryRelayStore();
    for (let i = 0; i < KNOWN_AUTHORS_MAX + 3; i++) await relayStore.addRelayAuthor(author(i));
    const peer = await buildPeer(new MemoryNetwork(), { memory: true, ports: { relayStore } });
    await vi.waitFor(async () => expect(await relayStore.listRelayAuthors()).toHaveLength(KNOWN_AUTHORS_MAX));
    const kept = await relayStore.listRelayAuthors();
    expect(kept[0]).toBe(author(3));
    expect(kept.at(-1)).toBe(author(KNOWN_AUTHORS_MAX + 2));
    await peer.close();
  });
});
