// @ts-check
// Discovery (GET /peerjs/peerjs/peers) answers a bounded random sample of the ids registered now,
// not PeerServer's full list: a newcomer needs a few peers to dial, and a full list of a large
// community is both a big response and a census for anyone who asks.

/** Ids currently registered, kept from PeerServer's connection and disconnect events. */
export class OnlineIds {
  constructor() {
    /** @type {string[]} */
    this.ids = [];
    /** @type {Map<string, number>} index of each id in `ids`, for O(1) removal */
    this.index = new Map();
  }

  /** @param {string} id */
  add(id) {
    if (this.index.has(id)) return;
    this.index.set(id, this.ids.length);
    this.ids.push(id);
  }

  /** @param {string} id */
  delete(id) {
    const at = this.index.get(id);
    if (at === undefined) return;
    const last = /** @type {string} */ (this.ids.pop());
    this.index.delete(id);
    if (last !== id) {
      this.ids[at] = last;
      this.index.set(last, at);
    }
  }

  get size() {
    return this.ids.length;
  }

  /**
   * Up to `count` distinct ids, uniformly at random (a partial Fisher–Yates over a copy of the
   * indices touched, so the cost is O(count), not O(size)).
   * @param {number} count
   * @param {() => number} [random]
   */
  sample(count, random = Math.random) {
    const n = this.ids.length;
    const k = Math.min(count, n);
    /** @type {Map<number, number>} swapped positions of a virtual 0..n-1 array */
    const swaps = new Map();
    const out = [];
    for (let i = 0; i < k; i++) {
      const j = i + Math.floor(random() * (n - i));
      const picked = swaps.get(j) ?? j;
      swaps.set(j, swaps.get(i) ?? i);
      out.push(/** @type {string} */ (this.ids[picked]));
    }
    return out;
  }
}

/**
 * Keeps `online` in step with a mounted ExpressPeerServer. PeerServer emits "connection" on every
 * registration and every same-token takeover, and "disconnect" when the current socket closes or
 * alive_timeout evicts it.
 * @param {import("node:events").EventEmitter} peerServer
 * @param {OnlineIds} online
 */
export function trackOnlineIds(peerServer, online) {
  peerServer.on("connection", (/** @type {{ getId(): string }} */ client) => online.add(client.getId()));
  peerServer.on("disconnect", (/** @type {{ getId(): string }} */ client) => online.delete(client.getId()));
}
