// What the cold-start benches install in a throttled page and how they read it back: times taken
// by the page itself, read over CDP, so no polling script of the test runs in the page while it
// boots (Playwright's waitForFunction evaluates its injected script there, ~60 ms at 4× CPU, and
// then a function every frame).

import type { CDPSession } from "playwright-core";

/**
 * Instruments the page before its code: when the hub worker is made, when its port first answers,
 * and (a MutationObserver, so no polling script of the test runs in the throttled page) when the
 * board first shows a card and `countText`.
 */
export function bootProbe(countText: string): void {
  const boot: { workerAt?: number; answerAt?: number; shownAt?: number } = {};
  (window as unknown as { __boot: typeof boot }).__boot = boot;
  const Real = window.SharedWorker;
  if (Real) {
    const Probed = function (this: unknown, ...args: ConstructorParameters<typeof SharedWorker>) {
      const worker = new Real(...args);
      boot.workerAt = performance.now();
      worker.port.addEventListener("message", () => {
        boot.answerAt ??= performance.now();
      });
      return worker;
    } as unknown as typeof SharedWorker;
    Probed.prototype = Real.prototype;
    window.SharedWorker = Probed;
  }
  const observer = new MutationObserver(() => {
    if (document.querySelector(".listing-count")?.textContent !== countText) return;
    if (!document.querySelector("article")) return;
    boot.shownAt = performance.now();
    observer.disconnect();
  });
  observer.observe(document, { childList: true, subtree: true, characterData: true });
}

/** Waits for `expression` to be a number in the page, asking over CDP (nothing injected in the page). */
export async function whenNumber(cdp: CDPSession, expression: string, timeout = 60_000): Promise<number> {
  const until = Date.now() + timeout;
  while (Date.now() < until) {
    const { result } = (await cdp.send("Runtime.evaluate", { expression, returnByValue: true })) as {
      result: { value?: unknown };
    };
    if (typeof result.value === "number") return result.value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${expression} never became a number`);
}
