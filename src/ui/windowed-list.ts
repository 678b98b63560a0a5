// A windowed list: however many items a query has, only those near the screen are in the DOM
// (at most `maxRendered`). Every row has the same height, so the list reserves the full height
// up front and places the window by arithmetic: no measuring of each card, no jumps as pages
// arrive. Items come a page at a time from `fetch` (the hub's search, newest first).

import { h } from "./dom.ts";
import { domGeometry, type WindowGeometry } from "./window-geometry.ts";

export interface WindowPage<T> {
  items: T[];
  total: number;
}

export interface WindowedListOptions<T> {
  fetch(offset: number, limit: number): Promise<WindowPage<T>>;
  render(item: T): HTMLElement;
  /** Stable identity of an item, so a refresh keeps nodes whose item did not change. */
  key(item: T): string;
  className?: string;
  pageSize?: number;
  maxRendered?: number;
  /**
   * Extra screens rendered above and below the visible part. The first draw after a reset shows
   * only the screen itself; the overscan follows once that frame is painted, so a cold start
   * builds a third of the cards before its first paint.
   */
  overscan?: number;
  /** How long after a new query's first frame its overscan waits (SETTLE_MS: a typing pause). */
  settleMs?: number;
  geometry?: (list: HTMLElement, grid: HTMLElement) => WindowGeometry;
  /** Told after each render: the total, and how many items are in the DOM. */
  onRender?(total: number, rendered: number): void;
}

export interface WindowedList<T = unknown> {
  element: HTMLElement;
  /** The data changed (a listing arrived): ask again for what is on screen. */
  refresh(): Promise<void>;
  /** The query changed: forget every page and start again from the top. */
  reset(): Promise<void>;
  /**
   * The items held from the first on, when everything drawn is among them and more items follow
   * them; undefined when the list cannot say (a page missing, a query on its way, the end held).
   * An item that sorts after the last of them changes nothing drawn.
   */
  leadingItems(): readonly T[] | undefined;
  dispose(): void;
}

/** How long a new query's first screen stands before its overscan is drawn: a pause in typing. */
const SETTLE_MS = 150;

/** Pages kept on either side of the window, so scrolling back does not ask the hub again at once. */
const KEEP_PAGES = 4;

