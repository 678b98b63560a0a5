// Line icons for the tab bar, drawn with SVG element APIs (no markup strings). Decorative: each
// sits beside its tab's visible name, so it is hidden from assistive technology.

const PATHS: Record<string, string> = {
  board: "M4 4h7v7H4zM13 4h7v7h-7zM4 13h7v7H4zM13 13h7v7h-7z",
  search: "M10.5 4a6.5 6.5 0 1 0 0 13a6.5 6.5 0 1 0 0-13zM15.5 15.5L20 20",
  post: "M12 4a8 8 0 1 0 0 16a8 8 0 1 0 0-16zM12 8v8M8 12h8",
  deals: "M3.5 12.5l8-8H20v8.5l-8 8zM16 8.5h.01",
  messages: "M4 5h16v11H10l-6 4z",
  profile: "M12 4a4 4 0 1 0 0 8a4 4 0 1 0 0-8zM4.5 20c1-3.8 3.8-5.8 7.5-5.8s6.5 2 7.5 5.8",
};

const SVG = "http://www.w3.org/2000/svg";

export function icon(name: keyof typeof PATHS): SVGSVGElement {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.classList.add("icon");
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", PATHS[name] ?? "");
  svg.append(path);
  return svg;
}
