import { describe, expect, it, vi } from "vitest";
import { MemoryNetwork } from "../support/memory-link.ts";
import { runLinkContract } from "./link.ts";

const A = "pb-aaaaaaaaaaaaaaaaaaaaaaaaaa";
const B = "pb-bbbbbbbbbbbbbbbbbbbbbbbbbb";
const STRANGER = "pb-cccccccccccccccccccccccccc";

runLinkContract("MemoryNetwork", () => {
  const network = new MemoryNetwork();
  return { a: network.link(A), aId: A, b: network.link(B), bId: B, strangerId: STRANGER };
});

describe("MemoryNetwork", () => {
  it("records every frame sent, for byte counts", async () => {
    const network = new MemoryNetwork();
    const a = network.link(A);
    network.link(B);
    a.dial(B);
    a.send(B, { n: 1 });
    a.send(STRANGER, { n: 2 });
    expect(network.sent).toEqual([{ from: A, to: B, frame: { n: 1 } }]);
  });

  it("delivers asynchronously, never inside send", async () => {
    const network = new MemoryNetwork();
    const a = network.link(A);
    const b = network.link(B);
    const got: unknown[] = [];
    b.onFrame((_, frame) => got.push(frame));
    a.dial(B);
    a.send(B, { n: 1 });
    expect(got).toEqual([]);
    await vi.waitFor(() => expect(got).toEqual([{ n: 1 }]));
  });
});
