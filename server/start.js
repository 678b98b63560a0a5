// @ts-check
// `npm start`: read the settings from the environment (README "Host a community"), serve the built
// app and PeerServer, print where.
import { optionsFromEnv, startServer } from "./server.js";

try {
  const { url, close } = await startServer(optionsFromEnv(process.env));
  console.log(`Peerboard is running at ${url}  (PeerServer at ${url}peerjs, ICE settings at ${url}ice.json)`);
  const stop = () => close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
} catch (error) {
  console.error(`Peerboard could not start: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
