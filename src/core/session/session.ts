// The session layer: one session per peer over the Link, HELLO (mutual challenge-response),
// rate limits and strikes, frames validated and dispatched in order to the features that claim
// their types, and PEER_LIST hints for the dialer. Records are the features' business.

import type { Identity, PeerId } from "../crypto.ts";
import { type AgreementCard, agreementCard } from "../mail/seal.ts";
import type { Clock, Link, Logger } from "../ports.ts";
import type { PeerRecord, Store } from "../store.ts";
import { type Frame, type FrameOf, type FrameType, frameSize, parseFrame } from "../wire.ts";
import { AnswerBudget } from "./answer-budget.ts";
import { AnswerPacer } from "./answer-pacer.ts";
import type { ProtocolExtension, SessionHost } from "./extension.ts";
import * as handshake from "./handshake.ts";
import { peerListFrame } from "./peer-list.ts";
import { type ConnectedPeer, describeSession, newSession, type PeerSession, provenPeer } from "./peer-session.ts";
import { type Offence, Policy } from "./policy.ts";
import { RecentCloses } from "./recent-closes.ts";
import type { SessionOptions } from "./session-options.ts";
import { Standings } from "./standings.ts";

export type { ConnectedPeer, PeerStage } from "./peer-session.ts";
export type { SessionOptions } from "./session-options.ts";

export class Session implements SessionHost {
  readonly policy: Policy;
  readonly answers: AnswerBudget;
  /** Answers leave no faster than the receiver's limits take them (answer-pacer.ts). */
  readonly pacer: AnswerPacer;
  private readonly sessions = new Map<PeerId, PeerSession>();
  private readonly recentCloses: RecentCloses;
  /** Bans and scores of proven peers, kept in their records across restarts. */
  private readonly standings: Standings;
  private readonly peerListeners = new Set<() => void>();
  private readonly hintListeners = new Set<(peers: PeerId[], from: PeerId) => void>();
  private readonly identity: Identity;
  private readonly store: Store;
  private readonly link: Link;
  private readonly clock: Clock;
  readonly log: Logger;
  private readonly helloTimeoutMs: number;
  private readonly blocked: (peer: PeerId) => boolean;
  private readonly extensions: ProtocolExtension[] = [];
  private readonly handlers = new Map<FrameType, ProtocolExtension>();
  /** Our signed ECDH key, sent in every HELLO. */
  private readonly card: Promise<AgreementCard>;

  constructor(options: SessionOptions) {
    this.identity = options.identity;
    this.store = options.store;
    this.link = options.link;
    this.clock = options.clock;
    this.recentCloses = new RecentCloses(options.clock);
    this.log = options.log;
    this.helloTimeoutMs = options.helloTimeoutMs ?? 10_000;
    this.blocked = options.blocked ?? (() => false);
    this.policy = new Policy(
      (peer, offence) => this.drop(peer, offence),
      options.policy ?? {},
      () => this.clock.now(),
      (peer, banned) => this.standings.changed(peer, banned),
    );
    this.standings = new Standings({ ...options, policy: this.policy, session: (peer) => this.sessions.get(peer) });
    this.answers = new AnswerBudget(() => this.clock.now(), options.answerBudget);
    this.pacer = new AnswerPacer(this.clock, this.policy.settings, (peer, outgoing) => this.transmit(peer, outgoing));
    this.card = agreementCard(this.identity);
    this.link.onPeer((peer, up) => (up ? this.open(peer) : this.close(peer)));
    this.link.onFrame((peer, raw, bytes) => this.receive(peer, raw, bytes));
  }

  get peerId(): PeerId {
    return this.identity.peerId;
  }

  /** Adds a feature; a frame type belongs to one extension or to the core. */
  use(extension: ProtocolExtension): void {
    for (const type of extension.types) {
      if (CORE_TYPES.includes(type) || this.handlers.has(type)) throw new Error(`${type} is already handled`);
      this.handlers.set(type, extension);
    }
    this.extensions.push(extension);
  }

  /** Sends to a peer that has completed HELLO; frames to anyone else are dropped. */
  send(peer: PeerId, outgoing: Frame): void {
    if (this.sessions.get(peer)?.verified) this.transmit(peer, outgoing);
  }

