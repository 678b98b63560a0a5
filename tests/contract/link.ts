// The Link conformance suite (one interface, one conformance suite): the in-memory
// link, the hub↔radio MessagePort link (wrtc) and the Node peer's link (node-datachannel) run it.

import { afterEach, describe, expect, it, vi } from "vitest";
import type { PeerId } from "../../src/core/crypto.ts";
import type { Link } from "../../src/core/ports.ts";

/** Two links that can reach each other, and an id neither is connected to. */
export interface LinkPair {
  a: Link;
  aId: PeerId;
  b: Link;
  bId: PeerId;
  /** A well-formed peer id that no link answers to. */
  strangerId: PeerId;
  /** Releases whatever the pair holds (ports, sockets). */
  dispose?: () => void | Promise<void>;
}

interface Recorder {
  frames: { peer: PeerId; frame: unknown }[];
  events: { peer: PeerId; up: boolean }[];
}

function record(link: Link): Recorder {
  const recorder: Recorder = { frames: [], events: [] };
  link.onFrame((peer, frame) => recorder.frames.push({ peer, frame }));
  link.onPeer((peer, up) => recorder.events.push({ peer, up }));
  return recorder;
}

const WAIT = { timeout: 2_000, interval: 5 };

export function runLinkContract(name: string, makePair: () => LinkPair | Promise<LinkPair>): void {
  describe(`Link contract: ${name}`, () => {
    let pair: LinkPair | undefined;

    afterEach(async () => {
      await pair?.dispose?.();
      pair = undefined;
    });

    async function setUp() {
      pair = await makePair();
      return { ...pair, ra: record(pair.a), rb: record(pair.b) };
    }

    async function connect() {
      const s = await setUp();
      s.a.dial(s.bId);
      await vi.waitFor(() => {
        expect(s.ra.events).toContainEqual({ peer: s.bId, up: true });
        expect(s.rb.events).toContainEqual({ peer: s.aId, up: true });
      }, WAIT);
      return s;
    }

    /** Sends a marker and waits for it: frames sent before it on the channel have arrived by then. */
    async function flush(from: Link, to: PeerId, receiver: Recorder, tag: string) {
      from.send(to, { marker: tag });
      await vi.waitFor(() => expect(receiver.frames.map((f) => f.frame)).toContainEqual({ marker: tag }), WAIT);
    }

    it("dial brings the channel up on both sides, once", async () => {
      const s = await connect();
      await flush(s.a, s.bId, s.rb, "settle-a");
      await flush(s.b, s.aId, s.ra, "settle-b");
      expect(s.ra.events).toEqual([{ peer: s.bId, up: true }]);
      expect(s.rb.events).toEqual([{ peer: s.aId, up: true }]);
    });

    it("dialling a peer that is already connected, from either side, changes nothing", async () => {
      const s = await connect();
      s.a.dial(s.bId);
      s.b.dial(s.aId);
      await flush(s.a, s.bId, s.rb, "after-redial-a");
      await flush(s.b, s.aId, s.ra, "after-redial-b");
      expect(s.ra.events).toEqual([{ peer: s.bId, up: true }]);
      expect(s.rb.events).toEqual([{ peer: s.aId, up: true }]);
    });

    it("frames arrive intact, in order, tagged with the sender, in both directions", async () => {
      const s = await connect();
      const frames = Array.from({ length: 50 }, (_, i) => ({
        v: 1,
        type: "TEST",
        id: `f${i}`,
        n: i,
        text: "é🚲\u0000".repeat(i % 4),
        nested: { list: [i, null, true, { deep: `x${i}` }], empty: {} },
      }));
      for (const frame of frames) s.a.send(s.bId, frame);
      for (const frame of frames) s.b.send(s.aId, { ...frame, back: true });
      await vi.waitFor(() => {
        expect(s.rb.frames).toHaveLength(frames.length);
        expect(s.ra.frames).toHaveLength(frames.length);
      }, WAIT);
      expect(s.rb.frames).toEqual(frames.map((frame) => ({ peer: s.aId, frame })));
      expect(s.ra.frames).toEqual(frames.map((frame) => ({ peer: s.bId, frame: { ...frame, back: true } })));
    });

    it("a frame changed by the sender after send arrives as it was sent", async () => {
      const s = await connect();
      const frame = { v: 1, type: "TEST", id: "m", list: [1, 2] };
      s.a.send(s.bId, frame);
      frame.list.push(3);
      frame.id = "changed";
      await vi.waitFor(() => expect(s.rb.frames).toHaveLength(1), WAIT);
      expect(s.rb.frames[0]?.frame).toEqual({ v: 1, type: "TEST", id: "m", list: [1, 2] });
    });

    it("frames to a peer that is not connected are dropped without an error", async () => {
      const s = await setUp();
      expect(() => s.a.send(s.bId, { early: true })).not.toThrow();
      expect(() => s.a.send(s.strangerId, { lost: true })).not.toThrow();
      s.a.dial(s.bId);
      await vi.waitFor(() => expect(s.rb.events).toContainEqual({ peer: s.aId, up: true }), WAIT);
      await vi.waitFor(() => expect(s.ra.events).toContainEqual({ peer: s.bId, up: true }), WAIT);
      await flush(s.a, s.bId, s.rb, "after-dial");
      expect(s.rb.frames.map((f) => f.frame)).toEqual([{ marker: "after-dial" }]);
    });

    for (const side of ["dialer", "dialled"] as const) {
      it(`hangUp by the ${side} brings the channel down on both sides and stops delivery`, async () => {
        const s = await connect();
        const [hanger, otherId] = side === "dialer" ? [s.a, s.bId] : [s.b, s.aId];
        hanger.hangUp(otherId);
        await vi.waitFor(() => {
          expect(s.ra.events.at(-1)).toEqual({ peer: s.bId, up: false });
          expect(s.rb.events.at(-1)).toEqual({ peer: s.aId, up: false });
        }, WAIT);
        s.a.send(s.bId, { afterHangUp: "a" });
        s.b.send(s.aId, { afterHangUp: "b" });
        // Reconnect and push a marker through: had the earlier frames been carried, they would be here.
        s.a.dial(s.bId);
        await vi.waitFor(() => {
          expect(s.ra.events.at(-1)).toEqual({ peer: s.bId, up: true });
          expect(s.rb.events.at(-1)).toEqual({ peer: s.aId, up: true });
        }, WAIT);
        await flush(s.a, s.bId, s.rb, "a-again");
        await flush(s.b, s.aId, s.ra, "b-again");
        expect(s.rb.frames.map((f) => f.frame)).toEqual([{ marker: "a-again" }]);
        expect(s.ra.frames.map((f) => f.frame)).toEqual([{ marker: "b-again" }]);
        expect(s.ra.events.map((e) => e.up)).toEqual([true, false, true]);
        expect(s.rb.events.map((e) => e.up)).toEqual([true, false, true]);
      });
    }

    it("hangUp on a peer that is not connected does nothing", async () => {
      const s = await connect();
      expect(() => s.a.hangUp(s.strangerId)).not.toThrow();
      await flush(s.a, s.bId, s.rb, "still-up");
      expect(s.ra.events).toEqual([{ peer: s.bId, up: true }]);
      expect(s.rb.events).toEqual([{ peer: s.aId, up: true }]);
    });
  });
}
