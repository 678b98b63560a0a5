// The dialer keeps connections bounded, backs off from silent peers and obeys the user.

import { describe, expect, it } from "vitest";
import { CANDIDATES_MAX, Dialer, HINTS_MAX, HINTS_PER_PEER } from "../../src/core/session/dialer.ts";
import { consoleLogger } from "../../src/shared/system.ts";

const ids = (n: number) => Array.from({ length: n }, (_, i) => `pb-${String(i).padStart(26, "a")}`);

function setup(options: { discovered?: string[]; maxPeers?: number; discover?: () => Promise<string[]> } = {}) {
  let now = 0;
  const dialled: string[] = [];
  const connected = new Set<string>();
  const dialer = new Dialer({
    self: "pb-selfselfselfselfselfselfse",
    dial: (peer) => dialled.push(peer),
    connected: () => [...connected],
    discover: options.discover ?? (async () => options.discovered ?? []),
    maxPeers: options.maxPeers ?? 3,
    dialTimeoutMs: 1_000,
    now: () => now,
    log: consoleLogger,
  });
  return { dialer, dialled, connected, advance: (ms: number) => (now += ms) };
}

describe("Dialer", () => {
  it("dials nobody while offline", async () => {
    const { dialer, dialled } = setup({ discovered: ids(5) });
    await dialer.tick();
    expect(dialled).toEqual([]);
  });

  it("never has more than maxPeers connections and dials in flight", async () => {
    const { dialer, dialled, connected } = setup({ discovered: ids(10), maxPeers: 3 });
    dialer.setOnline(true);
    await dialer.tick();
    expect(dialled).toHaveLength(3);
    await dialer.tick();
    expect(dialled).toHaveLength(3);
    for (const peer of dialled) {
      connected.add(peer);
      dialer.peerChanged(peer, true);
    }
    await dialer.tick();
    expect(dialled).toHaveLength(3);
  });

  it("does not dial itself or peers it is connected to", async () => {
    const [a = "", b = ""] = ids(2);
    const { dialer, dialled, connected } = setup({ discovered: [a, b, "pb-selfselfselfselfselfselfse"] });
    connected.add(a);
    dialer.setOnline(true);
    await dialer.tick();
    expect(dialled).toEqual([b]);
  });

  it("backs off from a peer that did not answer, then tries again later", async () => {
    const [a = ""] = ids(1);
    const { dialer, dialled, advance } = setup({ discovered: [a] });
    dialer.setOnline(true);
    await dialer.tick();
    dialer.dialFailed(a, "not-registered");
    await dialer.tick();
    expect(dialled).toEqual([a]);
    advance(5_000);
    await dialer.tick();
    expect(dialled).toEqual([a, a]);
  });

  it("remembers why recent dials failed, newest first, bounded, until the peer connects", async () => {
    const peers = ids(25);
    const { dialer, advance } = setup({ discovered: [] });
    dialer.setOnline(true);
    for (const peer of peers) {
      dialer.dialFailed(peer, peer === peers[24] ? "no-route" : "not-registered");
      advance(1);
    }
    const shown = dialer.unreachable();
    expect(shown).toHaveLength(20);
    expect(shown[0]).toEqual({ peer: peers[24], reason: "no-route", at: expect.any(Number) });
    expect(shown.map((f) => f.peer)).not.toContain(peers[0]);
    dialer.peerChanged(peers[24] as string, true);
    expect(dialer.unreachable().map((f) => f.peer)).not.toContain(peers[24]);
  });

  it("treats a dial that never completes as failed after the timeout", async () => {
    const [a = ""] = ids(1);
    const { dialer, dialled, advance } = setup({ discovered: [a] });
    dialer.setOnline(true);
    await dialer.tick();
    advance(1_000);
    await dialer.tick(); // expires the dial and backs off
    await dialer.tick();
    expect(dialled).toEqual([a]);
  });

  it("connectNow dials at once, past the bound and any backoff", async () => {
    const many = ids(4);
    const { dialer, dialled } = setup({ discovered: many.slice(0, 3), maxPeers: 3 });
    dialer.setOnline(true);
    await dialer.tick();
    dialer.connectNow(many[3] ?? "");
    expect(dialled).toHaveLength(4);
    expect(dialled.at(-1)).toBe(many[3]);
  });

  it("dials a peer once a round when it is both a peer met before and in the server's list", async () => {
    // Every reload: the peer we just talked to is a candidate and discovery lists it too. Dialled
    // twice, it got two channels, of which the radios keep one, and both sides started HELLO twice.
    const [a = "", b = ""] = ids(2);
    const { dialer, dialled } = setup({ discovered: [a, b] });
    dialer.addCandidates([a]);
    dialer.setOnline(true);
    await dialer.tick();
    expect(dialled.sort()).toEqual([a, b]);
  });

  it("connectNow does not dial a peer again while a dial to it is in flight", async () => {
    // Coming online, the dial round and the waiting mail both reach for the same peer: two dials
    // made two channels, and each side started HELLO twice (the reload in deals.test.ts).
    const [a = ""] = ids(1);
    const { dialer, dialled, advance } = setup();
    dialer.addCandidates([a]);
    dialer.setOnline(true);
    await dialer.tick();
    dialer.connectNow(a);
    expect(dialled).toEqual([a]);
    // A dial that timed out is over: asked again, the peer is dialled again.
    advance(1_001);
    dialer.connectNow(a);
    expect(dialled).toEqual([a, a]);
  });

  it("keeps dialling known candidates when discovery fails", async () => {
    const [a = ""] = ids(1);
    const { dialer, dialled } = setup({
      discover: async () => {
        throw new Error("server down");
      },
    });
    dialer.addCandidates([a]);
    dialer.setOnline(true);
    await dialer.tick();
    expect(dialled).toEqual([a]);
  });

  it("a PEER_LIST flood holds a bounded number of ids, and peers met before are dialled first", async () => {
    const known = ids(3);
    const { dialer, dialled } = setup({ maxPeers: 6 });
    dialer.addCandidates(known);
    const attacker = "pb-attackerattackerattackera";
    for (let i = 0; i < 1_001; i++)
      dialer.addHints(
        attacker,
        Array.from({ length: 100 }, (_, j) => `pb-${String(i * 100 + j).padStart(26, "z")}`),
      );
    // Another peer's hints still find room, however many the first one sent.
    dialer.addHints("pb-honesthonesthonesthonesth", ["pb-friendfriendfriendfriendf"]);
    expect(dialer.candidateCount()).toBeLessThanOrEqual(known.length + HINTS_MAX);
    expect(dialer.candidateCount()).toBeLessThanOrEqual(known.length + HINTS_PER_PEER + 1);
    dialer.setOnline(true);
    await dialer.tick();
    expect(dialled).toHaveLength(6);
    for (const peer of known) expect(dialled).toContain(peer);
  });

  it("keeps a bounded number of peers met before, forgetting the least recently met first", async () => {
    // Room to dial every candidate at once, so one round shows which are kept.
    const { dialer, dialled } = setup({ maxPeers: CANDIDATES_MAX + 10, discovered: [] });
    const met = ids(CANDIDATES_MAX + 500);
    dialer.addCandidates(met);
    expect(dialer.candidateCount()).toBe(CANDIDATES_MAX);
    // The first met, met again, is kept; the next oldest goes instead.
    const first = met[0] as string;
    dialer.met(first);
    dialer.addCandidates(["pb-newestnewestnewestnewest"]);
    dialer.setOnline(true);
    await dialer.tick();
    expect(dialled).toHaveLength(CANDIDATES_MAX);
    expect(dialled).toContain(first);
    expect(dialled).toContain("pb-newestnewestnewestnewest");
    expect(dialled).toContain(met.at(-1));
    expect(dialled).not.toContain(met[501]);
    expect(dialled).toContain(met[502]);
  });
});
