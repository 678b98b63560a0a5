// @ts-check
// Security headers on every response the server makes, /peerjs included, and the robots.txt text.

/** Host header values safe to echo into the CSP: a name or [IPv6], an optional port. */
const SAFE_HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * The app's Content-Security-Policy. Checked against the built app in Chromium (no violations):
 * scripts, styles, the manifest, the service worker, the hub SharedWorker (or its fallback Worker)
 * all come from 'self'; photos are blob: and data: URLs; the radio's PeerJS socket and the hub's
 * fetches (discovery, /ice.json) go to the same host. ws:/wss: are spelled out because 'self' only
 * covers them in browsers that implement CSP Level 3's same-host upgrade rule.
 * @param {string | undefined} host the request's Host header
 */
export function contentSecurityPolicy(host) {
  const sockets = host && SAFE_HOST.test(host) ? ` ws://${host} wss://${host}` : "";
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' blob: data:",
    `connect-src 'self'${sockets}`,
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** @type {import("express").RequestHandler} */
export function securityHeaders(req, res, next) {
  res.setHeader("Content-Security-Policy", contentSecurityPolicy(req.headers.host));
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Referrer-Policy", "no-referrer");
  // For browsers that predate frame-ancestors.
  res.setHeader("X-Frame-Options", "DENY");
  res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
  next();
}

/** Nothing here is content for a crawler: listings live in browsers, signaling is live. */
export const ROBOTS_TXT = "User-agent: *\nDisallow: /peerjs/\nDisallow: /ice.json\n";
