import { describe, expect, it } from "vitest";
import { churnCandidate } from "../../src/core/session/connection-cap.ts";

const peer = (id: string, since: number, stage = "ready") => ({ id, since, stage });

describe("churnCandidate", () => {
  it("lets the longest-connected ready peer go once the target is reached", () => {
    expect(churnCandidate([peer("b", 20), peer("a", 10), peer("c", 30)], 3)).toBe("a");
  });

  it("drops nobody while the dialer is still filling slots", () => {
    expect(churnCandidate([peer("a", 10), peer("b", 20)], 3)).toBeUndefined();
    expect(churnCandidate([peer("a", 10), peer("b", 20), peer("c", 5, "handshake")], 3)).toBeUndefined();
  });
});
