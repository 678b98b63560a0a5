// A Link driven by hand: a test injects channel events and frames as if they came from the
// network, and reads what the protocol sent. For fuzzing the inbound path without a network.

import type { PeerId } from "../../src/core/crypto.ts";
import type { Link, LinkState } from "../../src/core/ports.ts";
import type { HelloChallengeFrame } from "../../src/core/wire.ts";

export function isChallenge(frame: unknown): frame is HelloChallengeFrame {
  const f = frame as { type?: unknown; step?: unknown };
  return f.type === "HELLO" && f.step === "challenge";
}

export class InjectLink implements Link {
  readonly sent: { peer: PeerId; frame: unknown }[] = [];
  readonly hungUp: PeerId[] = [];
  private readonly frameListeners: ((peer: PeerId, frame: unknown, bytes?: number) => void)[] = [];
  private readonly peerListeners: ((peer: PeerId, up: boolean) => void)[] = [];
  private readonly open = new Set<PeerId>();

  send(peer: PeerId, frame: unknown): void {
    if (this.open.has(peer)) this.sent.push({ peer, frame: structuredClone(frame) });
  }
  onFrame(fn: (peer: PeerId, frame: unknown, bytes?: number) => void): void {
    this.frameListeners.push(fn);
  }
  onPeer(fn: (peer: PeerId, up: boolean) => void): void {
    this.peerListeners.push(fn);
  }
  readonly state: LinkState = "online";
  onState(): void {}
  onDialFailed(): void {}
  dial(): void {}
  hangUp(peer: PeerId): void {
    this.hungUp.push(peer);
    this.down(peer);
  }

  isOpen(peer: PeerId): boolean {
    return this.open.has(peer);
  }
  up(peer: PeerId): void {
    if (this.open.has(peer)) return;
    this.open.add(peer);
    for (const fn of this.peerListeners) fn(peer, true);
  }
  down(peer: PeerId): void {
    if (!this.open.delete(peer)) return;
    for (const fn of this.peerListeners) fn(peer, false);
  }
  /** `bytes`: what the frame took on the wire, as a transport that knows it reports. */
  inject(peer: PeerId, frame: unknown, bytes?: number): void {
    if (this.open.has(peer)) for (const fn of this.frameListeners) fn(peer, frame, bytes);
  }
  /** The first frame sent to `peer` since index `from` that `match` accepts, once it is sent. */
  async nextTo<T>(peer: PeerId, from: number, match: (frame: unknown) => frame is T, ms = 5_000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.sentTo(peer, from).find(match);
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`nothing matching was sent to ${peer} in ${ms} ms`);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }

  /** Frames sent to `peer` since index `from`. */
  sentTo(peer: PeerId, from = 0): unknown[] {
    return this.sent
      .slice(from)
      .filter((s) => s.peer === peer)
      .map((s) => s.frame);
  }
}
