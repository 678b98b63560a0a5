// A bench's own module (a seeder, a floor measurement) bundled by Vite and served with a blank
// page on the app's origin, so that code in the page writes the app's own IndexedDB.

import { fileURLToPath } from "node:url";
import type { BrowserContext, Page } from "playwright-core";
import { build } from "vite";

/** `entry` (a URL beside the bench) as one ES module's code. */
export async function bundleModule(entry: URL, name: string): Promise<string> {
  const output = await build({
    configFile: false,
    logLevel: "silent",
    build: {
      write: false,
      minify: false,
      lib: { entry: fileURLToPath(entry), formats: ["es"], fileName: name },
    },
  });
  const outputs = Array.isArray(output) ? output : [output];
  for (const o of outputs)
    for (const chunk of "output" in o ? o.output : []) if (chunk.type === "chunk" && chunk.isEntry) return chunk.code;
  throw new Error(`vite produced no entry chunk for ${name}`);
}

/**
 * Opens a blank page at /__bench/<name>.html on `origin`, where /__bench/<name>.js is `code`.
 * The page imports it with `page.evaluate("import('/__bench/<name>.js')…")`: as a string, since
 * Vitest would rewrite import() inside a function it serialises.
 */
export async function openModulePage(
  context: BrowserContext,
  origin: string,
  name: string,
  code: string,
): Promise<Page> {
  await context.route(`**/__bench/${name}.js`, (route) =>
    route.fulfill({ contentType: "text/javascript", body: code }),
  );
  await context.route(`**/__bench/${name}.html`, (route) =>
    route.fulfill({ contentType: "text/html", body: `<!doctype html><title>${name}</title>` }),
  );
  const page = await context.newPage();
  await page.goto(new URL(`/__bench/${name}.html`, origin).href);
  return page;
}
