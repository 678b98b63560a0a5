// @ts-check
// `npm start`: serve the built app and PeerServer on PORT (default 8080) at HOST (127.0.0.1).
import { startServer } from "./server.js";

const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? "127.0.0.1";
try {
  const { url, close } = await startServer({ port, host });
  console.log(`Peerboard is running at ${url}  (PeerServer at ${url}peerjs)`);
  const stop = () => close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
} catch (error) {
  console.error(`Peerboard could not start: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
