import { MemoryStore } from "../../src/shared/memory-store.ts";
import { runStoreContract } from "./store.ts";

runStoreContract("MemoryStore", async () => new MemoryStore());
