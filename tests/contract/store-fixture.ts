// What a store contract suite (store.ts, mail-store.ts) asks of an adapter, in the shape of
// automerge-repo's runStorageAdapterTests: `setup` returns a fresh, empty store and how to tear
// it down; a durable adapter also says how to open the same data again, and then every test that
// writes checks its data again after close and reopen.

import { afterEach } from "vitest";

export interface StoreFixture<S> {
  /** A fresh, empty store that shares nothing with any other fixture's. */
  store: S;
  /** Releases what setup made (a temporary directory, say). The suite closes the stores itself. */
  teardown?: () => void | Promise<void>;
  /** For durable adapters: opens the same data again, once the suite has closed the last store. */
  reopen?: () => Promise<S>;
}

export type StoreSetup<S> = () => Promise<StoreFixture<S>>;

export interface Closable {
  close(): void;
}

/** One fresh store of a test, and its reopened successors. */
export interface OpenStore<S> {
  /** The store open now: the first one, or the last reopened one. */
  readonly store: S;
  /** Whether the adapter is durable (has `reopen`). */
  readonly durable: boolean;
  /** Closes the store and opens the same data again; only for durable adapters. */
  reopen(): Promise<S>;
  /**
   * Runs `check` on the open store and, for a durable adapter, again after close and reopen:
   * whatever a test reads back must also have reached the disk.
   */
  survives(check: (store: S) => Promise<void>): Promise<void>;
  /** Closes the open store (the suite's afterEach does not close it again). */
  close(): void;
}

/** Hands out fresh stores to a describe block's tests and cleans every one up after each test. */
export function freshStores<S extends Closable>(setup: StoreSetup<S>): () => Promise<OpenStore<S>> {
  const cleanups: (() => Promise<void>)[] = [];

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  return async () => {
    const fixture = await setup();
    let current: S | undefined = fixture.store;
    cleanups.push(async () => {
      current?.close();
      current = undefined;
      await fixture.teardown?.();
    });
    const open: OpenStore<S> = {
      get store() {
        if (!current) throw new Error("the store was closed and not reopened");
        return current;
      },
      durable: fixture.reopen !== undefined,
      async reopen() {
        if (!fixture.reopen) throw new Error("this adapter is not durable: it has no reopen");
        current?.close();
        current = undefined;
        current = await fixture.reopen();
        return current;
      },
      async survives(check) {
        await check(open.store);
        if (open.durable) await check(await open.reopen());
      },
      close() {
        current?.close();
        current = undefined;
      },
    };
    return open;
  };
}
