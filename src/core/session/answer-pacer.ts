// Answers leave at a pace the receiver accepts. Every peer meters what it receives per sender
// (policy.ts: a burst, then a rate) and drops what is over, unread; a hub answering a newcomer's
// first sync of a big board would otherwise overrun it and lose the rest. So the sender keeps a
// mirror of the receiver's bucket, assuming the receiver runs the limits we run ourselves (the
// defaults, unless a host changed them), and holds back what would not fit until it does. Only a
// share of the receiver's limits is used: gossip and our own frames draw on the same bucket, and
// the network may bunch frames that left apart. What waits is bounded by the answer budget.

import type { PeerId } from "../crypto.ts";
import type { Clock, TimerId } from "../ports.ts";
import { type Frame, frameSize } from "../wire.ts";
import type { PolicySettings } from "./policy.ts";

/** Share of the receiver's burst and rate our answers may use. */
export const PACE_SHARE = 0.75;

interface Lane {
  bytes: number;
  frames: number;
  refilledAt: number;
  queue: { frame: Frame; size: number }[];
  timer?: TimerId;
}

export class AnswerPacer {
  private readonly lanes = new Map<PeerId, Lane>();
  private readonly burstBytes: number;
  private readonly bytesPerMs: number;
  private readonly burstFrames: number;
  private readonly framesPerMs: number;

  constructor(
    private readonly clock: Clock,
    receiver: PolicySettings,
    private readonly transmit: (peer: PeerId, frame: Frame) => void,
  ) {
    this.burstBytes = receiver.burstBytes * PACE_SHARE;
    this.bytesPerMs = (receiver.bytesPerSecond * PACE_SHARE) / 1000;
    this.burstFrames = Math.max(1, Math.floor(receiver.burstFrames * PACE_SHARE));
    this.framesPerMs = (receiver.framesPerSecond * PACE_SHARE) / 1000;
  }

  /** Sends now what fits the receiver's bucket, in order; the rest follows as it refills. */
  send(peer: PeerId, frames: readonly Frame[]): void {
    const lane = this.lane(peer);
    for (const frame of frames) lane.queue.push({ frame, size: frameSize(frame) });
    this.drain(peer, lane);
  }

  /** Frames still held back for `peer`. */
  waiting(peer: PeerId): number {
    return this.lanes.get(peer)?.queue.length ?? 0;
  }

  /** The peer is gone: what waited for it is dropped with its lane. */
  forget(peer: PeerId): void {
    const lane = this.lanes.get(peer);
    if (!lane) return;
    this.clock.clearTimeout(lane.timer);
    this.lanes.delete(peer);
  }

  private lane(peer: PeerId): Lane {
    let lane = this.lanes.get(peer);
    if (!lane) {
      lane = { bytes: this.burstBytes, frames: this.burstFrames, refilledAt: this.clock.now(), queue: [] };
      this.lanes.set(peer, lane);
    }
    return lane;
  }

  private drain(peer: PeerId, lane: Lane): void {
    if (lane.timer !== undefined) return;
    const now = this.clock.now();
    const elapsed = Math.max(0, now - lane.refilledAt);
    lane.bytes = Math.min(this.burstBytes, lane.bytes + elapsed * this.bytesPerMs);
    lane.frames = Math.min(this.burstFrames, lane.frames + elapsed * this.framesPerMs);
    lane.refilledAt = now;
    let head = lane.queue[0];
    // A frame larger than the whole share still goes once the bucket is full, or it would never.
    while (head && lane.frames >= 1 && (lane.bytes >= head.size || lane.bytes >= this.burstBytes)) {
      lane.queue.shift();
      lane.bytes -= head.size;
      lane.frames -= 1;
      this.transmit(peer, head.frame);
      head = lane.queue[0];
    }
    if (!head) return;
    const bytesWait = (Math.min(head.size, this.burstBytes) - lane.bytes) / this.bytesPerMs;
    const framesWait = (1 - lane.frames) / this.framesPerMs;
    const wait = Math.max(1, Math.ceil(Math.max(bytesWait, framesWait)));
    lane.timer = this.clock.setTimeout(() => {
      lane.timer = undefined;
      if (this.lanes.get(peer) === lane) this.drain(peer, lane);
    }, wait);
  }
}
