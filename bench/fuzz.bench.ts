// 100,000 hostile frames through the hub's inbound path (issue 8). Run: npm run bench.

import "fake-indexeddb/auto";
import { expect, it, vi } from "vitest";
import { fuzzInbound } from "../tests/support/fuzz-hub.ts";

const FRAMES = Number(process.env.FUZZ_FRAMES ?? 100_000);

it(`fuzz: ${FRAMES} hostile frames`, async () => {
  vi.spyOn(console, "warn").mockImplementation(() => undefined);
  const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
  const report = await fuzzInbound({ frames: FRAMES, seed: 1124 });
  console.log(
    `\nFuzz: ${report.frames} frames in ${(report.ms / 1000).toFixed(1)} s ` +
      `(${Math.round(report.frames / (report.ms / 1000))} frames/s); hostile peer disconnected ${report.disconnects} times, ${report.bans} identities banned; ` +
      `invalid records stored: ${report.storedInvalid}; honest peer served afterwards: ${report.honestServed}; ` +
      `errors escaped: ${errors.mock.calls.length}`,
  );
  expect(errors).not.toHaveBeenCalled();
  expect(report.storedInvalid).toBe(0);
  expect(report.honestServed).toBe(true);
});
