// A Clock for tests that must cross long waits (request timeouts, budget refills) in an instant:
// time runs as usual, and `advance(ms)` moves it on at once, firing every timer that fell due.

import type { Clock, TimerId } from "../../src/core/ports.ts";

interface Timer {
  due: number;
  fn: () => void;
  host: ReturnType<typeof setTimeout>;
}

export class ManualClock implements Clock {
  private offset = 0;
  private next = 1;
  private readonly timers = new Map<number, Timer>();

  now(): number {
    return Date.now() + this.offset;
  }

  setTimeout(fn: () => void, ms: number): TimerId {
    const id = this.next++;
    const host = setTimeout(() => this.fire(id), ms);
    this.timers.set(id, { due: this.now() + ms, fn, host });
    return { timer: id };
  }

  clearTimeout(id: TimerId | undefined): void {
    const key = id?.timer as number | undefined;
    const timer = key === undefined ? undefined : this.timers.get(key);
    if (!timer) return;
    clearTimeout(timer.host);
    this.timers.delete(key as number);
  }

  /** Moves time on by `ms` and runs the timers due by then, earliest first. */
  advance(ms: number): void {
    this.offset += ms;
    const due = [...this.timers].filter(([, t]) => t.due <= this.now()).sort((a, b) => a[1].due - b[1].due);
    for (const [id] of due) this.fire(id);
  }

  private fire(id: number): void {
    const timer = this.timers.get(id);
    if (!timer) return;
    clearTimeout(timer.host);
    this.timers.delete(id);
    timer.fn();
  }
}
