// The search trace's step-by-step view: each step's main-thread tasks from its input to its
// results, and what each task spent its time on, so a step shows what it waited behind.

export interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { name?: string };
}

export function printStepTasks(
  complete: TraceEvent[],
  marks: TraceEvent[],
  kindOf: Record<string, string>,
  count: number,
): void {
  // Step by step, the main thread's tasks from the input to the results: what the step waited behind.
  const starts = marks.filter((m) => m.name === "step-start");
  for (const [n, start] of starts.slice(0, count).entries()) {
    const end = marks.find((m) => m.name === "step-shown" && m.ts > start.ts)?.ts ?? start.ts;
    const tasks = complete.filter((e) => e.name === "RunTask" && e.ts + (e.dur ?? 0) > start.ts && e.ts < end);
    const parts = tasks.map((task) => {
      const inside = complete.filter(
        (e) => kindOf[e.name] && e.ts >= task.ts && e.ts < task.ts + (task.dur ?? 0) && e.name !== "RunMicrotasks",
      );
      const kinds: Record<string, number> = {};
      let until = 0;
      for (const e of inside) {
        if (e.ts < until) continue;
        kinds[`${kindOf[e.name]}:${e.name}`] = (kinds[`${kindOf[e.name]}:${e.name}`] ?? 0) + (e.dur ?? 0) / 1000;
        until = e.ts + (e.dur ?? 0);
      }
      if (process.env.BENCH_TIMELINE_ALL && (task.dur ?? 0) > 10_000) {
        // Every event in a long task, by name: what the kinds above leave out.
        const all: Record<string, number> = {};
        for (const e of complete)
          if (e.ts > task.ts && e.ts < task.ts + (task.dur ?? 0) && (e.dur ?? 0) > 500)
            all[e.name] = (all[e.name] ?? 0) + (e.dur ?? 0) / 1000;
        console.log(
          `  long task: ${JSON.stringify(all, (_, v) => (typeof v === "number" ? Math.round(v * 10) / 10 : v))}`,
        );
      }
      const what = Object.entries(kinds)
        .map(([k, ms]) => `${k.split(":")[1]} ${ms.toFixed(1)}`)
        .join(", ");
      return `+${((task.ts - start.ts) / 1000).toFixed(1)} ${((task.dur ?? 0) / 1000).toFixed(1)} ms [${what}]`;
    });
    console.log(`step ${n + 1} (${((end - start.ts) / 1000).toFixed(1)} ms): ${parts.join(" | ")}`);
  }
}
