import "fake-indexeddb/auto";
import { generateIdentity } from "../../src/core/crypto.ts";
import { startPeer } from "../../src/core/peer.ts";
import type { HubApi, NetworkReport } from "../../src/shared/api.ts";
import { consoleLogger, systemClock } from "../../src/shared/system.ts";
import { hubApi } from "../../src/worker/hub-api.ts";
import { ListingsDouble } from "../dom/listings-double.ts";
import { MemoryNetwork } from "../support/memory-link.ts";
import { MemoryStore } from "../support/memory-store.ts";
import { buildPeer } from "../support/peers.ts";
import { runHubApiContract } from "./hub-api.ts";

runHubApiContract("a peer from createPeer, as the SharedWorker exposes it", async () => {
  const peer = await buildPeer(new MemoryNetwork());
  return { hub: hubApi(peer, () => {}), me: peer.id, teardown: () => peer.close() };
});

runHubApiContract("a peer still starting (startPeer), as the SharedWorker exposes it during a start", async () => {
  const store = new MemoryStore();
  const identity = await store.initIdentity(await generateIdentity(Date.now()));
  const link = new MemoryNetwork().link(identity.peerId);
  const start = await startPeer({ store, link, clock: systemClock, logger: consoleLogger }, { background: false });
  return { hub: hubApi(start, () => {}), me: identity.peerId, teardown: async () => (await start.peer).dispose() };
});

/** The DOM tests' double, with the two methods only the board and network views need. */
class ContractDouble extends ListingsDouble implements HubApi {
  async connect() {
    return { ok: false as const, message: "offline" };
  }
  async network(): Promise<NetworkReport> {
    throw new Error("not part of the contract");
  }
}

runHubApiContract("the DOM tests' hub double", async () => {
  const identity = await generateIdentity(Date.now());
  return { hub: new ContractDouble(identity), me: identity.peerId };
});
