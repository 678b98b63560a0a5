// The hub's SharedWorker, started by the page's entry (boot.ts) before the app's code loads: the
// hub's own start (IndexedDB, the identity, the search index) is most of a cold start, and it
// need not wait for this tab's chunks to arrive and run.

let early: SharedWorker | undefined;

function startWorker(): SharedWorker {
  // Written literally so Vite bundles the hub (docs/architecture.md, "Facts checked in the libraries").
  return new SharedWorker(new URL("../worker/hub.ts", import.meta.url), { type: "module", name: "peerboard-hub" });
}

/** Starts (or joins) the hub now; the next hubWorker() hands this one over. */
export function startHubEarly(): void {
  early ??= startWorker();
}

/** The worker startHubEarly made, the first time; a new connection after that (the hub died). */
export function hubWorker(): SharedWorker {
  const worker = early ?? startWorker();
  early = undefined;
  return worker;
}
