// The radio: in the one tab that holds the Web Lock "radio", hosts the PeerJS Peer (browsers
// have no RTCPeerConnection in workers) and moves bytes between data channels and the hub. It
// makes no decisions beyond transport mechanics. With frame-channel.ts, the only code that
// imports PeerJS.

import { Peer, type PeerError } from "peerjs";
import { FrameChannel } from "./frame-channel.ts";
import type { HubToRadio, RadioToHub } from "./radio-messages.ts";

type StartMessage = Extract<HubToRadio, { t: "start" }>;

/**
 * PeerServer attaches a socket that presents the same id and token as a still-registered one
 * without sending OPEN (peer/dist/module.mjs, `_onSocketConnection`): after a takeover we may
 * never see "open". No error within this time means the server accepted us.
 */
const SILENT_ACCEPT_MS = 2_000;
/** A dialled channel that has not opened by then has no route (Chromium's ICE gives up ~30 s). */
const NO_ROUTE_MS = 20_000;
/**
 * Every serialization a remote may ask for gets our bounded channel, never PeerJS's own decoders
 * (unbounded reassembly, binary values); channels asking for anything but "binary" are refused.
 */
const SERIALIZERS = {
  binary: FrameChannel,
  "binary-utf8": FrameChannel,
  default: FrameChannel,
  json: FrameChannel,
  raw: FrameChannel,
};

export class Radio {
  private peer: Peer | undefined;
  private selfId = "";
  /** The one channel per remote peer that carries frames. */
  private readonly channels = new Map<string, FrameChannel>();
  /** When each channel was dialled or offered to us, and when it became the peer's channel. */
  private readonly createdAt = new WeakMap<FrameChannel, number>();
  private readonly adoptedAt = new WeakMap<FrameChannel, number>();
  private acceptTimer: ReturnType<typeof setTimeout> | undefined;
  /** Dialled channels already reported as having no route. */
  private readonly gaveUp = new WeakSet<FrameChannel>();
  /** We told the hub this Peer is unusable; PeerJS's follow-up events say nothing new. */
  private reportedDown = false;

  constructor(private readonly port: MessagePort) {
    port.onmessage = (event: MessageEvent<HubToRadio>) => this.receive(event.data);
    port.start();
  }

  /** The page is going away: tell the hub first, then free our id at the server at once. */
  shutdown(): void {
    this.post({ t: "closing" });
    this.peer?.destroy();
    this.peer = undefined;
  }

  private receive(message: HubToRadio): void {
    switch (message.t) {
      case "start":
        this.start(message);
        return;
      case "ice":
        // PeerJS reads options.config for every new RTCPeerConnection, so no re-registration.
        if (this.peer)
          this.peer.options.config = { iceServers: message.iceServers, iceTransportPolicy: message.iceTransportPolicy };
        return;
      case "dial":
        this.dial(message.peer);
        return;
      case "hangup": {
        const channel = this.channels.get(message.peer);
        this.channels.delete(message.peer);
        channel?.close();
        return;
      }
      case "send": {
        const channel = this.channels.get(message.peer);
        if (channel?.open) {
          // send() returns a promise for chunked payloads; a failure closes the channel anyway.
          void Promise.resolve(channel.send(message.frame)).catch((error: unknown) =>
            console.warn(`Peerboard radio: send to ${message.peer} failed`, error),
          );
        }
        return;
      }
    }
  }

  private start(message: StartMessage): void {
    const existing = this.peer;
    if (existing && !existing.destroyed && existing.id === message.peerId && existing.disconnected) {
      // Keep open data channels: only the signaling socket was lost (PeerJS #880: works only
      // on a disconnected, not a destroyed, Peer).
      this.reportedDown = false;
      existing.reconnect();
      this.expectAcceptance(existing);
      return;
    }
    existing?.destroy();
    this.selfId = message.peerId;
    const { signaling } = message;
    const peer = new Peer(message.peerId, {
      host: signaling.host,
      port: signaling.port,
      path: signaling.path,
      secure: signaling.secure,
      token: message.token,
      config: { iceServers: signaling.iceServers, iceTransportPolicy: signaling.iceTransportPolicy },
      debug: 1,
      serializers: SERIALIZERS,
    });
    this.peer = peer;
    this.reportedDown = false;
    peer.on("open", () => {
      if (this.peer !== peer) return;
      clearTimeout(this.acceptTimer);
      this.post({ t: "registered" });
    });
    peer.on("connection", (channel) => {
      // Our peers dial reliable binary channels (dial below); anything else is not one of them.
      if (channel instanceof FrameChannel && channel.serialization === "binary" && channel.reliable)
        this.watch(channel, false);
      else channel.close();
    });
    peer.on("disconnected", () => this.down(peer, { t: "offline", reason: "Lost the signaling server" }));
    peer.on("error", (error: PeerError<string>) => this.failed(peer, error));
    this.expectAcceptance(peer);
  }

