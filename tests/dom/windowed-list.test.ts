// The windowed list against a source of 10,000 items and a scripted geometry: what is in the DOM
// follows the scroll position, stays within its bound, and asks the source only for what it shows.

import { afterEach, describe, expect, it, vi } from "vitest";
import { h } from "../../src/ui/dom.ts";
import type { WindowGeometry } from "../../src/ui/window-geometry.ts";
import { type WindowedListOptions, windowedList } from "../../src/ui/windowed-list.ts";

const ROW = 160;
const disposers: (() => void)[] = [];
afterEach(() => {
  for (const dispose of disposers.splice(0)) dispose();
  document.body.replaceChildren();
});

/** Items "item 0" (newest) to "item n-1", served a page at a time, counting the asks. */
function source(n: number) {
  const items = Array.from({ length: n }, (_, i) => `item ${i}`);
  const asks: [number, number][] = [];
  return {
    items,
    asks,
    fetch: async (offset: number, limit: number) => {
      asks.push([offset, limit]);
      return { items: items.slice(offset, offset + limit), total: items.length };
    },
  };
}

/** A list of string items drawn as articles, in the page, disposed after the test. */
function mountList(options: Omit<WindowedListOptions<string>, "render" | "key">) {
  const list = windowedList<string>({
    render: (item) => h("article", { textContent: item }),
    key: (item) => item,
    ...options,
  });
  document.body.append(list.element);
  disposers.push(list.dispose);
  return { list, shown: () => [...list.element.querySelectorAll("article")].map((a) => a.textContent) };
}

function mount(n: number, geometry: WindowGeometry, maxRendered?: number) {
  const data = source(n);
  return {
    data,
    ...mountList({ fetch: data.fetch, geometry: () => geometry, ...(maxRendered ? { maxRendered } : {}) }),
  };
}

const scroll = async (geometry: WindowGeometry, top: number) => {
  geometry.top = top;
  dispatchEvent(new Event("scroll"));
  await new Promise((resolve) => setTimeout(resolve, 50));
};

