// A clock whose timers all belong to one peer: stopping it cancels every timer still pending and
// silences any that fire late, so a disposed peer never touches its closed store again.

import type { Clock, TimerId } from "./ports.ts";

export function scopedClock(clock: Clock): { clock: Clock; stop(): void } {
  const pending = new Set<TimerId>();
  let stopped = false;
  return {
    clock: {
      now: () => clock.now(),
      setTimeout(fn, ms) {
        const id = clock.setTimeout(() => {
          pending.delete(id);
          if (!stopped) fn();
        }, ms);
        if (!stopped) pending.add(id);
        return id;
      },
      clearTimeout(id) {
        if (id) pending.delete(id);
        clock.clearTimeout(id);
      },
    },
    stop() {
      stopped = true;
      for (const id of pending) clock.clearTimeout(id);
      pending.clear();
    },
  };
}
