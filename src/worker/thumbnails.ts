// Photo → thumbnail in the hub: decode with createImageBitmap, scale on an OffscreenCanvas so
// the longest side is at most 640 px, encode as WebP (JPEG where WebP encoding is missing) and
// step quality and size down until it fits 100 KB. The record carries the SHA-256 of the bytes.

import { base64urlEncode } from "../core/encoding.ts";
import { ValidationError } from "../core/errors.ts";
import { LIMITS } from "../core/listings/records.ts";
import type { Thumbnail, Thumbnailer } from "../core/ports.ts";

/** Bigger files are refused before decoding: a phone photo is a few MB. */
const SOURCE_BYTES_MAX = 25 * 1024 * 1024;
/** Decoding more pixels than this would stall the hub and every tab with it. */
const SOURCE_PIXELS_MAX = 60_000_000;
const QUALITIES = [0.82, 0.7, 0.55, 0.4];

function nameOf(photo: Blob): string {
  return photo instanceof File && photo.name ? `"${photo.name}"` : "This file";
}

export async function makeThumbnail(photo: Blob): Promise<Thumbnail> {
  const name = nameOf(photo);
  if (!photo.type.startsWith("image/")) throw new ValidationError("photos", `${name} is not an image.`);
  if (photo.size > SOURCE_BYTES_MAX)
    throw new ValidationError("photos", `${name} is too large to make a thumbnail from (over 25 MB).`);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(photo);
  } catch {
    // The browser could not decode it: a corrupt file or a format it does not know.
    throw new ValidationError("photos", `${name} could not be read as an image.`);
  }
  try {
    if (bitmap.width * bitmap.height > SOURCE_PIXELS_MAX)
      throw new ValidationError("photos", `${name} is too large to make a thumbnail from (over 60 megapixels).`);
    for (let side: number = LIMITS.imageSideMax; side >= 160; side = Math.floor(side * 0.75)) {
      const scale = Math.min(1, side / Math.max(bitmap.width, bitmap.height));
      const width = Math.max(1, Math.round(bitmap.width * scale));
      const height = Math.max(1, Math.round(bitmap.height * scale));
      const canvas = new OffscreenCanvas(width, height);
      const context = canvas.getContext("2d");
      if (!context) throw new ValidationError("photos", "This browser cannot make thumbnails.");
      context.drawImage(bitmap, 0, 0, width, height);
      for (const quality of QUALITIES) {
        let blob = await canvas.convertToBlob({ type: "image/webp", quality });
        if (blob.type !== "image/webp") blob = await canvas.convertToBlob({ type: "image/jpeg", quality });
        if (blob.size <= LIMITS.imageBytesMax) {
          const bytes = new Uint8Array(await blob.arrayBuffer());
          const hash = base64urlEncode(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)));
          const type = blob.type === "image/webp" ? "image/webp" : "image/jpeg";
          return { ref: { hash, type, bytes: blob.size, width, height }, blob };
        }
      }
    }
    throw new ValidationError("photos", `${name} is too detailed to fit a 100 KB thumbnail.`);
  } finally {
    bitmap.close();
  }
}

/** Thumbnails for the photos a user picked, in order; refuses more than the limit. */
export async function makeThumbnails(photos: Blob[]): Promise<Thumbnail[]> {
  if (photos.length > LIMITS.imagesMax)
    throw new ValidationError("photos", `Choose at most ${LIMITS.imagesMax} photos (you chose ${photos.length}).`);
  const thumbnails: Thumbnail[] = [];
  for (const photo of photos) thumbnails.push(await makeThumbnail(photo));
  return thumbnails;
}

/** The browser's Thumbnailer port for the core. */
export const canvasThumbnailer: Thumbnailer = { listingPhotos: makeThumbnails, avatar: makeThumbnail };
