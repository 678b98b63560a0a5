// The composition root: createPeer builds a whole peer from what its host provides (ports.ts).
// The SharedWorker hub, the no-SharedWorker fallback, the Node peer, the simulator, the benches
// and every test build peers here; nothing else wires the session layer and its features. The
// first stage is opened here (peer-board.ts); the second is wired in peer-second-stage.ts, which
// this file alone loads, by a dynamic import once the first stage serves, so a browser's hub
// evaluates its code only after the board's first answers (bench/RESULTS.md, "hubstage").

import type { PeerApi, PeerEvent } from "./api.ts";
import type { Identity } from "./crypto.ts";
import type { PeerParts } from "./peer-api.ts";
import { boardApi, holdUntil, openBoard, startingApi } from "./peer-board.ts";
import type { PeerOptions } from "./peer-options.ts";
import type { FirstStage } from "./peer-second-stage.ts";

export type { PeerOptions } from "./peer-options.ts";

import type { Ports } from "./ports.ts";
import { scopedClock } from "./scoped-clock.ts";
import type { ListingChange } from "./store.ts";

/** A running peer: its API, its events, and its parts for hosts and tests that look inside. */
export interface Peer extends PeerParts {
  /** Live changes, one call per event; returns the unsubscribe function. */
  subscribe(listener: (event: PeerEvent) => void): () => void;
  /** Stops timers and hangs up every peer; the store stays open (the host owns it). */
  dispose(): void;
}

/** A peer whose start is under way: its whole API answers the board's calls already. */
export interface PeerStart {
  identity: Identity;
  /** The board's calls (peer-board.ts) answer now; the others wait for `peer`, in the order asked. */
  api: PeerApi;
  subscribe: Peer["subscribe"];
  /** The whole peer, once its second stage has started. */
  peer: Promise<Peer>;
}

/** The whole peer, once every part has started (hosts that serve nothing during a start). */
export async function createPeer(ports: Ports, options: PeerOptions = {}): Promise<Peer> {
  return (await startPeer(ports, options)).peer;
}

/**
 * Starts a peer in two stages: the first opens the identity, the block list and the search
 * index (resolving with the board's half of the API); the second, once the index's saved copy is
 * read (so its reads queue behind the board's, not ahead of them) and whatever the host holds it
 * for has settled (`secondStageAfter`), loads and wires everything else.
 */
export async function startPeer(ports: Ports, options: PeerOptions = {}): Promise<PeerStart> {
  // Every timer of this peer goes through here, so dispose() can cancel them all.
  const timers = scopedClock(ports.clock);
  const listeners = new Set<(event: PeerEvent) => void>();
  const emit = (event: PeerEvent) => {
    for (const fn of listeners) fn(event);
  };
  const subscribe = (listener: (event: PeerEvent) => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  };
  // The second stage sets it once sync, search and images exist; a storage check before has nothing to update.
  let afterPrune = async (_gone: ListingChange[]) => {};
  const now = () => timers.clock.now();
  const board = await openBoard({
    ...ports,
    clock: timers.clock,
    now,
    identity: options.identity,
    emit,
    pruned: (gone) => afterPrune(gone),
  });
  const first: FirstStage = {
    board,
    timers,
    listeners,
    emit,
    subscribe,
    onPruned: (fn) => {
      afterPrune = fn;
    },
  };
  let started: Peer | undefined;
  const held = holdUntil(options.secondStageAfter);
  const peer = Promise.all([board.search.entriesRead, held.settled]).then(async () => {
    // Loaded only now: its evaluation (most of the hub's script) would otherwise come before the
    // hub's first answer, and the Node peer pays one import of a module on disk.
    const { startSecondStage } = await import("./peer-second-stage.ts");
    started = await startSecondStage(ports, options, first);
    return started;
  });
  const whole = peer.then((p) => p.api);
  // A failed second stage fails the calls that wait for it; with none waiting it is the host's to report.
  whole.catch(() => undefined);
  const api = startingApi(
    boardApi(board, ports.link, () => started),
    whole,
    held,
  );
  return { identity: board.identity, api, subscribe, peer };
}
