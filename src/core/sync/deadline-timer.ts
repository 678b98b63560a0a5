// One timer for the earliest of many deadlines (sync.ts: when a pending request times out), so
// thousands of requests cost one timer, moved earlier when an earlier deadline comes along.

import type { Clock, TimerId } from "../ports.ts";

/** Slack after a deadline, so the entry due then has really timed out when the sweep runs. */
const SLACK_MS = 100;

export class DeadlineTimer {
  private timer: TimerId | undefined;
  private at: number | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly run: () => void,
  ) {}

  /** Runs `run` just after `deadline`, unless an earlier one is set already. */
  set(deadline: number | undefined): void {
    if (deadline === undefined || (this.at !== undefined && this.at <= deadline)) return;
    this.clock.clearTimeout(this.timer);
    this.at = deadline;
    this.timer = this.clock.setTimeout(
      () => {
        this.at = undefined;
        this.timer = undefined;
        this.run();
      },
      Math.max(0, deadline - this.clock.now()) + SLACK_MS,
    );
  }
}
