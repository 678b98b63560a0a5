import { describe, expect, it } from "vitest";
import { SHOW_FROM, syncProgress, syncProgressText } from "../../src/ui/sync-progress.ts";

describe("sync progress line", () => {
  it("reads as the issue writes it, with thousands separators", () => {
    expect(syncProgressText(1240, 10_000)).toBe("Syncing 1,240 / 10,000");
  });

  it("shows during a large sync and hides when it is done", () => {
    const progress = syncProgress();
    document.body.append(progress.wrapper);
    expect(progress.wrapper.hidden).toBe(true);
    progress.update(1240, 10_000);
    expect(progress.wrapper.hidden).toBe(false);
    expect(progress.wrapper.textContent).toContain("Syncing 1,240 / 10,000");
    expect(progress.element.value).toBe(1240);
    expect(progress.element.max).toBe(10_000);
    expect(progress.element.getAttribute("aria-label")).toBe("Sync progress");
    progress.update(10_000, 10_000);
    expect(progress.wrapper.hidden).toBe(true);
    progress.update(0, 0);
    expect(progress.wrapper.hidden).toBe(true);
  });

  it(`stays hidden for a catch-up of fewer than ${SHOW_FROM} listings`, () => {
    const progress = syncProgress();
    progress.update(1, SHOW_FROM - 1);
    expect(progress.wrapper.hidden).toBe(true);
  });
});
