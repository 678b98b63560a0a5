// The part of better-sqlite3's API that sqlite-store.ts uses. The package ships no types; this
// subset saves a dependency on @types/better-sqlite3. Docs: better-sqlite3's docs/api.md.

declare module "better-sqlite3" {
  namespace Database {
    interface Options {
      readonly?: boolean;
      fileMustExist?: boolean;
      /** Milliseconds to wait for a lock held by another connection before SQLITE_BUSY. */
      timeout?: number;
    }

    interface RunResult {
      changes: number;
      lastInsertRowid: number | bigint;
    }

    interface Statement<Params extends unknown[] = unknown[]> {
      run(...params: Params): RunResult;
      /** The first row, or undefined. */
      get(...params: Params): unknown;
      all(...params: Params): unknown[];
      /** Rows come back as their first column's value. */
      pluck(toggle?: boolean): this;
    }

    /** `fn` in a transaction: committed when it returns, rolled back when it throws. */
    interface Transaction<Fn extends (...args: never[]) => unknown> {
      (...args: Parameters<Fn>): ReturnType<Fn>;
      /** BEGIN IMMEDIATE: takes the write lock at once, so a read-then-write never meets SQLITE_BUSY halfway. */
      immediate(...args: Parameters<Fn>): ReturnType<Fn>;
    }

    interface Database {
      readonly open: boolean;
      readonly inTransaction: boolean;
      prepare<Params extends unknown[] = unknown[]>(source: string): Statement<Params>;
      exec(source: string): this;
      pragma(source: string, options?: { simple?: boolean }): unknown;
      transaction<Fn extends (...args: never[]) => unknown>(fn: Fn): Transaction<Fn>;
      close(): this;
    }
  }

  const Database: new (filename: string, options?: Database.Options) => Database.Database;
  export default Database;
}
