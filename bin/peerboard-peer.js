#!/usr/bin/env node
// The always-on peer's launcher (`npm run peer`, the `peerboard-peer` bin). Node 20 cannot run
// TypeScript, and the peer runs from a fresh `npm ci` with no build step: this registers module
// hooks that transpile each .ts file with the installed `typescript` as it is loaded (types are
// erased, not checked: `npx tsc -p .` checks them), then starts src/node/cli.ts.
import { register } from "node:module";

register("./ts-hooks.js", import.meta.url);
await import("../src/node/cli.ts");