  answer(peer: PeerId, ...frames: Frame[]): boolean {
    if (!this.sessions.get(peer)?.verified) return false;
    const bytes = frames.reduce((n, f) => n + frameSize(f), 0);
    if (!this.answers.spend(peer, bytes)) return false;
    this.pacer.send(peer, frames);
    return true;
  }

  /** Peers that have completed HELLO. */
  readyPeers(): PeerId[] {
    return [...this.sessions.values()].filter((s) => s.verified).map((s) => s.peer);
  }

  /** Resolves when every frame received from `peer` so far has been handled, its records stored. */
  async whenIdle(peer: PeerId): Promise<void> {
    await this.sessions.get(peer)?.queue;
    await this.settled();
    await this.standings.written();
  }

  /** Whether the user blocked this peer: we neither talk to it nor pass on what it wrote. */
  isBlocked(peer: PeerId): boolean {
    return this.blocked(peer);
  }

  /** Counts an offence by a peer (see policy.ts); true when it was disconnected for it. */
  strike(peer: PeerId, offence: Offence): boolean {
    return this.policy.strike(peer, offence, this.sessions.get(peer)?.verified ?? false);
  }

  onPeersChanged(fn: () => void): () => void {
    this.peerListeners.add(fn);
    return () => this.peerListeners.delete(fn);
  }

  /** Peer ids learnt from others (PEER_LIST), with who said so, for the dialer to consider. */
  onPeerHints(fn: (peers: PeerId[], from: PeerId) => void): () => void {
    this.hintListeners.add(fn);
    return () => this.hintListeners.delete(fn);
  }

  connectedPeers(): ConnectedPeer[] {
    return [...this.sessions.values()].map((s) => describeSession(s, this.policy.score(s.peer)));
  }

  /** What a peer proved in HELLO: its identity key and, when it sent one, its ECDH key. */
  verifiedPeer(peer: PeerId): Pick<PeerRecord, "publicKey" | "agreementKey" | "agreementSignature"> | undefined {
    const session = this.sessions.get(peer);
    if (!session?.verified || !session.theirKey) return undefined;
    return { publicKey: session.theirKey, ...(session.theirCard ?? {}) };
  }

  readsSealedReceipts(peer: PeerId): boolean {
    const session = this.sessions.get(peer);
    return session?.verified === true && handshake.readsSealedReceipts(session.theirNonce);
  }

  readsCodedSync(peer: PeerId): boolean {
    const session = this.sessions.get(peer);
    return session?.verified === true && handshake.readsCodedSync(session.theirNonce);
  }

  isConnected(peer: PeerId): boolean {
    return this.sessions.has(peer);
  }

  private open(peer: PeerId): void {
    this.close(peer);
    if (this.policy.isBanned(peer) || this.blocked(peer)) {
      this.link.hangUp(peer);
      return;
    }
    const session: PeerSession = newSession(peer, this.clock, this.helloTimeoutMs, () => {
      if (!session.verified && this.sessions.get(peer) === session) this.strike(peer, "hello-timeout");
    });
    this.sessions.set(peer, session);
    this.emitPeers();
    void this.card.then((card) => {
      if (this.sessions.get(peer) === session)
        this.transmit(peer, handshake.challengeFrame(this.identity, session.myNonce, undefined, card));
    });
  }

  /** Every frame leaves through here, so bytes out are counted per peer. */
  private transmit(peer: PeerId, outgoing: Frame): void {
    const session = this.sessions.get(peer);
    if (!session) return;
    session.bytesOut += frameSize(outgoing);
    this.link.send(peer, outgoing);
  }

  private close(peer: PeerId): void {
    const session = this.sessions.get(peer);
    if (!session) return;
    this.clock.clearTimeout(session.timer);
    this.sessions.delete(peer);
    this.pacer.forget(peer);
    this.recentCloses.closed(peer);
    if (session.verified) for (const extension of this.extensions) extension.onClose?.(peer);
    this.emitPeers();
  }

  private drop(peer: PeerId, reason: Offence | "banned"): void {
    this.log.warn(`disconnecting ${peer} (${reason})`);
    this.close(peer);
    this.link.hangUp(peer);
  }

