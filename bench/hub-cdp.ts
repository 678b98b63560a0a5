// The hub is a SharedWorker: benches reach it through the browser's CDP session (a page's
// session does not see it) to read its heap and its clock.

import type { Browser } from "playwright-core";

export interface HubTarget {
  ask(method: string, params?: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** The hub's JS heap after a collection, in bytes. */
  heapUsed(): Promise<number>;
  /** performance.timeOrigin in the hub: when it started. */
  timeOrigin(): Promise<number>;
  /** The hub's performance marks, ms since it started (empty unless a build adds some). */
  marks(): Promise<[string, number][]>;
  /** Lets go of the hub (a debugger left attached can hold its messages). */
  detach(): Promise<void>;
}

export async function attachHub(browser: Browser): Promise<HubTarget | undefined> {
  const root = await browser.newBrowserCDPSession();
  const { targetInfos } = (await root.send("Target.getTargets")) as {
    targetInfos: { targetId: string; type: string; url: string }[];
  };
  const hubTarget = targetInfos.find((t) => t.type === "shared_worker" && /hub-/.test(t.url));
  if (!hubTarget) return undefined;
  const { sessionId } = (await root.send("Target.attachToTarget", {
    targetId: hubTarget.targetId,
    flatten: false,
  })) as {
    sessionId: string;
  };
  let nextId = 1;
  const ask = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<Record<string, unknown>>((resolve) => {
      const id = nextId++;
      const onMessage = (event: { sessionId: string; message: string }) => {
        const reply = JSON.parse(event.message) as { id?: number; result?: Record<string, unknown> };
        if (event.sessionId !== sessionId || reply.id !== id) return;
        root.off("Target.receivedMessageFromTarget", onMessage);
        resolve(reply.result ?? {});
      };
      root.on("Target.receivedMessageFromTarget", onMessage);
      void root.send("Target.sendMessageToTarget", { sessionId, message: JSON.stringify({ id, method, params }) });
    });
  return {
    ask,
    async heapUsed() {
      await ask("HeapProfiler.collectGarbage");
      return Number((await ask("Runtime.getHeapUsage")).usedSize);
    },
    async timeOrigin() {
      const reply = await ask("Runtime.evaluate", { expression: "performance.timeOrigin", returnByValue: true });
      return Number((reply.result as { value?: number } | undefined)?.value);
    },
    async marks() {
      const expression =
        "JSON.stringify(performance.getEntriesByType('mark').map((m) => [m.name, Math.round(m.startTime)]))";
      const reply = await ask("Runtime.evaluate", { expression, returnByValue: true });
      return JSON.parse(String((reply.result as { value?: string } | undefined)?.value ?? "[]"));
    },
    async detach() {
      await root.send("Target.detachFromTarget", { sessionId });
      await root.detach();
    },
  };
}
