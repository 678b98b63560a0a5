// An in-memory network of Links for tests and simulations. Frames are delivered asynchronously
// and structured-cloned, in order per direction, like a reliable data channel.

import type { PeerId } from "../../src/core/crypto.ts";
import type { DialFailure, Link, LinkState } from "../../src/core/ports.ts";

type FrameListener = (peer: PeerId, frame: unknown) => void;
type PeerListener = (peer: PeerId, up: boolean) => void;

export class MemoryNetwork {
  private readonly links = new Map<PeerId, MemoryLink>();
  /** Every frame sent, for assertions and byte counts. */
  readonly sent: { from: PeerId; to: PeerId; frame: unknown }[] = [];

  link(peer: PeerId): MemoryLink {
    const link = new MemoryLink(peer, this);
    this.links.set(peer, link);
    return link;
  }

  get(peer: PeerId): MemoryLink | undefined {
    return this.links.get(peer);
  }

  /** Opens a channel between two links, as a successful dial would. */
  connect(a: PeerId, b: PeerId): void {
    const la = this.links.get(a);
    const lb = this.links.get(b);
    if (!la || !lb || la.isConnected(b)) return;
    la.attach(b);
    lb.attach(a);
  }

  disconnect(a: PeerId, b: PeerId): void {
    this.links.get(a)?.detach(b);
    this.links.get(b)?.detach(a);
  }

  deliver(from: PeerId, to: PeerId, frame: unknown): void {
    this.sent.push({ from, to, frame });
    const copy = structuredClone(frame);
    setTimeout(() => this.links.get(to)?.receive(from, copy), 0);
  }
}

export class MemoryLink implements Link {
  private readonly frameListeners = new Set<FrameListener>();
  private readonly peerListeners = new Set<PeerListener>();
  private readonly connected = new Set<PeerId>();
  private readonly dialFailureListeners = new Set<(peer: PeerId, reason: DialFailure) => void>();
  /** Always registered: there is no signaling server to lose. */
  readonly state: LinkState = "online";

  constructor(
    readonly self: PeerId,
    private readonly network: MemoryNetwork,
  ) {}

  send(peer: PeerId, frame: unknown): void {
    if (this.connected.has(peer)) this.network.deliver(this.self, peer, frame);
  }

  onFrame(fn: FrameListener): void {
    this.frameListeners.add(fn);
  }

  onPeer(fn: PeerListener): void {
    this.peerListeners.add(fn);
  }

  onState(_fn: (state: LinkState) => void): void {}

  onDialFailed(fn: (peer: PeerId, reason: DialFailure) => void): void {
    this.dialFailureListeners.add(fn);
  }

  dial(peer: PeerId): void {
    if (this.network.get(peer)) this.network.connect(this.self, peer);
    else
      setTimeout(() => {
        for (const fn of this.dialFailureListeners) fn(peer, "not-registered");
      }, 0);
  }

  hangUp(peer: PeerId): void {
    this.network.disconnect(this.self, peer);
  }

  isConnected(peer: PeerId): boolean {
    return this.connected.has(peer);
  }

  attach(peer: PeerId): void {
    this.connected.add(peer);
    setTimeout(() => {
      if (this.connected.has(peer)) for (const fn of this.peerListeners) fn(peer, true);
    }, 0);
  }

  detach(peer: PeerId): void {
    if (!this.connected.delete(peer)) return;
    setTimeout(() => {
      for (const fn of this.peerListeners) fn(peer, false);
    }, 0);
  }

  receive(from: PeerId, frame: unknown): void {
    if (!this.connected.has(from)) return;
    for (const fn of this.frameListeners) fn(from, frame);
  }
}
