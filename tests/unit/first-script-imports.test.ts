// What a tab evaluates before the board can ask for its first page: everything the app (main.ts)
// imports statically, followed through every module. At ×4 CPU, evaluating the schemas of
// records.ts, profile.ts and wire.ts with valibot's builders took ~15 ms of the app chunk's
// ~57 ms (bench/pwa-boot-trace.bench.ts), so the board and its forms take the limits and
// vocabularies from modules that build none; views that check records load them on demand.

import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { expect, it } from "vitest";

const SRC = resolve(import.meta.dirname, "../../src");

/** The modules `file` imports statically for their values: `import type` and `import()` are left out. */
function staticImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const found: string[] = [];
  for (const match of text.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?\bfrom\s+"([^"]+)";/gms)) {
    const spec = match[1] as string;
    found.push(spec.startsWith(".") ? resolve(dirname(file), spec) : spec);
  }
  return found;
}

/** Every module reached from `entry` by static imports, with the first path to each. */
function reached(entry: string): Map<string, string[]> {
  const paths = new Map<string, string[]>([[entry, [entry]]]);
  const queue = [entry];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    if (!file.startsWith("/")) continue;
    for (const next of staticImports(file)) {
      if (paths.has(next)) continue;
      paths.set(next, [...(paths.get(file) ?? []), next]);
      queue.push(next);
    }
  }
  return paths;
}

/** The path of static imports from `paths`' entry to valibot, relative to src; empty when there is none. */
const toValibot = (paths: Map<string, string[]>): string[] =>
  (paths.get("valibot") ?? []).map((file) => file.replace(`${SRC}/`, ""));

it("the tab's first script builds no schema: nothing main.ts imports statically reaches valibot", () => {
  const paths = reached(resolve(SRC, "ui/main.ts"));
  const route = toValibot(paths);
  expect(route, `main.ts reaches valibot through ${route.join(" → ")}`).toEqual([]);
  // The walk itself works: the board and the limits it uses are reached.
  expect(paths.has(resolve(SRC, "ui/board-view.ts"))).toBe(true);
  expect(paths.has(resolve(SRC, "core/listings/listing-terms.ts"))).toBe(true);
});

it("nor does the Search view's chunk, which a cold start at #/search loads while the hub's answers arrive", () => {
  const route = toValibot(reached(resolve(SRC, "ui/search-view.ts")));
  expect(route, `search-view.ts reaches valibot through ${route.join(" → ")}`).toEqual([]);
});
