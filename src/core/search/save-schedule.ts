// When the search index's due save starts (search.ts): once changes stop coming for a moment, not
// in the middle of a sync that brings thousands. A save reads back the changes it covers and
// writes the whole index (megabytes); during a sync its transactions queued among the sync's.
// Waiting costs nothing in safety: what the saved copy lacks, a start replays from the log.

import type { Clock, TimerId } from "../ports.ts";

/**
 * A due save waits until no change has come for this long (at 1 s, a first visit on a loaded
 * machine still paused long enough between its groups for saves in the middle of it)...
 */
export const SAVE_QUIET_MS = 3_000;
/** ...but no longer than this after it fell due. */
export const SAVE_WAIT_MAX_MS = 30_000;

export class SaveSchedule {
  /** When the save fell due, the last change since, and the timer that looks again. */
  private due: { since: number; last: number; timer: TimerId | undefined } | undefined;

  /** `start` begins the save; without a clock, a due save starts at once. */
  constructor(
    private readonly now: () => number,
    private readonly clock: Pick<Clock, "setTimeout" | "clearTimeout"> | undefined,
    private readonly start: () => void,
  ) {}

  /** A change came while a save is due; `urgent` when it must not wait any longer. */
  changed(urgent = false): void {
    const time = this.now();
    this.due ??= { since: time, last: time, timer: undefined };
    const due = this.due;
    due.last = time;
    if (!this.clock || urgent || time - due.since >= SAVE_WAIT_MAX_MS) {
      this.start();
      return;
    }
    // One timer for the whole stream: when it fires it looks at the last change, not at each.
    due.timer ??= this.clock.setTimeout(() => this.look(), SAVE_QUIET_MS);
  }

  /** A save is starting (due or asked for): nothing waits any more. */
  started(): void {
    this.clock?.clearTimeout(this.due?.timer);
    this.due = undefined;
  }

  private look(): void {
    const due = this.due;
    if (!due || !this.clock) return;
    due.timer = undefined;
    const quiet = this.now() - due.last;
    if (quiet < SAVE_QUIET_MS) due.timer = this.clock.setTimeout(() => this.look(), SAVE_QUIET_MS - quiet);
    else this.start();
  }
}