export function windowedList<T>(options: WindowedListOptions<T>): WindowedList<T> {
  const pageSize = options.pageSize ?? 50;
  const maxRendered = options.maxRendered ?? 200;
  const overscan = options.overscan ?? 1;
  const settleMs = options.settleMs ?? SETTLE_MS;
  const geometry = options.geometry ?? domGeometry;
  const grid = h("div", { className: options.className ?? "listings" });
  const element = h("div", { className: "window" }, grid);

  let pages = new Map<number, T[]>();
  let total = 0;
  let generation = 0;
  /** Rendered nodes by index, with the key of the item each shows. */
  let rendered = new Map<number, { key: string; node: HTMLElement }>();
  let rowHeight = 0;
  /** The geometry of the last draw, and whether the next draw may use it without reading the layout. */
  let last: WindowGeometry | undefined;
  let reuseGeometry = false;
  /** False from a reset until its first frame is painted: draw only what is on screen. */
  let painted = false;
  /**
   * True from a reset until its first answer is in: what is held is the last query's, so nothing
   * is drawn from it (a frame drawn then showed the old items under the new query, or none).
   */
  let resetting = false;

  /**
   * Pages held only in part, with how many of the page's items were asked: a new query's first
   * ask is the screen's items, not a page (the hub reads and both sides copy a screen of
   * listings per keystroke); the rest of the page is asked when a draw reaches past them.
   */
  const partial = new WeakMap<T[], number>();

  const range = (g: WindowGeometry, upTo = total): [number, number] => {
    const margin = painted ? g.viewportHeight * overscan : 0;
    const firstRow = Math.max(0, Math.floor((-g.top - margin) / g.rowHeight));
    // A first draw stops at the row the screen's bottom edge falls in (one more is a third more
    // cards at desktop width, built on every keystroke). Once painted, the window reaches one row
    // past the overscan: on a short screen whose list starts below it (an 800x600 window: the
    // list at 578 px of 493, rows of 412) the overscan held only the first card, and listings a
    // sync brought went into no row built until a scroll asked for them.
    const rowsTo = Math.ceil((-g.top + g.viewportHeight + margin) / g.rowHeight) + (painted ? 1 : 0);
    const start = Math.min(firstRow * g.columns, upTo);
    const end = Math.min(upTo, Math.max(rowsTo, firstRow + 1) * g.columns, start + maxRendered);
    return [start, end];
  };

  const draw = () => {
    // Nodes are reused by item key, so a listing arriving at the top shifts the window without
    // building every card again.
    const byKey = new Map<string, HTMLElement>();
    for (const entry of rendered.values()) byKey.set(entry.key, entry.node);
    const first = pages.get(0)?.[0];
    let g: WindowGeometry;
    // A new query's first draw: the layout is the last frame's (the list has not moved), and
    // reading it again would lay out the page inside the keystroke; the frame after reads it.
    // Also after a query that found nothing: its rows were measured before, not with no card.
    const reuse = reuseGeometry && last !== undefined;
    if (!reuse && !rendered.size && total && first !== undefined) {
      // One card first, to learn the row height and the columns the CSS chose; it stays, as the
      // first card (geometry is read once: each read lays out the page, at a cold start all of it).
      const card = options.render(first);
      grid.replaceChildren(card);
      g = geometry(element, grid);
      byKey.set(options.key(first), card);
    } else if (reuse && last) g = last;
    else g = geometry(element, grid);
    reuseGeometry = false;
    // With no card in the grid (a fling past every page held) the row height read is a guess: the
    // measured one stands. Drawn with the guess, the reserved height shrank to less than half at
    // desktop width, the browser clamped the scroll, and the window stood empty in the middle.
    if (grid.firstElementChild || !last) last = g;
    else g = { ...g, rowHeight: last.rowHeight };
    rowHeight = g.rowHeight;
    const [start, end] = range(g);
    const next = new Map<number, { key: string; node: HTMLElement }>();
    const nodes: HTMLElement[] = [];
    for (let i = start; i < end; i++) {
      const item = pages.get(Math.floor(i / pageSize))?.[i % pageSize];
      // Not fetched yet (or left out by the caller): drawn once its page arrives.
      if (item === undefined) continue;
      const key = options.key(item);
      const node = byKey.get(key) ?? options.render(item);
      byKey.delete(key);
      next.set(i, { key, node });
      nodes.push(node);
    }
    rendered = next;
    // The whole list's height is reserved, so the page never jumps as pages come in.
    element.style.height = `${Math.ceil(total / g.columns) * g.rowHeight}px`;
    grid.style.transform = `translateY(${Math.floor(start / g.columns) * g.rowHeight}px)`;
    place(nodes, byKey.values());
    // Pages far from the window go: scrolling through 100,000 must not keep them all.
    for (const page of pages.keys()) {
      if (page < Math.floor(start / pageSize) - KEEP_PAGES || page > Math.floor(end / pageSize) + KEEP_PAGES) {
        pages.delete(page);
      }
    }
    options.onRender?.(total, nodes.length);
    return [start, end] as const;
  };

  /**
   * Puts `nodes` in the grid in order, touching only what changed: while scrolling most cards
   * stay, and taking every one out and back in each frame made the browser lay out them all.
   */
  const place = (nodes: HTMLElement[], gone: Iterable<HTMLElement>) => {
    // A new query's answer usually keeps no card: one replacement instead of a removal per card.
    if (!nodes.some((node) => node.parentNode === grid)) {
      grid.replaceChildren(...nodes);
      return;
    }
    for (const node of gone) node.remove();
    let cursor = grid.firstElementChild;
    for (const node of nodes) {
      if (node === cursor) cursor = cursor.nextElementSibling;
      else grid.insertBefore(node, cursor);
    }
    while (cursor) {
      const after = cursor.nextElementSibling;
      cursor.remove();
      cursor = after;
    }
  };

  /**
   * Fetches what a range needs that is not held; true when anything new came. `short`: ask only
   * up to `end`, not the whole of its last page.
   */
  const load = async (
    start: number,
    end: number,
    mine: number,
    into: Map<number, T[]>,
    short = false,
  ): Promise<boolean> => {
    let changed = false;
    const last = Math.max(start, end - 1);
    for (let page = Math.floor(start / pageSize); page <= Math.floor(last / pageSize); page++) {
      const from = page * pageSize;
      const held = into.get(page);
      const asked = held ? (partial.get(held) ?? pageSize) : 0;
      if (asked >= Math.min(pageSize, end - from)) continue;
      const limit = (short ? Math.min(pageSize, end - from) : pageSize) - asked;
      const answer = await options.fetch(from + asked, limit);
      if (mine !== generation) return false;
      const items = held ? [...held, ...answer.items] : answer.items;
      into.set(page, items);
      if (asked + limit < pageSize) partial.set(items, asked + limit);
      total = answer.total;
      changed = true;
      if (from + asked + limit >= total) break;
    }
    return changed;
  };

  const update = async (fresh: boolean) => {
    const mine = ++generation;
    const held = fresh ? new Map<number, T[]>() : pages;
    // Before anything is shown the range is unknown: the first page decides the total. A new
    // query asks for the screen the last frame had, whatever the last query's total. (Read the
    // geometry only when it is used: reading it forces a layout, once per keystroke in Search.)
    const screen = resetting && last ? range(last, Number.POSITIVE_INFINITY) : undefined;
    const [start, end] =
      screen ?? (!resetting && total && rowHeight ? range({ ...geometry(element, grid), rowHeight }) : [0, pageSize]);
    try {
      await load(start, Math.max(end, start + 1), mine, held, screen !== undefined);
    } catch (error) {
      // A failed ask must not leave the list deaf to scrolling until the next query: what is
      // held of the last query is not drawn under this one, and a scroll asks again.
      if (mine === generation && resetting) {
        resetting = false;
        reuseGeometry = false;
        pages = held;
      }
      throw error;
    }
    if (mine !== generation) return;
    pages = held;
    resetting = false;
    const [drawnStart, drawnEnd] = draw();
    // The measured rows may show more than the guess: fetch what the first draw found missing.
    if (await load(drawnStart, drawnEnd, mine, pages)) draw();
    if (mine !== generation || painted) return;
    painted = true;
    // After the frame with the screen's cards and a pause in the typing: then the overscan above
    // and below and the rest of the page. A query the next keystroke replaces within the pause
    // costs no more (no ask of the hub, no cards built off screen, no frame for them) and the
    // next one does not queue behind it; a scroll meanwhile draws what it needs at once.
    requestAnimationFrame(() =>
      setTimeout(() => {
        if (mine === generation) onScroll();
      }, settleMs),
    );
  };

  let frame = 0;
  const onScroll = () => {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      // A reset's answer draws the window itself when it comes.
      if (resetting) return;
      const [start, end] = draw();
      const mine = generation;
      void load(start, end, mine, pages).then((changed) => {
        if (changed && mine === generation) draw();
      });
    });
  };
  addEventListener("scroll", onScroll, { passive: true });
  addEventListener("resize", onScroll, { passive: true });

  const leadingItems = (): readonly T[] | undefined => {
    if (resetting) return undefined;
    const items: T[] = [];
    for (let page = 0; pages.has(page); page++) {
      const held = pages.get(page) as T[];
      items.push(...held);
      // A page short of a full one (in part, or the caller left some out): what follows is unknown.
      if (held.length < pageSize) break;
    }
    const drawnEnd = rendered.size ? Math.max(...rendered.keys()) + 1 : 0;
    return items.length && items.length < total && drawnEnd <= items.length ? items : undefined;
  };

  return {
    element,
    leadingItems,
    refresh: () => update(true),
    reset: async () => {
      resetting = true;
      painted = false;
      reuseGeometry = true;
      await update(true);
    },
    dispose() {
      generation += 1;
      cancelAnimationFrame(frame);
      removeEventListener("scroll", onScroll);
      removeEventListener("resize", onScroll);
    },
  };
}
