// Where a windowed list is on screen (windowed-list.ts): read from the real layout in a browser,
// handed in by DOM tests, which scroll without one.

/** Where the list is on screen, in CSS pixels. */
export interface WindowGeometry {
  /** The list's top relative to the top of the viewport (negative once scrolled past). */
  top: number;
  viewportHeight: number;
  columns: number;
  rowHeight: number;
}

/** Reads the grid's real layout: its resolved column tracks and one card's height plus the gap. */
export function domGeometry(list: HTMLElement, grid: HTMLElement): WindowGeometry {
  const style = getComputedStyle(grid);
  const columns = Math.max(1, style.gridTemplateColumns.split(" ").filter((t) => t && t !== "none").length);
  const first = grid.firstElementChild as HTMLElement | null;
  const gap = Number.parseFloat(style.rowGap) || 0;
  return {
    top: list.getBoundingClientRect().top,
    viewportHeight: innerHeight,
    columns,
    rowHeight: (first?.getBoundingClientRect().height || 160) + gap,
  };
}
