// Fills a user's hub with listings for the benchmarks, through the hub's real API: a second
// connection to the running hub SharedWorker speaking Comlink's wire format (the page's own
// Comlink is bundled and not reachable from page.evaluate). It runs in a same-origin document
// that is not the board, so no open board re-renders once per seeded listing.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { DEFAULT_DIST } from "../server/server.js";

/** The hub chunk exactly as the app's entry names it, so we join the running hub (minified or not, for profiles). */
function hubScript(): string {
  const assets = join(DEFAULT_DIST, "assets");
  for (const file of readdirSync(assets).filter((f) => f.endsWith(".js"))) {
    const match = /new SharedWorker\(\s*new URL\(\s*(?:\/\*[^*]*\*\/\s*)?[`"](\/assets\/[\w.-]+\.js)[`"]/.exec(
      readFileSync(join(assets, file), "utf8"),
    );
    if (match?.[1]) return match[1];
  }
  throw new Error(`No SharedWorker hub in ${assets}: run "vite build" first`);
}

export async function seedListings(board: Page, count: number): Promise<void> {
  const page = await board.context().newPage();
  await page.goto(new URL("/icons/icon.svg", board.url()).href);
  await board.close();
  await page.evaluate(
    async ({ total, script }) => {
      const worker = new SharedWorker(script, { type: "module", name: "peerboard-hub" });
      const port = worker.port;
      port.start();
      const waiting = new Map<string, (value: unknown) => void>();
      port.onmessage = (event: MessageEvent<{ id: string; value: unknown }>) => {
        waiting.get(event.data.id)?.(event.data.value);
        waiting.delete(event.data.id);
      };
      const call = (method: string, args: unknown[]) =>
        new Promise<unknown>((resolve) => {
          const id = crypto.randomUUID();
          waiting.set(id, resolve);
          port.postMessage({
            id,
            type: "APPLY",
            path: [method],
            argumentList: args.map((value) => ({ type: "RAW", value })),
          });
        });
      const BATCH = 50;
      for (let i = 0; i < total; i = i === 0 ? 1 : i + BATCH) {
        const posts: Promise<unknown>[] = [];
        for (let j = i; j < Math.min(total, i === 0 ? 1 : i + BATCH); j++) {
          posts.push(
            call("post", [
              {
                title: `Seeded listing ${j}`,
                description: `A description of about a sentence for listing ${j}, like a real one.`,
                price: String(1 + (j % 200)),
                currency: "EUR",
              },
            ]),
          );
        }
        const results = (await Promise.all(posts)) as { ok: boolean }[];
        if (results.some((r) => !r.ok)) throw new Error("A seeded post was refused");
        // Posts of a batch share milliseconds, and the board orders those by id: listing 0 is
        // the oldest (the benches look for it at the bottom) only if no other shares its time.
        if (i === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      }
      port.close();
    },
    { total: count, script: hubScript() },
  );
}
