// What the always-on peer tells its operator (src/node/ops-log.ts): a line per connection and
// disconnection, the signaling state when it changes, and the minute summary.

import { describe, expect, it } from "vitest";
import { connectionLog, lineLogger, summaryLine } from "../../src/node/ops-log.ts";

describe("the always-on peer's log", () => {
  it("logs each peer that completes HELLO and each that goes, once, and signaling changes", () => {
    const lines: string[] = [];
    const follow = connectionLog((line) => lines.push(line));
    follow({ peerId: "pb-me", radio: "connecting", peers: [] });
    follow({ peerId: "pb-me", radio: "online", peers: [{ id: "pb-a", stage: "handshake" }] });
    follow({ peerId: "pb-me", radio: "online", peers: [{ id: "pb-a", stage: "ready", name: "Alice" }] });
    follow({ peerId: "pb-me", radio: "online", peers: [{ id: "pb-a", stage: "ready", name: "Alice" }] });
    follow({ peerId: "pb-me", radio: "offline", peers: [] });
    expect(lines).toEqual([
      "signaling connecting",
      "signaling online",
      "connected pb-a (Alice)",
      "signaling offline",
      "disconnected pb-a (Alice)",
    ]);
  });

  it("writes a name with newlines or terminal escapes escaped, so a peer cannot forge a log line", () => {
    const lines: string[] = [];
    const follow = connectionLog((line) => lines.push(line));
    follow({
      peerId: "pb-me",
      radio: "online",
      peers: [{ id: "pb-a", stage: "ready", name: "Eve\nsummary: 0 peers\u001b[2J" }],
    });
    expect(lines).toEqual(["signaling online", "connected pb-a (Eve\\nsummary: 0 peers\\u001b[2J)"]);
    expect(lines.join("")).not.toContain("\n");
    expect(lines.join("")).not.toContain(String.fromCharCode(27));
  });

  it("summarises peers, listings, profiles, held mail and bytes in one line", () => {
    expect(
      summaryLine({
        peers: 3,
        listings: 10_000,
        profiles: 101,
        heldMail: 2,
        bytesIn: 1.5 * 1024 ** 2,
        bytesOut: 63 * 1024 ** 2,
        storageBytes: 40 * 1024 ** 2,
      }),
    ).toBe("summary: 3 peers, 10000 listings, 101 profiles, 2 held mail, 1.5 MB in, 63.0 MB out, store 40.0 MB");
  });

  it("stamps every line with the time, warnings and errors on stderr with their details", () => {
    const out: string[] = [];
    const err: string[] = [];
    const log = lineLogger({ info: (l) => out.push(l), error: (l) => err.push(l) }, () => Date.UTC(2026, 11, 1, 8));
    log.info("started");
    log.error("dial failed", new Error("timeout"), "pb-x");
    expect(out).toEqual(["2026-12-01T08:00:00.000Z started"]);
    expect(err).toEqual(["2026-12-01T08:00:00.000Z error dial failed (timeout; pb-x)"]);
  });
});
