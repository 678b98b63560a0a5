// Listing photos in views: <img> elements fed from the hub's stored thumbnails by object URL.
// Photos still travelling from peers show a placeholder until the hub reports them.

import type { Listing } from "../core/listings/records.ts";
import type { HubApi } from "../shared/api.ts";
import { h } from "./dom.ts";

/** Object URLs of thumbnails already shown in this page (each at most 100 KB). */
const urls = new Map<string, string>();
/** Placeholders waiting for a hash to arrive. */
const waiting = new Map<string, Set<(url: string) => void>>();

async function load(hub: HubApi, hash: string): Promise<string | undefined> {
  const known = urls.get(hash);
  if (known) return known;
  const blob = await hub.image(hash);
  if (!blob) return undefined;
  const url = URL.createObjectURL(blob);
  urls.set(hash, url);
  return url;
}

/** Call when the hub reports {type: "image"}: fills every placeholder for that hash. */
export async function imageArrived(hub: HubApi, hash: string): Promise<void> {
  const fns = waiting.get(hash);
  if (!fns) return;
  const url = await load(hub, hash);
  if (!url) return;
  waiting.delete(hash);
  for (const fn of fns) fn(url);
}

/** A small avatar for an author line; null when the author has none. */
export function avatarImage(hub: HubApi, author: { name: string; avatar?: string } | undefined): HTMLElement | null {
  if (!author?.avatar) return null;
  const hash = author.avatar;
  const image = h("img", { className: "avatar", alt: `Avatar of ${author.name}`, width: 32, height: 32 });
  const show = (url: string) => {
    image.src = url;
  };
  void load(hub, hash).then((url) => {
    if (url) show(url);
    else waiting.set(hash, (waiting.get(hash) ?? new Set()).add(show));
  });
  return image;
}

/** The listing's photos (the first `max`), each an <img> with a text alternative. */
export function photoStrip(hub: HubApi, listing: Listing, max: number = listing.images.length): HTMLElement | null {
  const shown = listing.images.slice(0, max);
  if (!shown.length) return null;
  const strip = h("div", { className: "photos" });
  shown.forEach((ref, i) => {
    const alt = listing.images.length > 1 ? `Photo ${i + 1} of ${listing.title}` : `Photo of ${listing.title}`;
    const image = h("img", { alt, width: ref.width, height: ref.height, loading: "lazy", decoding: "async" });
    const placeholder = h("span", { className: "photo-pending", textContent: "Photo on its way…" });
    const show = (url: string) => {
      image.src = url;
      placeholder.replaceWith(image);
    };
    strip.append(placeholder);
    void load(hub, ref.hash).then((url) => {
      if (url) show(url);
      else {
        const fns = waiting.get(ref.hash) ?? new Set();
        fns.add(show);
        waiting.set(ref.hash, fns);
      }
    });
  });
  return strip;
}
