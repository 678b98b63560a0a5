// @ts-check
// Per-address caps on signaling: open sockets at once, and new registrations as a token bucket
// (a burst of `perMinute`, refilled at `perMinute` a minute). Memory stays bounded by the
// addresses active in the last minute: idle entries are swept.

export class AddressLimits {
  /**
   * @param {{ maxSockets: number, registrationsPerMinute: number, now?: () => number }} options
   */
  constructor(options) {
    this.maxSockets = options.maxSockets;
    this.perMinute = options.registrationsPerMinute;
    this.now = options.now ?? Date.now;
    /** @type {Map<string, number>} */
    this.sockets = new Map();
    /** @type {Map<string, { tokens: number, at: number }>} */
    this.buckets = new Map();
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  /** Reserves a socket slot; false when the address already holds maxSockets. @param {string} key */
  openSocket(key) {
    const open = this.sockets.get(key) ?? 0;
    if (open >= this.maxSockets) return false;
    this.sockets.set(key, open + 1);
    return true;
  }

  /** @param {string} key */
  closeSocket(key) {
    const open = (this.sockets.get(key) ?? 1) - 1;
    if (open > 0) this.sockets.set(key, open);
    else this.sockets.delete(key);
  }

  /** Takes one registration from the address's bucket; false when it is empty. @param {string} key */
  takeRegistration(key) {
    const now = this.now();
    const bucket = this.refilled(key, now);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    this.buckets.set(key, bucket);
    return true;
  }

  /** Seconds until the address may register again (for Retry-After). @param {string} key */
  retryAfterSeconds(key) {
    const bucket = this.refilled(key, this.now());
    return Math.max(1, Math.ceil(((1 - bucket.tokens) * 60) / this.perMinute));
  }

  /** @param {string} key @param {number} now */
  refilled(key, now) {
    const bucket = this.buckets.get(key) ?? { tokens: this.perMinute, at: now };
    const tokens = Math.min(this.perMinute, bucket.tokens + ((now - bucket.at) * this.perMinute) / 60_000);
    return { tokens, at: now };
  }

  sweep() {
    const now = this.now();
    for (const [key] of this.buckets) {
      if (this.refilled(key, now).tokens >= this.perMinute) this.buckets.delete(key);
    }
  }

  stop() {
    clearInterval(this.sweeper);
  }
}
