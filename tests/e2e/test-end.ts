// What a test starts (browser contexts, that is its users; browsers; servers; Node peers) is
// closed when the test ends, passed or failed. A failed test's users otherwise stay connected to
// the file's shared server: the next test's users meet them and get their listings (a second
// "Red lamp" on the board, and a strict locator fails on the wrong test).

import { onTestFinished } from "vitest";

/**
 * Registers `close(thing)` to run when the running test ends, whatever its outcome, after the
 * test's own steps (hooks run last registered first, so a context closes before the server it
 * was opened on). Outside a test (a file's beforeAll) nothing is registered: the file's afterAll
 * closes what its hooks start. Closing twice is harmless: the registry closes once, and a test
 * may close a thing itself first (a user who closes the browser is part of many tests).
 */
export function closeWhenTestEnds<T>(thing: T, close: (thing: T) => Promise<unknown>): T {
  try {
    onTestFinished(async () => {
      await close(thing);
    });
  } catch (error) {
    // The runner's "can only be called inside a test": a file's hook started it, and closes it.
    if (!(error instanceof Error && /inside a test/.test(error.message))) throw error;
  }
  return thing;
}