  private expectAcceptance(peer: Peer): void {
    clearTimeout(this.acceptTimer);
    this.acceptTimer = setTimeout(() => {
      if (this.peer === peer && !peer.destroyed && !peer.disconnected) this.post({ t: "registered" });
    }, SILENT_ACCEPT_MS);
  }

  private failed(peer: Peer, error: PeerError<string>): void {
    if (this.peer !== peer) return;
    switch (error.type) {
      case "unavailable-id":
        this.down(peer, { t: "id-taken" });
        return;
      case "peer-unavailable": {
        const id = /peer (\S+)$/.exec(error.message)?.[1];
        if (id) this.post({ t: "dial-failed", peer: id, reason: "not-registered" });
        return;
      }
      case "network":
      case "server-error":
      case "socket-error":
      case "socket-closed":
        this.down(peer, { t: "offline", reason: error.message });
        return;
      default:
        console.warn("Peerboard radio:", error.type, error.message);
    }
  }

  /** Reports, once, that `peer` lost or was refused its registration. */
  private down(peer: Peer, message: Extract<RadioToHub, { t: "offline" | "id-taken" }>): void {
    if (this.peer !== peer || this.reportedDown) return;
    this.reportedDown = true;
    clearTimeout(this.acceptTimer);
    this.post(message);
  }

  private dial(remote: string): void {
    const peer = this.peer;
    if (!peer || peer.destroyed || peer.disconnected || this.channels.get(remote)?.open) return;
    // Binary (BinaryPack) serialization chunks large messages; JSON does not (docs/architecture.md,
    // "Facts checked in the libraries").
    const channel = peer.connect(remote, { reliable: true, serialization: "binary" });
    if (!(channel instanceof FrameChannel)) {
      this.post({ t: "dial-failed", peer: remote, reason: "not-registered" });
      return;
    }
    this.watch(channel, true);
    // ICE may keep trying for a long time between two NATs with no TURN server; past this, the
    // two are taken not to have a path (PeerJS's "negotiation-failed" may come sooner).
    setTimeout(() => {
      if (!channel.open && this.channels.get(remote) !== channel) this.noRoute(channel);
    }, NO_ROUTE_MS);
  }

  /** A channel we dialled found no network path: say so once, and give up on it. */
  private noRoute(channel: FrameChannel): void {
    if (this.gaveUp.has(channel)) return;
    this.gaveUp.add(channel);
    channel.close();
    this.post({ t: "dial-failed", peer: channel.peer, reason: "no-route" });
  }

  private watch(channel: FrameChannel, outgoing: boolean): void {
    const remote = channel.peer;
    this.createdAt.set(channel, performance.now());
    channel.onRefused = (reason) => console.warn(`Peerboard radio: closed the channel from ${remote}: ${reason}`);
    channel.on("open", () => this.adopt(channel, outgoing));
    channel.on("data", (data) => {
      // Data can beat our "open" handler; a channel that carries data is open.
      if (this.channels.get(remote) !== channel && !this.adopt(channel, outgoing)) return;
      this.post({ t: "frame", peer: remote, data, bytes: channel.wireBytes });
    });
    channel.on("close", () => {
      if (this.channels.get(remote) !== channel) return;
      this.channels.delete(remote);
      this.post({ t: "down", peer: remote });
    });
    channel.on("error", (error) => {
      // ICE gave up: the two peers have no network path (no TURN server between two NATs).
      if (error.type === "negotiation-failed" && outgoing && this.channels.get(remote) !== channel)
        this.noRoute(channel);
      else console.warn(`Peerboard radio: channel to ${remote}:`, error.type, error.message);
    });
  }

  /**
   * Makes `channel` the one for its peer; returns whether it is now the peer's channel.
   *
   * Two channels to one peer mean one of two things. Both sides dialled at once (glare): the
   * second channel existed before the first was adopted, since signaling is ordered; both sides
   * then keep the one dialled by the smaller id and agree without talking. Or the peer dialled
   * again after our channel was established: its end of that channel is gone (its radio tab
   * crashed or was replaced), ours just has not noticed yet, so the new channel wins.
   */
  private adopt(channel: FrameChannel, outgoing: boolean): boolean {
    const remote = channel.peer;
    const current = this.channels.get(remote);
    if (current === channel) return true;
    if (current?.open) {
      const concurrent = (this.createdAt.get(channel) ?? 0) <= (this.adoptedAt.get(current) ?? 0);
      const dialer = outgoing ? this.selfId : remote;
      if (concurrent && dialer !== [this.selfId, remote].sort()[0]) {
        channel.close();
        return false;
      }
      this.channels.delete(remote);
      current.close();
      this.post({ t: "down", peer: remote });
    }
    this.channels.set(remote, channel);
    this.adoptedAt.set(channel, performance.now());
    this.post({ t: "up", peer: remote });
    return true;
  }

  private post(message: RadioToHub): void {
    this.port.postMessage(message);
  }
}
