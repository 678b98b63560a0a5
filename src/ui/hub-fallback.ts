// The hub where SharedWorker does not exist (some mobile browsers). The tab that holds the Web
// Lock "hub-host" runs the same hub code (src/worker/hub.ts) in a dedicated Worker; other tabs
// reach it through a BroadcastChannel and take over when that tab closes (the lock passes on).
// A BroadcastChannel cannot carry MessagePorts, so Comlink cannot cross it: calls and events
// travel as plain envelopes, and the host tab relays them to its worker through Comlink.

import * as Comlink from "comlink";
import type { HubApi, HubEvent } from "../shared/api.ts";

/** Not "hub": the hub itself holds that lock for crash detection (HUB_LOCK). */
export const HUB_HOST_LOCK = "hub-host";
const CHANNEL = "peerboard-hub";

/** Handled in each tab, never relayed: subscriptions are local, the radio lives in the host tab. */
const LOCAL_METHODS = new Set<string>(["subscribe", "unsubscribe", "attachRadio", "then"]);

type Envelope =
  /** A tab asks who hosts the hub; the host answers "host-ready". */
  | { k: "hello" }
  /** A host is ready: clients resend calls that got no answer when `host` is new to them. */
  | { k: "host-ready"; host: string }
  | { k: "call"; client: string; id: number; method: string; args: unknown[] }
  | { k: "result"; client: string; id: number; ok: true; value: unknown }
  | { k: "result"; client: string; id: number; ok: false; message: string }
  | { k: "events"; events: HubEvent[] };

/** A tab that hosts the hub: starts the worker and serves the other tabs. */
export function hostHub(): { hub: HubApi; stop: () => void } {
  const worker = new Worker(new URL("../worker/hub.ts", import.meta.url), { type: "module", name: "peerboard-hub" });
  const connect = (): HubApi => {
    const channel = new MessageChannel();
    worker.postMessage(null, [channel.port2]);
    return Comlink.wrap<HubApi>(channel.port1);
  };
  const hub = connect();
  const served = serveTabs(connect());
  return {
    hub,
    stop: () => {
      served.stop();
      worker.terminate();
    },
  };
}

/** How long a host remembers a call it answered, for a copy of it still on its way. */
const ANSWERED_KEPT_MS = 10_000;

/**
 * Serves the other tabs' calls from `relay` (the host's own connection to its worker) and sends
 * them the hub's events. A client sends its unanswered calls again when it hears of a host it
 * did not know, and a copy may reach this host while the first still runs: each call, by client
 * and id, runs once here, and every copy gets its answer.
 */
export function serveTabs(relay: HubApi, host: string = crypto.randomUUID()): { stop: () => void } {
  const channel = new BroadcastChannel(CHANNEL);
  const calls = new Map<string, Promise<Envelope>>();
  const run = async ({ client, id, method, args }: Extract<Envelope, { k: "call" }>): Promise<Envelope> => {
    const target = (relay as unknown as Record<string, unknown>)[method];
    try {
      if (LOCAL_METHODS.has(method) || typeof target !== "function") throw new Error(`No hub method ${method}`);
      const value: unknown = await (target as (...a: unknown[]) => Promise<unknown>)(...args);
      return { k: "result", client, id, ok: true, value };
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      return { k: "result", client, id, ok: false, message: text };
    }
  };
  channel.onmessage = (event: MessageEvent<Envelope>) => {
    const message = event.data;
    if (message.k === "hello") channel.postMessage({ k: "host-ready", host } satisfies Envelope);
    if (message.k !== "call") return;
    const key = `${message.client} ${message.id}`;
    let answer = calls.get(key);
    if (!answer) {
      answer = run(message);
      calls.set(key, answer);
      void answer.then(() => setTimeout(() => calls.delete(key), ANSWERED_KEPT_MS));
    }
    void answer.then((result) => channel.postMessage(result));
  };
  void relay.subscribe(
    Comlink.proxy((events: HubEvent[]) => channel.postMessage({ k: "events", events } satisfies Envelope)),
  );
  channel.postMessage({ k: "host-ready", host } satisfies Envelope);
  return { stop: () => channel.close() };
}

/** A tab that does not host: a HubApi whose calls go to whichever tab hosts right now. */
export function hubClient(): { hub: HubApi; stop: () => void } {
  const self = crypto.randomUUID();
  const channel = new BroadcastChannel(CHANNEL);
  const pending = new Map<
    number,
    { method: string; args: unknown[]; resolve: (v: unknown) => void; reject: (e: Error) => void }
  >();
  const listeners = new Map<number, (events: HubEvent[]) => void>();
  let nextId = 1;
  const send = (id: number, method: string, args: unknown[]) =>
    channel.postMessage({ k: "call", client: self, id, method, args } satisfies Envelope);
  /** The host this tab last heard of. */
  let host: string | undefined;
  channel.onmessage = (event: MessageEvent<Envelope>) => {
    const message = event.data;
    if (message.k === "host-ready") {
      // A host we did not know (the first, or one that took over): anything unanswered may have
      // gone before it listened, or died with the old one. The same host again (it answers every
      // tab's hello) has them already.
      if (message.host === host) return;
      host = message.host;
      for (const [id, call] of pending) send(id, call.method, call.args);
    } else if (message.k === "events") {
      for (const fn of listeners.values()) fn(message.events);
    } else if (message.k === "result" && message.client === self) {
      const call = pending.get(message.id);
      pending.delete(message.id);
      if (message.ok) call?.resolve(message.value);
      else call?.reject(new Error(message.message));
    }
  };
  const local: Partial<HubApi> = {
    async subscribe(listener) {
      const key = nextId++;
      listeners.set(key, listener);
      return key;
    },
    async unsubscribe(key) {
      listeners.delete(key);
    },
    async attachRadio() {
      throw new Error("Only the tab that hosts the hub carries the radio.");
    },
    // Subscription keys here are this tab's own, unknown to the host: only the host tab's
    // visibility counts without SharedWorker.
    async tabVisible() {},
  };
  const hub = new Proxy(local, {
    get(target, name) {
      if (typeof name !== "string" || name === "then") return undefined;
      if (name in target) return target[name as keyof HubApi];
      return (...args: unknown[]) =>
        new Promise((resolve, reject) => {
          const id = nextId++;
          pending.set(id, { method: name, args, resolve, reject });
          send(id, name, args);
        });
    },
  }) as HubApi;
  channel.postMessage({ k: "hello" } satisfies Envelope);
  return { hub, stop: () => channel.close() };
}
