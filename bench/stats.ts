// Summaries for benchmark samples.

export function summarize(samples: number[]): { n: number; median: number; p95: number; min: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
  return {
    n: sorted.length,
    median: at(0.5),
    p95: at(0.95),
    min: sorted[0] ?? Number.NaN,
    max: sorted.at(-1) ?? Number.NaN,
  };
}

export function report(title: string, rows: Record<string, number[]>, unit = "ms"): void {
  const lines = [`\n${title}`, `| measure | n | median | p95 | min | max |`, `| --- | --- | --- | --- | --- | --- |`];
  for (const [name, samples] of Object.entries(rows)) {
    const s = summarize(samples);
    const f = (x: number) => `${unit === "MiB" ? x.toFixed(1) : Math.round(x)} ${unit}`;
    lines.push(`| ${name} | ${s.n} | ${f(s.median)} | ${f(s.p95)} | ${f(s.min)} | ${f(s.max)} |`);
  }
  console.log(lines.join("\n"));
}
