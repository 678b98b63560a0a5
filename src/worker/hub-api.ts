// The peer as tabs see it (HubApi): its PeerApi, plus live events batched per tab and the radio
// port. No side effects on import, so the HubApi contract suite runs exactly this.

import * as Comlink from "comlink";
import type { Peer } from "../core/peer.ts";
import type { HubApi, HubEvent } from "../shared/api.ts";
import { Alerts } from "./alerts.ts";

/**
 * Events to one tab, batched: everything that happens in one turn of the event loop goes in one
 * message (a sync stores thousands of listings; one Comlink call each would flood the tabs).
 */
function batched(listener: (events: HubEvent[]) => void, drop: () => void): (event: HubEvent) => void {
  let queue: HubEvent[] = [];
  return (event) => {
    queue.push(event);
    if (queue.length > 1) return;
    setTimeout(() => {
      const events = queue;
      queue = [];
      // A listener in a closed tab never answers; a rejected call means its port is gone.
      Promise.resolve(listener(events)).catch(drop);
    }, 0);
  };
}

/**
 * `peer` may be one still starting (startPeer): its API answers the board's calls at once and the
 * others once the whole peer is up; events flow from the start.
 */
export function hubApi(
  peer: Pick<Peer, "identity" | "api" | "subscribe">,
  attachRadio: (port: MessagePort) => void,
): HubApi {
  const subscriptions = new Map<
    number,
    { listener: (events: HubEvent[]) => void; send: (event: HubEvent) => void; stop: () => void }
  >();
  let nextKey = 1;
  /** Tabs on screen, by subscription key. */
  const visible = new Set<number>();
  const alerts = new Alerts(peer.identity.peerId);
  peer.subscribe((event) => {
    const alert = alerts.alertFor(event, visible.size > 0);
    if (alert) for (const { send } of subscriptions.values()) send({ type: "alert", alert });
  });
  const unsubscribe = (key: number) => {
    const subscription = subscriptions.get(key);
    subscriptions.delete(key);
    visible.delete(key);
    subscription?.stop();
    (subscription?.listener as { [Comlink.releaseProxy]?: () => void } | undefined)?.[Comlink.releaseProxy]?.();
  };
  return {
    ...peer.api,
    async subscribe(listener) {
      const key = nextKey++;
      const send = batched(listener, () => unsubscribe(key));
      const stop = peer.subscribe(send);
      subscriptions.set(key, { listener, send, stop });
      return key;
    },
    async unsubscribe(key) {
      unsubscribe(key);
    },
    async tabVisible(key, on) {
      if (on && subscriptions.has(key)) visible.add(key);
      else visible.delete(key);
    },
    async attachRadio(port) {
      attachRadio(port);
    },
  };
}
