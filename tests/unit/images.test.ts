import "fake-indexeddb/auto";
import { describe, expect, it, vi } from "vitest";
import { frame, IMAGE_CHUNK_BYTES } from "../../src/core/wire.ts";
import { MemoryNetwork } from "../support/memory-link.ts";
import { randomBytes, usePhotoPeers } from "../support/photo-peers.ts";
import { draft } from "./fixtures.ts";

const { node, ready } = usePhotoPeers();

describe("photos between peers", () => {
  it("travel in chunks to a connected peer and on through a relay, checked against the signed hash", async () => {
    const network = new MemoryNetwork();
    const a = await node(network);
    const b = await node(network);
    const c = await node(network);
    network.connect(a.id, b.id);
    network.connect(b.id, c.id);
    await ready(a, b.id);
    await ready(c, b.id);
    const bytes = randomBytes(IMAGE_CHUNK_BYTES * 2 + 123);
    const posted = await a.actions.post({ ...draft(), photos: [new Blob([bytes])] });
    if (!posted.ok) throw new Error(posted.message);
    const [ref] = posted.listing.images;
    if (!ref) throw new Error("no image ref");
    await vi.waitFor(async () => expect(await c.store.getImage(ref.hash)).toBeDefined(), { timeout: 3000 });
    const atC = new Uint8Array(await ((await c.store.getImage(ref.hash)) as Blob).arrayBuffer());
    expect(atC).toEqual(bytes);
    const chunks = network.sent.filter((s) => (s.frame as { type: string }).type === "IMAGE_CHUNK");
    expect(chunks.every((s) => JSON.stringify(s.frame).length < 64 * 1024)).toBe(true);
  });

  it("bytes that do not match the hash are not stored and count against the sender", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const network = new MemoryNetwork();
    const a = await node(network);
    const b = await node(network);
    // Alice's listing reaches Bob through the normal path, but Bob has not connected yet.
    const posted = await a.actions.post({ ...draft(), photos: [new Blob([randomBytes(1000)])] });
    if (!posted.ok) throw new Error(posted.message);
    const [ref] = posted.listing.images;
    if (!ref) throw new Error("no image ref");
    // Swap Alice's stored bytes for others of the same length: she now serves wrong bytes.
    await a.store.putImage(ref.hash, new Blob([randomBytes(1000)]));
    network.connect(a.id, b.id);
    await ready(b, a.id);
    await vi.waitFor(() => expect(b.session.policy.score(a.id)).toBeGreaterThan(0), { timeout: 3000 });
    expect(await b.store.getImage(ref.hash)).toBeUndefined();
    // A chunk nobody asked for is ignored, not punished.
    const before = b.session.policy.score(a.id);
    a.session.send(b.id, frame({ type: "IMAGE_CHUNK", hash: "x".repeat(43), index: 0, count: 1, data: "AAAA" }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(b.session.policy.score(a.id)).toBe(before);
  });

  it("garbage collection deletes an image only when it stayed unreferenced across two passes", async () => {
    const network = new MemoryNetwork();
    const a = await node(network);
    await a.store.putImage("k".repeat(43), new Blob([randomBytes(10)]));
    await a.store.putImage("o".repeat(43), new Blob([randomBytes(10)]));
    const kept = new Set(["k".repeat(43)]);
    expect(await a.images.collect(kept)).toBe(0);
    // Meanwhile a listing starts to refer to the other image: it survives the second pass.
    expect(await a.images.collect(new Set([...kept, "o".repeat(43)]))).toBe(0);
    expect(await a.images.collect(kept)).toBe(0);
    expect(await a.images.collect(kept)).toBe(1);
    expect(await a.store.listImageHashes()).toEqual(["k".repeat(43)]);
  });

  it("a peer asking again and again gets at most its answer budget", async () => {
    const network = new MemoryNetwork();
    const a = await node(network, { answerBudget: { burstBytes: 5 * 1024 * 1024, bytesPerMinute: 0 } });
    const b = await node(network);
    const posted = await a.actions.post({ ...draft(), photos: [new Blob([randomBytes(100 * 1024)])] });
    if (!posted.ok) throw new Error(posted.message);
    const hash = posted.listing.images[0]?.hash as string;
    network.connect(a.id, b.id);
    await ready(b, a.id);
    for (let i = 0; i < 80; i++) b.session.send(a.id, frame({ type: "IMAGE_REQUEST", hashes: [hash] }));
    const chunks = () =>
      network.sent.filter((f) => f.from === a.id && (f.frame as { type: string }).type === "IMAGE_CHUNK");
    // Alice handles the 80 requests one after another: wait until she has stopped sending.
    let last = -1;
    while (chunks().length !== last) {
      last = chunks().length;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    const sent = chunks();
    // 100 KB = 4 chunks per answer (~137 KB as base64 frames); 5 MB allows 38 answers, not 80.
    expect(sent.length).toBeLessThanOrEqual(38 * 4);
    expect(sent.length).toBeGreaterThan(0);
  });
});
