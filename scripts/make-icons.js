// @ts-check
// Renders the app icon (an SVG drawn here) to the PNGs the web app manifest lists, with the
// same headless Chromium the e2e tests use. Run once after changing the drawing:
//   node scripts/make-icons.js
// Maskable icons fill the whole square and keep the mark inside the central 80% safe zone.

import { writeFileSync } from "node:fs";
import { chromium } from "playwright-core";

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ACCENT = "#1f5f8b";

/** A pinned note with two peers linked across it. `maskable` shrinks the mark for maskable icons. */
/** @param {number} size @param {boolean} maskable */
function svg(size, maskable) {
  const scale = maskable ? 0.62 : 0.8;
  const radius = maskable ? 0 : size * 0.18;
  const mark = size * scale;
  const x = (size - mark) / 2;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}" role="img" aria-label="Peerboard">
  <title>Peerboard</title>
  <rect width="${size}" height="${size}" rx="${radius}" fill="${ACCENT}"/>
  <g transform="translate(${x} ${x}) scale(${mark / 100})">
    <rect x="14" y="12" width="72" height="80" rx="6" fill="#ffffff"/>
    <circle cx="50" cy="12" r="7" fill="#f2b134"/>
    <circle cx="32" cy="44" r="9" fill="${ACCENT}"/>
    <circle cx="68" cy="70" r="9" fill="${ACCENT}"/>
    <line x1="32" y1="44" x2="68" y2="70" stroke="${ACCENT}" stroke-width="5" stroke-linecap="round"/>
    <rect x="26" y="24" width="48" height="5" rx="2.5" fill="#9fb3c4"/>
  </g>
</svg>`;
}

const icons = [
  { file: "public/icons/icon-192.png", size: 192, maskable: false },
  { file: "public/icons/icon-512.png", size: 512, maskable: false },
  { file: "public/icons/maskable-192.png", size: 192, maskable: true },
  { file: "public/icons/maskable-512.png", size: 512, maskable: true },
  { file: "public/icons/apple-touch-icon.png", size: 180, maskable: true },
];

const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ["--no-sandbox"], headless: true });
try {
  for (const icon of icons) {
    const page = await browser.newPage({ viewport: { width: icon.size, height: icon.size } });
    await page.setContent(
      `<html><body style="margin:0;background:transparent">${svg(icon.size, icon.maskable)}</body></html>`,
    );
    writeFileSync(icon.file, await page.screenshot({ omitBackground: true, type: "png" }));
    await page.close();
    console.log(`wrote ${icon.file}`);
  }
  writeFileSync("public/icons/icon.svg", svg(512, false));
} finally {
  await browser.close();
}
