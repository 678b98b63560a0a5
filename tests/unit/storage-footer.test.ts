import { describe, expect, it } from "vitest";
import { formatBytes, storageText } from "../../src/ui/storage-footer.ts";

describe("storage line", () => {
  it("shows sizes in the unit a person reads", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(1023)).toBe("1023 B");
    expect(formatBytes(1536)).toBe("1.5 KB");
    expect(formatBytes(25 * 1024 * 1024)).toBe("25 MB");
    expect(formatBytes(3.2 * 1024 ** 3)).toBe("3.2 GB");
  });

  it("says whether the browser promised to keep the data", () => {
    expect(storageText(2048, 1024 ** 3, true)).toBe("Storage used: 2.0 KB of 1.0 GB · kept until you clear it");
    expect(storageText(2048, 1024 ** 3, false)).toContain("the browser may clear it when space runs low");
  });
});
