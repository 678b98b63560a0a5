// HubApi: the one typed surface views use, exposed by the browser hub with Comlink
// (docs/architecture.md, "Hosts: tabs, hub, radio"): the peer's own API (src/core/api.ts) plus what
// only tabs need (live events, the radio port).

import type { PeerApi, PeerEvent } from "../core/api.ts";

export type * from "../core/api.ts";

/** Held by the hub for its whole life: a tab granted it knows the hub has died. */
export const HUB_LOCK = "hub";
/** Held by the one tab that hosts the PeerJS peer for every tab of this browser profile. */
export const RADIO_LOCK = "radio";

/** A system notification the hub asks the tabs to raise (src/worker/alerts.ts decides which). */
export interface Alert {
  /** Notifications with the same tag replace each other: one per listing, deal or conversation. */
  tag: string;
  title: string;
  body: string;
  /** What clicking it opens, e.g. "/#/listing/<id>". */
  url: string;
}

export type HubEvent = PeerEvent | { type: "alert"; alert: Alert };

export interface HubApi extends PeerApi {
  /**
   * Live changes; the callback is a Comlink.proxy. Events that happen together (a sync brings
   * thousands of listings) arrive in one call, in order. Returns a key for `unsubscribe`.
   */
  subscribe(listener: (events: HubEvent[]) => void): Promise<number>;
  unsubscribe(key: number): Promise<void>;
  /**
   * The tab behind subscription `key` is on screen or not (document.visibilityState). Offers,
   * deal steps and messages raise alerts only while no tab is; a closed tab's key goes with it.
   */
  tabVisible(key: number, visible: boolean): Promise<void>;
  /** The tab that holds the Web Lock "radio" hands the hub its end of a MessageChannel. */
  attachRadio(port: MessagePort): Promise<void>;
}