describe("windowed list", () => {
  it("shows the first items, newest first, and reserves the height of all 10,000", async () => {
    const geometry = { top: 200, viewportHeight: 740, columns: 1, rowHeight: ROW };
    const { list, shown } = mount(10_000, geometry);
    await list.reset();
    const first = shown();
    expect(first[0]).toBe("item 0");
    expect(first.length).toBeGreaterThan(3);
    expect(first.length).toBeLessThanOrEqual(200);
    expect(first).toEqual(first.map((_, i) => `item ${i}`));
    expect(list.element.style.height).toBe(`${10_000 * ROW}px`);
  });

  it("follows the scroll through 10,000 items with at most 200 in the DOM, asking only for pages near the screen", async () => {
    const geometry = { top: 0, viewportHeight: 740, columns: 3, rowHeight: ROW };
    const { list, shown, data } = mount(10_000, geometry);
    await list.reset();
    let most = 0;
    for (let top = 0; top > -((10_000 / 3) * ROW); top -= 20_000) {
      await scroll(geometry, top);
      await vi.waitFor(() => {
        const items = shown();
        // The row at the top of the screen is among those shown.
        const row = Math.floor(-top / ROW);
        expect(items).toContain(`item ${row * 3}`);
      });
      most = Math.max(most, shown().length);
    }
    expect(most).toBeLessThanOrEqual(200);
    expect(most).toBeGreaterThan(10);
    await scroll(geometry, -(10_000 / 3) * ROW + 740);
    await vi.waitFor(() => expect(shown()).toContain("item 9999"));
    // Pages skipped over were never asked for: far fewer asks than the 200 pages of the list.
    expect(data.asks.length).toBeLessThan(100);
    // The window sits where its first row belongs.
    const firstIndex = Number(shown()[0]?.split(" ")[1]);
    expect(list.element.querySelector(".listings")?.getAttribute("style")).toContain(
      `translateY(${Math.floor(firstIndex / 3) * ROW}px)`,
    );
  });

  it("draws only the screen's rows first, then the rows above and below it once that frame is painted", async () => {
    // The list's top is at the top of the screen: 740 / 160 → rows 0–4 are on screen, and no more.
    const geometry = { top: 0, viewportHeight: 740, columns: 2, rowHeight: ROW };
    const { list, shown } = mount(10_000, geometry);
    await list.reset();
    expect(shown()).toEqual(Array.from({ length: 10 }, (_, i) => `item ${i}`));
    // One screen of overscan below: rows 0–9 (1,480 / 160 → the tenth row holds the bottom edge),
    // and the row after it, the next a scroll shows.
    await vi.waitFor(() => expect(shown().length).toBe(22));
    expect(shown()).toEqual(Array.from({ length: 22 }, (_, i) => `item ${i}`));
  });

  it("never holds more than its bound, even when the screen is huge", async () => {
    const geometry = { top: 0, viewportHeight: 100_000, columns: 4, rowHeight: ROW };
    const { list, shown } = mount(10_000, geometry, 200);
    await list.reset();
    await vi.waitFor(() => expect(shown().length).toBe(200));
  });

  it("a refresh shows a new first item, and a reset after a new query starts from the top", async () => {
    const geometry = { top: 0, viewportHeight: 740, columns: 1, rowHeight: ROW };
    const { list, shown, data } = mount(100, geometry);
    await list.reset();
    data.items.unshift("fresh");
    await list.refresh();
    expect(shown()[0]).toBe("fresh");
    expect(shown()[1]).toBe("item 0");
    data.items.splice(0, data.items.length);
    await list.reset();
    expect(shown()).toEqual([]);
    expect(list.element.style.height).toBe("0px");
  });

  it("a small scroll keeps the cards that stay on screen and moves none of them: only the edges change", async () => {
    const geometry = { top: 0, viewportHeight: 740, columns: 1, rowHeight: ROW };
    const { list } = mount(10_000, geometry);
    await list.reset();
    const before = new Map([...list.element.querySelectorAll("article")].map((a) => [a.textContent, a]));
    const moved: Node[] = [];
    const watcher = new MutationObserver((records) => {
      for (const record of records) moved.push(...record.removedNodes);
    });
    watcher.observe(list.element, { childList: true, subtree: true });
    await scroll(geometry, -2 * ROW);
    watcher.disconnect();
    const after = [...list.element.querySelectorAll("article")];
    // Every item still shown is still shown by its old node.
    const stillShown = after.filter((a) => before.has(a.textContent));
    expect(stillShown.length).toBeGreaterThan(2);
    expect(after.filter((a) => before.get(a.textContent) === a)).toEqual(stillShown);
    const first = Number(after[0]?.textContent?.split(" ")[1]);
    expect(after.map((a) => a.textContent)).toEqual(after.map((_, i) => `item ${first + i}`));
    // Only cards that left the window were taken out; the ones that stay were not re-inserted.
    for (const node of moved) expect(after).not.toContain(node);
  });

  it("a new query asked while the last one's rows are still coming shows the last answer until its own, never an empty list", async () => {
    const geometry = { top: 0, viewportHeight: 740, columns: 2, rowHeight: ROW };
    let query = "a";
    let held: (() => void) | undefined;
    const told: number[] = [];
    const { list, shown } = mountList({
      fetch: async (offset, limit) => {
        const asked = query;
        // Only the new query's first ask is held, as an answer still on its way.
        if (asked === "b" && !held) await new Promise<void>((resolve) => (held = resolve));
        const items = Array.from({ length: 1_000 }, (_, i) => `${asked} ${i}`);
        return { items: items.slice(offset, offset + limit), total: asked === "b" ? 500 : 1_000 };
      },
      geometry: () => geometry,
      onRender: (total) => told.push(total),
    });
    await list.reset();
    // The next query is asked at once, before the first one's overscan frame.
    query = "b";
    const next = list.reset();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(shown()[0]).toBe("a 0");
    expect(told).not.toContain(0);
    // The last answer's height stands too: nothing above the list moves while the next is asked.
    expect(list.element.style.height).toBe(`${(1_000 / 2) * ROW}px`);
    held?.();
    await next;
    // Its own first draw is the screen only (rows 0–4), then the overscan follows.
    expect(shown()).toEqual(Array.from({ length: 10 }, (_, i) => `b ${i}`));
    expect(told.at(-1)).toBe(500);
    await vi.waitFor(() => expect(shown().length).toBe(22));
  });

  it("a new query's first draw reads no layout (the last frame's stands); the frame after reads it once more", async () => {
    const geometry = { top: 0, viewportHeight: 740, columns: 2, rowHeight: ROW };
    let reads = 0;
    const data = source(10_000);
    const { list } = mountList({
      fetch: data.fetch,
      geometry: () => {
        reads++;
        return geometry;
      },
    });
    await list.reset();
    await vi.waitFor(() => expect(list.element.querySelectorAll("article").length).toBe(22));
    const settled = reads;
    data.items.reverse();
    await list.reset();
    expect(reads).toBe(settled);
    expect(list.element.querySelector("article")?.textContent).toBe("item 9999");
    await vi.waitFor(() => expect(list.element.querySelectorAll("article").length).toBe(22));
    expect(reads).toBeGreaterThan(settled);
  });

  it("a new query asks for the screen's items first, then the rest of the page, none of them twice", async () => {
    // Rows 0–4 of 2 columns are on screen: the first ask is for 10 items, not a page of 50.
    const geometry = { top: 0, viewportHeight: 740, columns: 2, rowHeight: ROW };
    const { list, shown, data } = mount(10_000, geometry);
    await list.reset();
    await vi.waitFor(() => expect(shown().length).toBe(22));
    data.items.reverse();
    data.asks.splice(0);
    await list.reset();
    expect(data.asks).toEqual([[0, 10]]);
    expect(shown()).toEqual(Array.from({ length: 10 }, (_, i) => `item ${9999 - i}`));
    await vi.waitFor(() => expect(shown().length).toBe(22));
    expect(shown()).toEqual(Array.from({ length: 22 }, (_, i) => `item ${9999 - i}`));
    expect(data.asks).toEqual([
      [0, 10],
      [10, 40],
    ]);
  });

  it("a query replaced within a pause in typing asks nothing more: only the newest gets its rest of the page", async () => {
    const geometry = { top: 0, viewportHeight: 740, columns: 2, rowHeight: ROW };
    let query = "a";
    const asks: string[] = [];
    const { list } = mountList({
      fetch: async (offset, limit) => {
        asks.push(`${query} ${offset}+${limit}`);
        const items = Array.from({ length: 1_000 }, (_, i) => `${query} ${i}`);
        return { items: items.slice(offset, offset + limit), total: items.length };
      },
      geometry: () => geometry,
    });
    await list.reset();
    await vi.waitFor(() => expect(list.element.querySelectorAll("article")).toHaveLength(22));
    for (const next of ["b", "c", "d"]) {
      query = next;
      await list.reset();
      // The next keystroke, well after this query's frame but within the pause.
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
    await vi.waitFor(() => expect(asks).toContain("d 10+40"));
    expect(asks).toEqual(["a 0+50", "b 0+10", "c 0+10", "d 0+10", "d 10+40"]);
    expect(list.element.querySelectorAll("article")).toHaveLength(22);
  });

  it("a new query whose ask failed still follows the scroll: the next scroll asks again and draws its items", async () => {
    const geometry = { top: 0, viewportHeight: 740, columns: 2, rowHeight: ROW };
    let query = "a";
    let failing = false;
    const { list, shown } = mountList({
      fetch: async (offset, limit) => {
        if (failing) throw new Error("the hub went away");
        const items = Array.from({ length: 1_000 }, (_, i) => `${query} ${i}`);
        return { items: items.slice(offset, offset + limit), total: items.length };
      },
      geometry: () => geometry,
      settleMs: 0,
    });
    await list.reset();
    query = "b";
    failing = true;
    await expect(list.reset()).rejects.toThrow("the hub went away");
    failing = false;
    await scroll(geometry, -ROW * 2);
    await vi.waitFor(() => expect(shown()[0]).toBe("b 4"));
    expect(shown().every((text) => text?.startsWith("b "))).toBe(true);
  });

  it("a query after one that found nothing draws its first screen with no layout read", async () => {
    const geometry = { top: 0, viewportHeight: 740, columns: 2, rowHeight: ROW };
    let reads = 0;
    let empty = false;
    const { list } = mountList({
      fetch: async (offset, limit) => {
        const items = empty ? [] : Array.from({ length: 1_000 }, (_, i) => `item ${i}`);
        return { items: items.slice(offset, offset + limit), total: items.length };
      },
      geometry: () => {
        reads++;
        return geometry;
      },
    });
    await list.reset();
    empty = true;
    await list.reset();
    expect(list.element.querySelectorAll("article")).toHaveLength(0);
    const before = reads;
    empty = false;
    await list.reset();
    expect(reads).toBe(before);
    expect(list.element.querySelectorAll("article")).toHaveLength(10);
  });
});

describe("a fling past every page held", () => {
  it("keeps the measured row height while the grid is empty, so the reserved height never shrinks", async () => {
    // As domGeometry does: with no card in the grid, the row height is a guess (160 plus the gap).
    const measured = 412;
    const at = { top: 0 };
    const geometry = (_list: HTMLElement, grid: HTMLElement): WindowGeometry => ({
      top: at.top,
      viewportHeight: 800,
      columns: 3,
      rowHeight: grid.firstElementChild ? measured : ROW,
    });
    const data = source(10_000);
    let release: () => void = () => {};
    let holding = false;
    const { list } = mountList({
      fetch: async (offset, limit) => {
        if (holding) await new Promise<void>((resolve) => (release = resolve));
        return data.fetch(offset, limit);
      },
      geometry,
    });
    await list.reset();
    const full = `${Math.ceil(10_000 / 3) * measured}px`;
    expect(list.element.style.height).toBe(full);
    // Far down, with the hub's answers held: a frame draws no card, and the next reads an empty grid.
    holding = true;
    at.top = -600_000;
    dispatchEvent(new Event("scroll"));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(list.element.querySelectorAll("article").length).toBe(0);
    at.top = -601_500;
    dispatchEvent(new Event("scroll"));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(list.element.style.height).toBe(full);
    holding = false;
    release();
    const row = Math.floor(601_500 / measured);
    await vi.waitFor(() =>
      expect([...list.element.querySelectorAll("article")].map((a) => a.textContent)).toContain(`item ${row * 3}`),
    );
    expect(list.element.style.height).toBe(full);
  });
});
