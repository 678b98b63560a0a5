// Node module hooks that load this repository's .ts files by transpiling each alone with the
// installed `typescript` (ts.transpileModule: types erased, nothing checked: tsc checks them in
// the test run). Node 20 cannot strip types itself. Registered by peerboard-peer.js, and by the
// child processes tests and benches spawn (node --import <register this file> script.ts).
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import ts from "typescript";

// PeerJS's Node entry is a Parcel-built CommonJS file whose exports Node's ESM loader cannot see
// (`import { Peer } from "peerjs"` fails: "does not provide an export named 'Peer'"), and its ESM
// build imports webrtc-adapter, which wants a window. So `peerjs` resolves to a module that
// require()s the CommonJS build and names its exports; src/ui/radio.ts stays as the browser has it.
const PEERJS_MAIN = createRequire(import.meta.url).resolve("peerjs");
/** Every name the CommonJS build exports (Peer, BufferedConnection, …), named again for ESM. */
const PEERJS_EXPORTS = Object.keys(createRequire(import.meta.url)(PEERJS_MAIN)).filter(
  (name) => name !== "default" && /^[A-Za-z_$][\w$]*$/.test(name),
);
const PEERJS_SHIM =
  "data:text/javascript," +
  encodeURIComponent(
    `import { createRequire } from "node:module";\n` +
      `const peerjs = createRequire(${JSON.stringify(PEERJS_MAIN)})(${JSON.stringify(PEERJS_MAIN)});\n` +
      `export const { ${PEERJS_EXPORTS.join(", ")} } = peerjs;\n` +
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
