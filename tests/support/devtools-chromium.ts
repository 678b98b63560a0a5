// Headless Chromium started as its own process with a DevTools port, for tests that must reach
// the process itself (SIGKILL it) or hand the port to another tool (Lighthouse); Playwright
// attaches over CDP to the endpoint Chromium prints.

import { type ChildProcess, spawn } from "node:child_process";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../e2e/harness.ts";

/**
 * Starts Chromium on the profile directory `profile`, on a port Chromium chooses. The child is
 * returned at once so the caller can track it; `endpoint` settles once Chromium listens, or fails
 * with what Chromium wrote if it exits first.
 */
export function spawnWithDevTools(profile: string): { child: ChildProcess; endpoint: Promise<string> } {
  const child = spawn(
    CHROMIUM_PATH,
    [...CHROMIUM_ARGS, "--headless", `--user-data-dir=${profile}`, "--remote-debugging-port=0", "about:blank"],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  const endpoint = new Promise<string>((resolve, reject) => {
    let text = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(text);
      if (match?.[1]) resolve(match[1]);
    });
    child.once("exit", (code) => reject(new Error(`Chromium exited (${code}) before it listened: ${text}`)));
  });
  return { child, endpoint };
}
