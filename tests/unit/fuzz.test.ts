// Fuzzing the inbound path (issue 8): hostile frames never throw out of the hub, never leave an
// invalid record in the store, and honest peers are served afterwards. The 100,000-frame run is
// `npm run bench` (bench/fuzz.bench.ts); this keeps a smaller one in every test run.

import "fake-indexeddb/auto";
import { afterEach, expect, it, vi } from "vitest";
import { fuzzInbound } from "../support/fuzz-hub.ts";

afterEach(() => vi.restoreAllMocks());

it("survives 4,000 hostile frames: nothing escapes, nothing invalid is stored, honest peers are served", async () => {
  vi.spyOn(console, "warn").mockImplementation(() => undefined);
  const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
  const report = await fuzzInbound({ frames: 4_000, seed: 20261124 });
  expect(errors).not.toHaveBeenCalled();
  expect(report.storedInvalid).toBe(0);
  expect(report.honestServed).toBe(true);
  // The policy did its job: the hostile peer was thrown out again and again.
  expect(report.disconnects).toBeGreaterThan(10);
  expect(report.bans).toBeGreaterThan(0);
}, 120_000);
