import { MemoryStore } from "../../src/core/memory/memory-store.ts";
import { runStoreContract } from "./store.ts";

runStoreContract("MemoryStore", async () => new MemoryStore());
