// Light or dark: the system's choice (prefers-color-scheme, in theme.css) unless the user picked
// one in Profile. A display preference of this browser, not of the identity, so it stays in
// localStorage and applies before the hub has even answered.

export type ThemeChoice = "system" | "light" | "dark";

const KEY = "peerboard-theme";
export const THEME_LABELS: Record<ThemeChoice, string> = {
  system: "Same as the system",
  light: "Light",
  dark: "Dark",
};

export function themeChoice(): ThemeChoice {
  const saved = localStorage.getItem(KEY);
  return saved === "light" || saved === "dark" ? saved : "system";
}

export function applyTheme(choice: ThemeChoice = themeChoice()): void {
  if (choice === "system") delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = choice;
}

export function chooseTheme(choice: ThemeChoice): void {
  if (choice === "system") localStorage.removeItem(KEY);
  else localStorage.setItem(KEY, choice);
  applyTheme(choice);
}
