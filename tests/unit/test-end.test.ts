// The e2e harness's registry (tests/e2e/test-end.ts): what a test starts is closed when the test
// ends, failed or not, so a failed test's users never meet the next test's.

import { beforeAll, describe, expect, it } from "vitest";
import { closeWhenTestEnds } from "../e2e/test-end.ts";

describe("closeWhenTestEnds", () => {
  const closed: string[] = [];
  beforeAll(() => {
    // A file's hook: nothing to register (the file's afterAll closes it), and no error either.
    closeWhenTestEnds("the file's browser", async (name) => void closed.push(name));
  });

  it.fails("a test that fails with a server and a user open", async () => {
    closeWhenTestEnds("server", async (name) => void closed.push(name));
    closeWhenTestEnds("user", async (name) => void closed.push(name));
    throw new Error("a step of the test failed");
  });

  it("closed both when it ended, the user before the server it was on", () => {
    expect(closed).toEqual(["user", "server"]);
  });
});
