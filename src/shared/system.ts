// What every host hands the core for time and logging: the platform's clock and timers, and the
// console (a SharedWorker's console shows in chrome://inspect; the Node peer's goes to its log).

import type { Clock, Logger } from "../core/ports.ts";

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => ({ timer: setTimeout(fn, ms) }),
  clearTimeout: (id) => {
    if (id) clearTimeout(id.timer as ReturnType<typeof setTimeout>);
  },
};

export const consoleLogger: Logger = {
  warn: (message, ...details) => console.warn(`Peerboard: ${message}`, ...details),
  error: (message, ...details) => console.error(`Peerboard: ${message}`, ...details),
};
