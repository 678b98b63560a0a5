// Node module hooks that run this repository's TypeScript without a build step, for the child
// processes tests spawn (sqlite-crash.test.ts): Node 20 cannot strip types itself, and neither
// tsx nor vite-node is installed. Each .ts file is transpiled alone (types erased, nothing checked:
// tsc checks them in the test run). Used as: node --import <register this file> script.ts

import { readFile } from "node:fs/promises";
import ts from "typescript";

/**
 * @param {string} url
 * @param {object} context
 * @param {(url: string, context: object) => Promise<object>} nextLoad
 */
export async function load(url, context, nextLoad) {
  if (!url.startsWith("file:") || !url.endsWith(".ts")) return nextLoad(url, context);
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
