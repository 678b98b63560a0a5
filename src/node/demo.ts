// `--demo N`: a lively sample board for a newcomer to look at. N signed listings from about N/100
// sample sellers, each with a signed profile; varied titles, categories, prices and places, one in
// eight with a small photo (demo-photo.ts). Every record is signed by its own sample seller's key
// and verifies like any other; the sellers' keys are thrown away, so nobody can edit them later.

import { generateIdentity, type Identity } from "../core/crypto.ts";
import { createListing, type ListingDraft } from "../core/listings/draft.ts";
import { DAY_MS, type ImageRef, type Listing } from "../core/listings/records.ts";
import type { MailStore } from "../core/mail/mail-store.ts";
import { createProfile } from "../core/profiles/profile.ts";
import type { Store } from "../core/store.ts";
import { demoPhoto } from "./demo-photo.ts";

const FIRST = ["Ana", "Ben", "Chloé", "Dmitri", "Esra", "Femi", "Greta", "Hiro", "Ines", "Jonas", "Kemal", "Lena"];
const PLACES = [
  "Riverside",
  "Old Town",
  "Harbour",
  "North Hill",
  "Station Quarter",
  "Market Square",
  "Eastgate",
  "Parkview",
];
const ITEMS: { category: ListingDraft["category"]; kind?: "wanted"; pricing?: string; things: string[] }[] = [
  {
    category: "for-sale",
    things: [
      "Bike, 3 gears",
      "Oak desk",
      "Winter coat",
      "Road bike",
      "Bookshelf",
      "Kettle",
      "Guitar",
      "Sofa, grey",
      "Desk lamp",
      "Camping stove",
    ],
  },
  {
    category: "free",
    pricing: "free",
    things: ["Moving boxes", "Children's books", "Garden soil", "Old magazines", "Flower pots"],
  },
  {
    category: "swap",
    pricing: "swap",
    things: ["Board games", "Seedlings", "Records", "Puzzle, 1000 pieces", "Houseplants"],
  },
  { category: "services", things: ["Bike repair", "Maths tutoring", "Dog walking", "Piano lessons", "Sewing repairs"] },
  { category: "housing", things: ["Room to let", "Garage space", "Allotment share", "Studio flat"] },
  { category: "jobs", things: ["Café help, weekends", "Garden help", "Babysitter wanted", "Delivery rider"] },
  {
    category: "wanted",
    kind: "wanted",
    things: ["Looking for a pram", "Wanted: ladder", "Need a drill for a day", "Wanted: tent"],
  },
];
const ADJECTIVES = ["nearly new", "well loved", "good condition", "must go this week", "collect only", "can deliver"];
const COLOURS: [number, number, number][] = [
  [214, 93, 60],
  [60, 130, 200],
  [90, 170, 100],
  [230, 190, 60],
  [150, 90, 180],
  [70, 70, 80],
];
/** Listings signed and written per transaction. */
const BATCH = 200;

/** A small deterministic generator, so the same N gives a similar board (not the same keys). */
function picker(seed: number) {
  let state = seed >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  return { next, pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T };
}

/** Writes `count` demo listings and their sellers' profiles to `store`; returns how many of each. */
export async function seedDemoBoard(
  store: Store & MailStore,
  count: number,
  now: number,
): Promise<{ listings: number; sellers: number }> {
  const random = picker(count);
  const sellers: Identity[] = [];
  const sellerCount = Math.max(1, Math.round(count / 100));
  for (let i = 0; i < sellerCount; i++) {
    const seller = await generateIdentity(now);
    const name = `${random.pick(FIRST)} from ${random.pick(PLACES)}`;
    const profile = await createProfile(seller, { name, about: "A sample seller on the demo board." }, now - DAY_MS);
    await store.putProfileIf(profile, () => true);
    sellers.push(seller);
  }
  const photos: { ref: ImageRef; blob: Blob }[] = [];
  for (const [i, colour] of COLOURS.entries()) {
    const photo = await demoPhoto(64 + 16 * i, 48 + 8 * i, colour);
    await store.putImage(photo.ref.hash, photo.blob);
    photos.push(photo);
  }
  let written = 0;
  for (let start = 0; start < count; start += BATCH) {
    const batch: Listing[] = [];
    for (let i = start; i < Math.min(count, start + BATCH); i++) {
      const seller = sellers[i % sellers.length] as Identity;
      const group = random.pick(ITEMS);
      const thing = random.pick(group.things);
      const place = random.pick(PLACES);
      const draft: ListingDraft = {
        title: `${thing}${random.next() < 0.4 ? `, ${random.pick(ADJECTIVES)}` : ""}`,
        description: `${thing} in ${place}. ${random.pick(ADJECTIVES)}. Sample listing #${i + 1} on the demo board.`,
        price: group.pricing ? "" : String(Math.round(random.next() * 200) + (random.next() < 0.3 ? 0.5 : 0)),
        currency: random.next() < 0.8 ? "EUR" : random.pick(["USD", "GBP"]),
        category: group.category,
        ...(group.kind ? { kind: group.kind } : {}),
        ...(group.pricing ? { pricing: group.pricing } : {}),
        location: place,
        lifetimeDays: 60,
      };
      // Spread over the last three weeks, so the board reads like one people use.
      const at = now - Math.floor(random.next() * 21 * DAY_MS);
      const images = i % 8 === 0 ? [random.pick(photos).ref] : [];
      batch.push(await createListing(seller, draft, at, images));
    }
    written += (await store.putListingsIf(batch, (_listing, stored) => stored === undefined)).length;
  }
  return { listings: written, sellers: sellerCount };
}
