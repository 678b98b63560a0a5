// @ts-check
// ICE (STUN/TURN) settings the community hands its browsers and Node peers at GET /ice.json.
//
// Response shape (Cache-Control: no-store), the contract the hub and the Node peer rely on:
//   {
//     iceServers: RTCIceServer[],          // [{ urls: string[] }] for STUN,
//                                          // [{ urls: string[], username, credential }] for TURN
//     iceTransportPolicy: "all" | "relay", // pass to RTCPeerConnection as is
//     expiresAt: number | null             // ms since epoch when the TURN credentials stop working
//                                          // (TURN_SECRET), null when nothing expires; fetch again before
//   }
// With nothing configured: { iceServers: [], iceTransportPolicy: "all", expiresAt: null } — no
// third-party STUN by default, so nothing leaves the machine or LAN (docs/architecture.md,
// "Reaching other peers").

import { createHmac, randomBytes } from "node:crypto";
import { ConfigError } from "./errors.js";

/** coturn's TURN REST default lifetime is a day; 12 h keeps a leaked credential short-lived. */
export const DEFAULT_TURN_TTL_SECONDS = 12 * 60 * 60;

/**
 * @typedef {object} IceOptions
 * @property {string[]} [stunUrls] stun: / stuns: URLs
 * @property {string[]} [turnUrls] turn: / turns: URLs
 * @property {string} [turnSecret] coturn static-auth-secret: credentials are minted per request
 * @property {string} [turnUsername] a fixed TURN account (with turnCredential), instead of turnSecret
 * @property {string} [turnCredential]
 * @property {number} [turnTtlSeconds] lifetime of minted credentials
 * @property {"all" | "relay"} [iceTransportPolicy]
 */

/**
 * @typedef {{ urls: string[], username?: string, credential?: string }} IceServer
 * @typedef {{ iceServers: IceServer[], iceTransportPolicy: "all" | "relay", expiresAt: number | null }} IceSettings
 */

// RFC 7064 / 7065: scheme:host[:port], TURN may add ?transport=udp|tcp. Hosts are names, IPv4 or [IPv6].
const HOST = String.raw`(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])`;
const PORT = String.raw`(?::(\d{1,5}))?`;
const STUN_URL = new RegExp(`^stuns?:${HOST}${PORT}$`);
const TURN_URL = new RegExp(`^turns?:${HOST}${PORT}(?:\\?transport=(?:udp|tcp))?$`);

/**
 * Checks the settings once, at start, and returns what GET /ice.json answers at a given time.
 * @param {IceOptions} options
 * @returns {(nowMs: number) => IceSettings}
 */
export function createIceSettings(options) {
  const stunUrls = checkUrls(options.stunUrls ?? [], STUN_URL, "STUN_URLS", "stun:host:3478");
  const turnUrls = checkUrls(options.turnUrls ?? [], TURN_URL, "TURN_URLS", "turn:host:3478?transport=udp");
  const policy = options.iceTransportPolicy ?? "all";
  if (policy !== "all" && policy !== "relay") {
    throw new ConfigError(`ICE_TRANSPORT_POLICY must be "all" or "relay", not "${policy}".`);
  }
  const { turnSecret, turnUsername, turnCredential } = options;
  const ttl = options.turnTtlSeconds ?? DEFAULT_TURN_TTL_SECONDS;
  if (!Number.isInteger(ttl) || ttl < 60) {
    throw new ConfigError(`TURN_TTL_SECONDS must be a whole number of seconds, at least 60 (got ${ttl}).`);
  }
  const fixed = Boolean(turnUsername) || Boolean(turnCredential);
  if (turnSecret && fixed) {
    throw new ConfigError("Set either TURN_SECRET or TURN_USERNAME + TURN_CREDENTIAL, not both.");
  }
  if (fixed && !(turnUsername && turnCredential)) {
    throw new ConfigError("TURN_USERNAME and TURN_CREDENTIAL go together: one of them is missing.");
  }
  if (turnUrls.length > 0 && !turnSecret && !fixed) {
    throw new ConfigError(
      "TURN_URLS is set but no credentials: set TURN_SECRET (coturn's static-auth-secret) " +
        "or TURN_USERNAME + TURN_CREDENTIAL.",
    );
  }
  if (turnUrls.length === 0 && (turnSecret || fixed)) {
    throw new ConfigError("TURN credentials are set but TURN_URLS is empty: say where the TURN server is.");
  }
  if (policy === "relay" && turnUrls.length === 0) {
    throw new ConfigError("ICE_TRANSPORT_POLICY=relay needs TURN_URLS: with no relay no peer could connect.");
  }

  return (nowMs) => {
    /** @type {IceServer[]} */
    const iceServers = [];
    if (stunUrls.length > 0) iceServers.push({ urls: stunUrls });
    let expiresAt = null;
    if (turnSecret) {
      const minted = mintTurnCredential(turnSecret, nowMs, ttl);
      iceServers.push({ urls: turnUrls, username: minted.username, credential: minted.credential });
      expiresAt = minted.expiresAt;
    } else if (turnUsername && turnCredential) {
      iceServers.push({ urls: turnUrls, username: turnUsername, credential: turnCredential });
    }
    return { iceServers, iceTransportPolicy: policy, expiresAt };
  };
}

/**
 * TURN REST credentials as coturn checks them with use-auth-secret (docs/architecture.md, "Facts
 * checked in the libraries"): username
 * `<unix expiry>:<label>`, credential base64(HMAC-SHA1(secret, username)). The label is random per
 * request so coturn's per-user quotas count sessions, not the whole community.
 * @param {string} secret
 * @param {number} nowMs
 * @param {number} ttlSeconds
 */
export function mintTurnCredential(secret, nowMs, ttlSeconds) {
  const expiry = Math.floor(nowMs / 1000) + ttlSeconds;
  const username = `${expiry}:${randomBytes(6).toString("hex")}`;
  const credential = createHmac("sha1", secret).update(username).digest("base64");
  return { username, credential, expiresAt: expiry * 1000 };
}

/**
 * @param {string[]} urls
 * @param {RegExp} pattern
 * @param {string} name
 * @param {string} example
 */
function checkUrls(urls, pattern, name, example) {
  for (const url of urls) {
    const match = pattern.exec(url);
    const port = match?.[1] === undefined ? 1 : Number(match[1]);
    if (!match || port < 1 || port > 65535) {
      throw new ConfigError(`${name} has a malformed URL "${url}": expected something like ${example}.`);
    }
  }
  return urls;
}
