// @ts-check
// PeerServer re-emits every socket error and every unparsable message as an "error" event on its
// Express app; with no listener Node throws it, and one client sending "not json" (or an oversized
// frame) took the whole server down. Listen, and log without letting a flood fill the log.

/**
 * @param {import("node:events").EventEmitter} peerServer
 * @param {{ log?: (line: string) => void, now?: () => number, everyMs?: number }} [options]
 */
export function reportSignalingErrors(peerServer, options = {}) {
  const log = options.log ?? ((line) => console.warn(line));
  const now = options.now ?? Date.now;
  const everyMs = options.everyMs ?? 10_000;
  let lastLogged = Number.NEGATIVE_INFINITY;
  let suppressed = 0;
  peerServer.on("error", (/** @type {unknown} */ error) => {
    const at = now();
    if (at - lastLogged < everyMs) {
      suppressed += 1;
      return;
    }
    const more = suppressed > 0 ? ` (${suppressed} more since the last report)` : "";
    lastLogged = at;
    suppressed = 0;
    log(`Peerboard: a signaling client misbehaved: ${error instanceof Error ? error.message : String(error)}${more}`);
  });
}
