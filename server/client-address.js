// @ts-check
// Who is asking, for per-address limits: the socket's peer, or — only when the operator says how
// many reverse proxies stand in front (TRUST_PROXY) — the address that many hops back in
// X-Forwarded-For. Without TRUST_PROXY the header is ignored: any client could write it.

import { isIPv6 } from "node:net";

/**
 * @param {import("node:http").IncomingMessage} req
 * @param {number} trustProxy number of reverse proxies in front of this server (0: none)
 */
export function clientAddress(req, trustProxy) {
  const direct = req.socket.remoteAddress ?? "unknown";
  if (trustProxy <= 0) return direct;
  const header = req.headers["x-forwarded-for"];
  const forwarded = (Array.isArray(header) ? header.join(",") : (header ?? ""))
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
  // Same reading as Express's numeric "trust proxy": each trusted proxy appended the address it
  // saw, so the entry trustProxy hops from our socket is the first one no trusted proxy wrote.
  const chain = [direct, ...forwarded.reverse()];
  return chain[Math.min(trustProxy, chain.length - 1)] ?? direct;
}

/**
 * The key limits count under: IPv4 as is, IPv6 by its /64, since one subscriber usually holds a
 * whole /64 and could otherwise rotate addresses past every per-address cap.
 * @param {string} address
 */
export function limitKey(address) {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1] ?? address;
  if (!isIPv6(address)) return address;
  const [head = "", tail = ""] = address.split("::");
  const headGroups = head ? head.split(":") : [];
  const tailGroups = address.includes("::") && tail ? tail.split(":") : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = address.includes("::") ? [...headGroups, ...Array(missing).fill("0"), ...tailGroups] : headGroups;
  return `${groups
    .slice(0, 4)
    .map((group) => Number.parseInt(group, 16).toString(16))
    .join(":")}::/64`;
}
