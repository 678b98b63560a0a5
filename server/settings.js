// @ts-check
// Every server setting in one place: the startServer options, their defaults, and how `npm start`
// reads them from the environment. Malformed or half-given settings stop the start with a
// ConfigError that names the variable.

import { ConfigError } from "./errors.js";

/**
 * @typedef {object} ServerOptions
 * @property {number} [port] default 8080 (PORT); 0 picks a free port
 * @property {string} [host] default 127.0.0.1 (HOST)
 * @property {string} [dist] the built app; default ../dist
 * @property {string[]} [stunUrls] STUN_URLS
 * @property {string[]} [turnUrls] TURN_URLS
 * @property {string} [turnSecret] TURN_SECRET, coturn's static-auth-secret
 * @property {string} [turnUsername] TURN_USERNAME
 * @property {string} [turnCredential] TURN_CREDENTIAL
 * @property {number} [turnTtlSeconds] TURN_TTL_SECONDS, default 43200 (12 h)
 * @property {"all" | "relay"} [iceTransportPolicy] ICE_TRANSPORT_POLICY, default "all"
 * @property {string[]} [allowedOrigins] ALLOWED_ORIGINS; default: only the request's own host
 * @property {number} [trustProxy] TRUST_PROXY: reverse proxies in front, default 0
 * @property {number} [maxSocketsPerIp] MAX_SOCKETS_PER_IP, default 64
 * @property {number} [maxRegistrationsPerMinute] MAX_REGISTRATIONS_PER_MINUTE (per address), default 240
 * @property {number} [maxMessageBytes] MAX_MESSAGE_BYTES, default 65536
 * @property {number} [maxSocketBytesPerSecond] MAX_SOCKET_BYTES_PER_SECOND, default 262144 (bursts of 4 s)
 * @property {boolean} [allowDiscovery] ALLOW_DISCOVERY, default true
 * @property {number} [discoverySample] DISCOVERY_SAMPLE, default 50
 * @property {number} [concurrentLimit] CONCURRENT_LIMIT, default 5000
 * @property {number} [aliveTimeoutMs] ALIVE_TIMEOUT_MS, default 60000
 * @property {boolean} [requireProof] REQUIRE_PROOF, default true
 */

export const DEFAULTS = Object.freeze({
  port: 8080,
  host: "127.0.0.1",
  trustProxy: 0,
  // Generous for one address: e2e runs ~20 browsers from 127.0.0.1, and a campus or a carrier NAT
  // puts many members behind one address.
  maxSocketsPerIp: 64,
  maxRegistrationsPerMinute: 240,
  // Signaling carries SDP offers and ICE candidates, a few KB each; ws's default is 100 MiB.
  maxMessageBytes: 64 * 1024,
  // Per socket, with bursts of four times this: a hub dialing 8 peers sends ~100 KB at most.
  maxSocketBytesPerSecond: 256 * 1024,
  allowDiscovery: true,
  discoverySample: 50,
  concurrentLimit: 5000,
  aliveTimeoutMs: 60_000,
  // Only the holder of an id's key may register it (server/proof.js); the hub and the Node peer
  // send the proof in their PeerJS token (src/core/session/registration.ts).
  requireProof: true,
});

/**
 * Fills defaults and checks the numbers; ICE settings are checked by createIceSettings.
 * @param {ServerOptions} options
 */
export function resolveOptions(options) {
  const resolved = { ...DEFAULTS, ...withoutUndefined(options) };
  wholeNumber("PORT", resolved.port, 0, 65535);
  wholeNumber("TRUST_PROXY", resolved.trustProxy, 0, 10);
  wholeNumber("MAX_SOCKETS_PER_IP", resolved.maxSocketsPerIp, 1);
  wholeNumber("MAX_REGISTRATIONS_PER_MINUTE", resolved.maxRegistrationsPerMinute, 1);
  wholeNumber("MAX_MESSAGE_BYTES", resolved.maxMessageBytes, 1024);
  wholeNumber("MAX_SOCKET_BYTES_PER_SECOND", resolved.maxSocketBytesPerSecond, 1024);
  wholeNumber("DISCOVERY_SAMPLE", resolved.discoverySample, 1);
  wholeNumber("CONCURRENT_LIMIT", resolved.concurrentLimit, 1);
  wholeNumber("ALIVE_TIMEOUT_MS", resolved.aliveTimeoutMs, 1000);
  for (const origin of resolved.allowedOrigins ?? []) {
    if (!isOrigin(origin)) {
      throw new ConfigError(`ALLOWED_ORIGINS has "${origin}", which is not an origin like https://board.example.org.`);
    }
  }
  return resolved;
}