  private receive(peer: PeerId, raw: unknown, wireBytes = 0): void {
    const session = this.sessions.get(peer);
    if (!session) {
      this.strike(peer, "unauthenticated");
      return;
    }
    const size = frameSize(raw);
    // JSON measures binary values as `{}`: the bytes the transport saw count when they are more.
    const cost = Math.max(size, wireBytes);
    session.framesIn += 1;
    session.bytesIn += Number.isFinite(cost) ? cost : 0;
    // Rate limits apply before any work is queued: a flood costs us one size check per frame.
    if (!this.policy.admit(peer, cost, session.verified)) return;
    session.queue = session.queue
      .then(() => (this.sessions.get(peer) === session ? this.handle(session, raw, size) : undefined))
      .catch((error: unknown) => this.log.error(`frame from ${peer} failed`, error));
  }

  private async handle(session: PeerSession, raw: unknown, size: number): Promise<void> {
    const parsed = parseFrame(raw, size);
    if (!parsed.ok) {
      this.strike(session.peer, parsed.reason);
      return;
    }
    const frame = parsed.frame;
    if (frame.type === "HELLO") {
      // A ban kept from before a restart may be read only now that the peer is here.
      if (await this.standings.banned(session.peer)) return this.drop(session.peer, "banned");
      return this.handleHello(session, frame);
    }
    if (!session.verified) {
      // Just after a new channel, the other side may still be on its verified session: its frames
      // are dropped until HELLO is done again, not held against it.
      if (!this.recentCloses.recently(session.peer)) this.strike(session.peer, "unauthenticated");
      return;
    }
    if (frame.type === "PEER_LIST")
      return this.emitHints(
        frame.peers.map((p) => p.id).filter((id) => id !== this.identity.peerId),
        session.peer,
      );
    // A valid frame no feature of this version handles (a newer peer's) is ignored, not punished.
    const handler = this.handlers.get(frame.type);
    if (!handler?.onFrame) return;
    // A feature may go on with its next frame while it stores the last (listings); another
    // feature's frame waits, so it sees the records that came before it. The peer may be gone by then.
    await this.settled(handler);
    if (this.sessions.get(session.peer) === session) return handler.onFrame(session.peer, frame);
  }

  /** Resolves when no feature (but `except`) has work left running past its onFrame. */
  private async settled(except?: ProtocolExtension): Promise<void> {
    for (const extension of this.extensions) if (extension !== except) await extension.idle?.();
  }

  private async handleHello(session: PeerSession, hello: FrameOf<"HELLO">): Promise<void> {
    const peer = session.peer;
    if (hello.step === "challenge") {
      const answers = await handshake.answerChallenge(this.identity, session, hello, this.card);
      if (typeof answers === "string") {
        this.log.warn(`HELLO from ${peer} failed (${answers})`);
        this.strike(peer, "hello-failed");
        return;
      }
      for (const answer of answers) this.transmit(peer, answer);
      return;
    }
    if (session.verified) return;
    const proof = await handshake.acceptProof(this.identity, session, hello, this.recentCloses.recently(peer));
    if (proof === "early") {
      const again = handshake.repeatChallenge(this.identity, session, await this.card);
      if (again && this.sessions.get(peer) === session) this.transmit(peer, again);
      return;
    }
    // (a proof is only accepted for the key of a challenge, so `theirKey` is set past this)
    if (!proof || !session.theirKey) {
      this.log.warn(`HELLO proof from ${peer} failed`);
      this.strike(peer, "hello-failed");
      return;
    }
    session.verified = true;
    this.clock.clearTimeout(session.timer);
    this.emitPeers();
    const known = await this.standings.remember(provenPeer(session, session.theirKey, this.clock.now()));
    const withheld = (other: PeerId) => this.blocked(other) || this.policy.isBanned(other);
    this.transmit(peer, peerListFrame(known, peer, withheld));
    for (const extension of this.extensions) await extension.onReady?.(peer);
  }

  private emitPeers(): void {
    for (const fn of this.peerListeners) fn();
  }

  private emitHints(peers: PeerId[], from: PeerId): void {
    if (peers.length) for (const fn of this.hintListeners) fn(peers, from);
  }
}

/** Frame types the session layer itself handles. */
const CORE_TYPES: readonly FrameType[] = ["HELLO", "PEER_LIST"];
