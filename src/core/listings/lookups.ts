// Looking for one listing by id, for a shared link opened on a device that does not hold it: every
// connected peer is asked with LISTING_REQUEST (answered out of its answer budget, like any
// request), and so is each peer that connects while the lookup lasts. Peers only answer with what
// they hold, so "not found" means: every connected peer was asked and none answered in time.

import type { PeerId } from "../crypto.ts";
import type { Clock, TimerId } from "../ports.ts";
import type { ProtocolExtension, SessionHost } from "../session/extension.ts";
import type { Store } from "../store.ts";
import { frame } from "../wire.ts";
import type { Listing } from "./records.ts";

export type ListingLookup =
  | { state: "found"; listing: Listing }
  /** Asked `asked` peers (0: nobody is connected yet); waiting for their answers or for peers. */
  | { state: "looking"; asked: number }
  /** None of the `asked` peers had it in time; still asking newcomers. */
  | { state: "not-found"; asked: number }
  | { state: "invalid"; message: string };

/** How long the peers asked have to answer before the listing counts as not found. */
export const LOOKUP_TIMEOUT_MS = 8_000;
/** Lookups kept at once; the oldest goes first. Each costs a peer one small frame. */
const MAX_LOOKUPS = 20;
/** A lookup stops asking newcomers after this long. */
const LOOKUP_LIFE_MS = 10 * 60_000;
const LISTING_ID = /^[A-Za-z0-9_-]{8,64}$/;

interface Lookup {
  asked: Set<PeerId>;
  state: "looking" | "not-found";
  startedAt: number;
  lastAskedAt: number;
  timer?: TimerId;
}

export class ListingLookups implements ProtocolExtension {
  readonly types = [] as const;
  private readonly lookups = new Map<string, Lookup>();

  constructor(
    private readonly options: {
      host: SessionHost;
      store: Store;
      clock: Clock;
      /** A lookup changed state (found, looking again, not found). */
      changed: (id: string, lookup: ListingLookup) => void;
      timeoutMs?: number;
    },
  ) {}

  /** Looks for `id`: at once when stored here, else by asking the connected peers. */
  async look(id: string): Promise<ListingLookup> {
    if (!LISTING_ID.test(id)) return { state: "invalid", message: "This is not a link to a Peerboard listing." };
    const stored = await this.options.store.getListing(id);
    if (stored) return { state: "found", listing: stored };
    const now = this.options.clock.now();
    this.forgetOld(now);
    let lookup = this.lookups.get(id);
    if (!lookup) {
      if (this.lookups.size >= MAX_LOOKUPS) this.drop(this.lookups.keys().next().value as string);
      lookup = { asked: new Set(), state: "looking", startedAt: now, lastAskedAt: now };
      this.lookups.set(id, lookup);
    } else if (lookup.state === "not-found" && now - lookup.lastAskedAt >= this.timeoutMs) {
      // Asked again (the link opened again): the peers may hold it by now.
      lookup.asked.clear();
    }
    // With nobody connected yet it is still "looking": the first peer to connect is asked.
    for (const peer of this.options.host.readyPeers()) this.ask(id, lookup, peer);
    return this.summary(lookup);
  }

  /** A new peer is asked for every listing still looked for. */
  onReady(peer: PeerId): void {
    this.forgetOld(this.options.clock.now());
    for (const [id, lookup] of this.lookups) {
      if (lookup.asked.has(peer)) continue;
      this.ask(id, lookup, peer);
      this.options.changed(id, this.summary(lookup));
    }
  }

  /** A listing was stored: a lookup for it is over. */
  arrived(listing: Listing): void {
    if (!this.lookups.has(listing.id)) return;
    this.drop(listing.id);
    this.options.changed(listing.id, { state: "found", listing });
  }

  private get timeoutMs(): number {
    return this.options.timeoutMs ?? LOOKUP_TIMEOUT_MS;
  }

  private ask(id: string, lookup: Lookup, peer: PeerId): void {
    if (lookup.asked.has(peer)) return;
    lookup.asked.add(peer);
    this.options.host.send(peer, frame({ type: "LISTING_REQUEST", ids: [id] }));
    lookup.state = "looking";
    lookup.lastAskedAt = this.options.clock.now();
    this.options.clock.clearTimeout(lookup.timer);
    lookup.timer = this.options.clock.setTimeout(() => {
      if (this.lookups.get(id) !== lookup) return;
      lookup.state = "not-found";
      this.options.changed(id, this.summary(lookup));
    }, this.timeoutMs);
  }

  private summary(lookup: Lookup): ListingLookup {
    return { state: lookup.state, asked: lookup.asked.size };
  }

  private drop(id: string): void {
    this.options.clock.clearTimeout(this.lookups.get(id)?.timer);
    this.lookups.delete(id);
  }

  private forgetOld(now: number): void {
    for (const [id, lookup] of this.lookups) if (now - lookup.startedAt > LOOKUP_LIFE_MS) this.drop(id);
  }
}
