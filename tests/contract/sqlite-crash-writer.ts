// Child process of sqlite-crash.test.ts: writes batches of signed listings to a SQLite store,
// one putListingsIf each, until its parent kills it. Every listing says its batch in its title,
// so the parent can tell whole batches from partial ones.
//
//   writer.ts <file> <batchSize> <batches> <stallAtBatch|-1>
//
// Prints "ready" when every batch is signed, "committed <n>" after each batch, and "done" at
// the end, where it waits to be killed. With stallAtBatch, it stops halfway through that batch,
// inside the transaction, prints "stalled" and spins there until killed: the kill then lands
// mid-transaction for certain.

import { writeSync } from "node:fs";
import { generateIdentity } from "../../src/core/crypto.ts";
import { createListing } from "../../src/core/listings/draft.ts";
import type { Listing } from "../../src/core/listings/records.ts";
import { openSqliteStore } from "../../src/node/sqlite-store.ts";

const [file = "", size = "0", count = "0", stall = "-1"] = process.argv.slice(2);
const batchSize = Number(size);
const batches = Number(count);
const stallAt = Number(stall);
const NOW = 1_700_000_000_000;
// Unbuffered: the parent must see a line as soon as it is true, even if killed right after.
const say = (line: string) => writeSync(1, `${line}\n`);

const identity = await generateIdentity(NOW);
const filler = "A long description that makes each record a few kilobytes. ".repeat(50);
const signed: Listing[][] = [];
for (let batch = 0; batch < batches; batch++) {
  signed.push(
    await Promise.all(
      Array.from({ length: batchSize }, (_, item) =>
        createListing(
          identity,
          { title: `batch ${batch} item ${item}`, description: filler, price: "5", currency: "EUR" },
          NOW + batch,
        ),
      ),
    ),
  );
}

const store = await openSqliteStore(file);
say("ready");
for (const [batch, listings] of signed.entries()) {
  let item = 0;
  await store.putListingsIf(listings, () => {
    if (batch === stallAt && ++item === batchSize / 2) {
      say("stalled");
      // Killed here by the parent; the deadline only keeps an orphan from spinning forever.
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        // spin inside the transaction
      }
      process.exit(3);
    }
    return true;
  });
  say(`committed ${batch}`);
}
store.close();
say("done");
// Waits to be killed like the rest: a parent that was too slow to kill earlier still gets a
// SIGKILLed child, only with every batch written.
setTimeout(() => process.exit(4), 60_000);
