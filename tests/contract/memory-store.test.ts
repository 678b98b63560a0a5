import { MemoryRelayStore } from "../support/memory-relay-store.ts";
import { MemoryStore } from "../support/memory-store.ts";
import { runListingChangeStoreContract } from "./listing-change-store.ts";
import { runListingSummaryStoreContract } from "./listing-summary-store.ts";
import { runMailStoreContract } from "./mail-store.ts";
import { runRelayStoreContract } from "./relay-store.ts";
import { runSavedSearchStoreContract } from "./saved-search-store.ts";
import { runStoreContract } from "./store.ts";

// Not durable: no reopen, the maps go with the object.
const setup = async () => ({ store: new MemoryStore() });

runStoreContract("MemoryStore", setup);
runSavedSearchStoreContract("MemoryStore", setup);
runMailStoreContract("MemoryStore", setup);
runListingChangeStoreContract("MemoryStore", setup);
runListingSummaryStoreContract("MemoryStore", setup);
runRelayStoreContract("MemoryRelayStore", async () => ({ store: new MemoryRelayStore() }));
