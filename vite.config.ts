import { defineConfig, type Plugin } from "vite";
import { VitePWA } from "vite-plugin-pwa";

/**
 * Views other than the board and the no-SharedWorker fallback load on demand (the radio, PeerJS,
 * lives in src/shared and is imported on demand by main.ts).
 * main.ts stays out too: it awaits at its top level while it imports views, and a view's chunk
 * importing the chunk that is still waiting for it would never run.
 */
const ON_DEMAND = /src[\\/]ui[\\/]((?!board-view)[\w-]+-view|hub-fallback|boot|main)\.ts$/;

function inAppChunk(id: string): boolean {
  if (/node_modules[\\/]comlink[\\/]/.test(id)) return true;
  return /src[\\/]ui[\\/][\w-]+\.ts$/.test(id) && !ON_DEMAND.test(id);
}

/**
 * The entry (boot.ts) imports the app (main.ts) dynamically, so the hub's worker starts before the
 * app's chunks are run; but Vite's preload helper only asks for those chunks when that import
 * runs, after the entry is fetched, parsed and run (~300 ms after navigation at 4× CPU,
 * bench/pwa-boot-trace.bench.ts). Listed in the page, they are fetched beside the entry.
 */
function preloadApp(): Plugin {
  return {
    name: "peerboard-preload-app",
    apply: "build",
    transformIndexHtml: {
      order: "post",
      handler(html, context) {
        const chunks = Object.values(context.bundle ?? {}).flatMap((item) => (item.type === "chunk" ? [item] : []));
        const main = chunks.find(
          (chunk) => chunk.facadeModuleId && /src[\\/]ui[\\/]main\.ts$/.test(chunk.facadeModuleId),
        );
        if (!main) return html;
        const files = new Set<string>();
        const add = (fileName: string) => {
          if (files.has(fileName) || html.includes(fileName)) return;
          files.add(fileName);
          for (const imported of chunks.find((chunk) => chunk.fileName === fileName)?.imports ?? []) add(imported);
        };
        add(main.fileName);
        return [...files].map((fileName) => ({
          tag: "link",
          attrs: { rel: "modulepreload", crossorigin: true, href: `/${fileName}` },
          injectTo: "head" as const,
        }));
      },
    },
  };
}

export default defineConfig({
  // The hub is an ES module SharedWorker; iife workers cannot code-split (docs/architecture.md,
  // "Facts checked in the libraries").
  worker: { format: "es" },
  build: {
    target: "es2022",
    sourcemap: true,
    rolldownOptions: {
      output: {
        // The shell, the board and the pieces views share go in one chunk: split into a dozen,
        // each was one more request the service worker answered during a cold start while the
        // hub's worker script waited behind them (bench/pwa-boot-trace.bench.ts). Other views stay
        // their own lazy chunks. What the entry (boot.ts) imports has its own, higher-priority
        // group: a group takes in the modules it depends on, and the entry would otherwise import
        // the whole app before it could start the hub.
        codeSplitting: {
          groups: [
            {
              name: "boot",
              test: /vite[\\/]preload-helper|src[\\/]ui[\\/](hub-worker|theme|install|dom)\.ts$/,
              priority: 2,
            },
            { name: "app", test: inAppChunk, priority: 1 },
          ],
        },
      },
    },
  },
  define: {
    // Changes a visible string between two builds so the e2e update test has a new version to find.
    __PEERBOARD_BUILD__: JSON.stringify(process.env.PEERBOARD_BUILD ?? ""),
  },
  plugins: [
    preloadApp(),
    VitePWA({
      // A waiting update is announced, never applied by surprise (src/ui/updates.ts).
      registerType: "prompt",
      injectRegister: false,
      manifest: {
        name: "Peerboard",
        short_name: "Peerboard",
        description: "A peer-to-peer bulletin board: post, find and trade, browser to browser.",
        lang: "en",
        start_url: "/",
        scope: "/",
        display: "standalone",
        background_color: "#f3f5f8",
        theme_color: "#1f5f8b",
        icons: [
          { src: "/icons/icon-192.png", sizes: "192x192", type: "image/png", purpose: "any" },
          { src: "/icons/icon-512.png", sizes: "512x512", type: "image/png", purpose: "any" },
          { src: "/icons/maskable-192.png", sizes: "192x192", type: "image/png", purpose: "maskable" },
          { src: "/icons/maskable-512.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
        ],
      },
      workbox: {
        // The shell, the hub (SharedWorker / Worker) chunk, the radio + PeerJS chunk and icons;
        // source maps stay out of the precache.
        globPatterns: ["**/*.{js,css,html,png,svg,webmanifest}"],
        navigateFallback: "/index.html",
        // Signaling and discovery are live: the service worker must never answer them.
        navigateFallbackDenylist: [/^\/peerjs\//],
        cleanupOutdatedCaches: true,
        // A click on a notification opens its listing (public/notifications-sw.js); generateSW
        // stays, so the update flow in src/ui/updates.ts is untouched.
        importScripts: ["/notifications-sw.js"],
        // No clientsClaim/skipWaiting: a new worker waits until the user chooses "Reload".
      },
    }),
  ],
});
