// The Link the hub uses in the browser: frames and link events travel over a MessagePort to
// whichever tab holds the Web Lock "radio" and hosts the PeerJS Peer (src/shared/radio.ts).

import type { PeerId } from "../core/crypto.ts";
import type { DialFailure, Link, LinkState as RadioState } from "../core/ports.ts";
import type { HubToRadio, RadioToHub } from "./radio-messages.ts";

type StartMessage = Extract<HubToRadio, { t: "start" }>;

const RETRY_MIN_MS = 1_000;
const RETRY_MAX_MS = 30_000;

export class RadioLink implements Link {
  private port: MessagePort | undefined;
  private readonly up = new Set<PeerId>();
  private readonly frameListeners = new Set<(peer: PeerId, frame: unknown, bytes?: number) => void>();
  private readonly peerListeners = new Set<(peer: PeerId, up: boolean) => void>();
  private readonly stateListeners = new Set<(state: RadioState) => void>();
  private readonly dialFailureListeners = new Set<(peer: PeerId, reason: DialFailure) => void>();
  private retryDelay = RETRY_MIN_MS;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  state: RadioState = "none";

  /** `start` builds the registration message each time the radio (re)starts. */
  constructor(private readonly start: () => StartMessage) {}

  /** A tab took the radio lock: earlier channels are gone with the earlier radio. */
  attach(port: MessagePort): void {
    this.port?.close();
    this.allDown();
    this.port = port;
    port.onmessage = (event: MessageEvent<RadioToHub>) => this.receive(port, event.data);
    port.start();
    this.retryDelay = RETRY_MIN_MS;
    this.restart();
  }

  send(peer: PeerId, frame: unknown): void {
    if (this.up.has(peer)) this.post({ t: "send", peer, frame });
  }

  onFrame(fn: (peer: PeerId, frame: unknown, bytes?: number) => void): void {
    this.frameListeners.add(fn);
  }

  onPeer(fn: (peer: PeerId, up: boolean) => void): void {
    this.peerListeners.add(fn);
  }

  onState(fn: (state: RadioState) => void): void {
    this.stateListeners.add(fn);
  }

  onDialFailed(fn: (peer: PeerId, reason: DialFailure) => void): void {
    this.dialFailureListeners.add(fn);
  }

  dial(peer: PeerId): void {
    if (this.state === "online" && !this.up.has(peer)) this.post({ t: "dial", peer });
  }

  /** Renewed STUN/TURN settings go to the radio for the connections it makes from now on. */
  setIce(settings: { iceServers: RTCIceServer[]; iceTransportPolicy: RTCIceTransportPolicy }): void {
    this.post({ t: "ice", iceServers: settings.iceServers, iceTransportPolicy: settings.iceTransportPolicy });
  }

  hangUp(peer: PeerId): void {
    this.post({ t: "hangup", peer });
    this.markDown(peer);
  }

  /**
   * The device says it is back online: try the signaling server now instead of waiting out a
   * backoff of up to RETRY_MAX_MS, which on a flaky connection is most of the time.
   */
  retryNow(): void {
    if (!this.port || (this.state !== "offline" && this.state !== "identity-in-use")) return;
    this.retryDelay = RETRY_MIN_MS;
    this.restart();
  }

  isUp(peer: PeerId): boolean {
    return this.up.has(peer);
  }

  private receive(port: MessagePort, message: RadioToHub): void {
    if (port !== this.port) return; // a radio that has been replaced
    switch (message.t) {
      case "registered":
        this.retryDelay = RETRY_MIN_MS;
        this.setState("online");
        return;
      case "offline":
        this.allDown();
        this.setState("offline");
        this.scheduleRestart();
        return;
      case "id-taken":
        this.allDown();
        this.setState("identity-in-use");
        this.scheduleRestart();
        return;
      case "up":
        if (this.up.has(message.peer)) return;
        this.up.add(message.peer);
        for (const fn of this.peerListeners) fn(message.peer, true);
        return;
      case "down":
        this.markDown(message.peer);
        return;
      case "dial-failed":
        for (const fn of this.dialFailureListeners) fn(message.peer, message.reason);
        return;
      case "frame":
        if (this.up.has(message.peer))
          for (const fn of this.frameListeners) fn(message.peer, message.data, message.bytes);
        return;
      case "closing":
        this.port = undefined;
        port.close();
        clearTimeout(this.retryTimer);
        this.allDown();
        this.setState("none");
        return;
    }
  }

  private restart(): void {
    clearTimeout(this.retryTimer);
    this.setState("connecting");
    this.post(this.start());
  }

  /** Backoff for a lost signaling server or a taken id (the old socket may still be registered). */
  private scheduleRestart(): void {
    clearTimeout(this.retryTimer);
    const delay = this.retryDelay;
    this.retryDelay = Math.min(this.retryDelay * 2, RETRY_MAX_MS);
    this.retryTimer = setTimeout(() => {
      if (this.port) this.restart();
    }, delay);
  }

  private markDown(peer: PeerId): void {
    if (!this.up.delete(peer)) return;
    for (const fn of this.peerListeners) fn(peer, false);
  }

  private allDown(): void {
    for (const peer of [...this.up]) this.markDown(peer);
  }

  private setState(state: RadioState): void {
    if (state === this.state) return;
    this.state = state;
    for (const fn of this.stateListeners) fn(state);
  }

  private post(message: HubToRadio): void {
    this.port?.postMessage(message);
  }
}
