// Node module hooks that load this repository's .ts files by transpiling each alone with the
// installed `typescript` (ts.transpileModule: types erased, nothing checked). Registered by
// peerboard-peer.js; the same approach as tests/contract/ts-hooks.mjs.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import ts from "typescript";

// PeerJS's Node entry is a Parcel-built CommonJS file whose exports Node's ESM loader cannot see
// (`import { Peer } from "peerjs"` fails: "does not provide an export named 'Peer'"), and its ESM
// build imports webrtc-adapter, which wants a window. So `peerjs` resolves to a module that
// require()s the CommonJS build and names its exports; src/ui/radio.ts stays as the browser has it.
const PEERJS_MAIN = createRequire(import.meta.url).resolve("peerjs");
const PEERJS_SHIM =
  "data:text/javascript," +
  encodeURIComponent(
    `import { createRequire } from "node:module";\n` +
      `const peerjs = createRequire(${JSON.stringify(PEERJS_MAIN)})(${JSON.stringify(PEERJS_MAIN)});\n` +
      "export const { Peer, PeerError, DataConnection, BufferedConnection, MediaConnection, util } = peerjs;\n" +
      "export default peerjs;\n",
  );

/**
 * @param {string} specifier
 * @param {object} context
 * @param {(specifier: string, context: object) => Promise<object>} nextResolve
 */
export async function resolve(specifier, context, nextResolve) {
  if (specifier === "peerjs") return { url: PEERJS_SHIM, shortCircuit: true };
  return nextResolve(specifier, context);
}

/**
 * @param {string} url
 * @param {object} context
 * @param {(url: string, context: object) => Promise<object>} nextLoad
 */
export async function load(url, context, nextLoad) {
  if (!url.startsWith("file:") || !url.endsWith(".ts") || url.includes("/node_modules/")) return nextLoad(url, context);
  const source = await readFile(new URL(url), "utf8");
  const { outputText } = ts.transpileModule(source, {
    fileName: url,
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      verbatimModuleSyntax: true,
      sourceMap: false,
    },
  });
  return { format: "module", source: outputText, shortCircuit: true };
}