/**
 * What `npm start` passes to startServer. Unset and empty variables mean "the default".
 * @param {Record<string, string | undefined>} env
 * @returns {ServerOptions}
 */
export function optionsFromEnv(env) {
  const text = (/** @type {string} */ name) => (env[name]?.trim() ? env[name]?.trim() : undefined);
  const list = (/** @type {string} */ name) =>
    text(name)
      ?.split(",")
      .map((item) => item.trim())
      .filter(Boolean);
  const number = (/** @type {string} */ name) => {
    const value = text(name);
    if (value === undefined) return undefined;
    if (!/^\d+$/.test(value)) throw new ConfigError(`${name} must be a whole number, not "${value}".`);
    return Number(value);
  };
  const flag = (/** @type {string} */ name) => {
    const value = text(name)?.toLowerCase();
    if (value === undefined) return undefined;
    if (["1", "true", "yes", "on"].includes(value)) return true;
    if (["0", "false", "no", "off"].includes(value)) return false;
    throw new ConfigError(`${name} must be true or false, not "${text(name)}".`);
  };
  const policy = text("ICE_TRANSPORT_POLICY");
  const trust = text("TRUST_PROXY")?.toLowerCase();
  return {
    port: number("PORT"),
    host: text("HOST"),
    stunUrls: list("STUN_URLS"),
    turnUrls: list("TURN_URLS"),
    turnSecret: text("TURN_SECRET"),
    turnUsername: text("TURN_USERNAME"),
    turnCredential: text("TURN_CREDENTIAL"),
    turnTtlSeconds: number("TURN_TTL_SECONDS"),
    iceTransportPolicy: /** @type {"all" | "relay" | undefined} */ (policy),
    allowedOrigins: list("ALLOWED_ORIGINS"),
    // A count of reverse proxies; "true" means the usual one (Caddy in front), "false" none.
    trustProxy: trust === "true" ? 1 : trust === "false" ? 0 : number("TRUST_PROXY"),
    maxSocketsPerIp: number("MAX_SOCKETS_PER_IP"),
    maxRegistrationsPerMinute: number("MAX_REGISTRATIONS_PER_MINUTE"),
    maxMessageBytes: number("MAX_MESSAGE_BYTES"),
    maxSocketBytesPerSecond: number("MAX_SOCKET_BYTES_PER_SECOND"),
    allowDiscovery: flag("ALLOW_DISCOVERY"),
    discoverySample: number("DISCOVERY_SAMPLE"),
    concurrentLimit: number("CONCURRENT_LIMIT"),
    aliveTimeoutMs: number("ALIVE_TIMEOUT_MS"),
    requireProof: flag("REQUIRE_PROOF"),
  };
}

/**
 * @param {string} name
 * @param {number} value
 * @param {number} min
 * @param {number} [max]
 */
function wholeNumber(name, value, min, max = Number.MAX_SAFE_INTEGER) {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, not ${value}.`);
  }
}

/** @param {string} text */
function isOrigin(text) {
  try {
    const url = new URL(text);
    return (url.protocol === "https:" || url.protocol === "http:") && url.origin === text;
  } catch {
    // new URL throws on anything that is not a URL: not an origin.
    return false;
  }
}

/** @template {object} T @param {T} object @returns {Partial<T>} */
function withoutUndefined(object) {
  return /** @type {Partial<T>} */ (Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)));
}
