// While the hub has not answered yet (a SharedWorker still starting), the header's link to the
// user's profile has no name to show: it must not be an empty link anyone can reach (axe
// "link-name" caught it in Chromium), and it shows the name once the hub answers.

import { beforeAll, expect, it, vi } from "vitest";
import { generateIdentity, type Identity } from "../../src/core/crypto.ts";
import { createListing } from "../../src/core/listings/draft.ts";
import type { HubStatus } from "../../src/shared/api.ts";
import { HubDouble, mountBoard, useShellHooks } from "./shell-support.ts";

useShellHooks();
let alice: Identity;
beforeAll(async () => {
  alice = await generateIdentity(Date.now());
});

class SlowHub extends HubDouble {
  answer: () => void = () => undefined;
  override async status(): Promise<HubStatus> {
    await new Promise<void>((resolve) => {
      this.answer = resolve;
    });
    return super.status();
  }
}

it("the profile link stays hidden until the hub answers, then says 'Add your name'", async () => {
  const hub = new SlowHub(alice);
  const root = document.body.appendChild(document.createElement("div"));
  const mounted = mountBoard(root, hub);
  await vi.waitFor(() => expect(root.querySelector("a.me")).not.toBeNull());
  const link = root.querySelector<HTMLAnchorElement>("a.me");
  expect(link?.textContent).toBe("");
  expect(link?.style.visibility).toBe("hidden");
  hub.answer();
  await mounted;
  await vi.waitFor(() => expect(link?.textContent).toContain("Add your name"));
  expect(link?.style.visibility).toBe("");
});

/** A hub that answers everything but the listing count, until told. */
class LateCountHub extends HubDouble {
  asked = false;
  release: () => void = () => undefined;
  override async listingCount(): Promise<number> {
    this.asked = true;
    await new Promise<void>((resolve) => {
      this.release = resolve;
    });
    return super.listingCount();
  }
}

it("a listing that arrives while the board mounts, after its first page was answered, still shows", async () => {
  const hub = new LateCountHub(alice);
  const root = document.body.appendChild(document.createElement("div"));
  const mounted = mountBoard(root, hub);
  // The board's first page (empty) was asked with its count; the board is not listening yet.
  await vi.waitFor(() => expect(hub.asked).toBe(true));
  const bob = await generateIdentity(Date.now());
  await hub.arrive(
    await createListing(bob, { title: "Arrived mid-mount", description: "", price: "5", currency: "EUR" }, Date.now()),
  );
  hub.release();
  await mounted;
  await vi.waitFor(
    () => expect([...root.querySelectorAll("article h3")].map((h) => h.textContent)).toContain("Arrived mid-mount"),
    { timeout: 2_000 },
  );
});

/** Records the order of the hub's calls; status waits until told, as a hub still starting. */
class StartingHub extends SlowHub {
  readonly asked: string[] = [];
  override async status(): Promise<HubStatus> {
    this.asked.push("status");
    return super.status();
  }
  override async profileNames() {
    this.asked.push("profileNames");
    return super.profileNames();
  }
  override async search(query: Parameters<HubDouble["search"]>[0]) {
    this.asked.push("search");
    return super.search(query);
  }
}

it("a cold start on Search asks the names and the first results before the hub has answered anything, and shows them", async () => {
  const hub = new StartingHub(alice);
  await hub.post({ title: "Bike for a child", description: "", price: "30", currency: "EUR" });
  location.hash = "#/search";
  await new Promise((resolve) => setTimeout(resolve, 0));
  const root = document.body.appendChild(document.createElement("div"));
  const mounted = mountBoard(root, hub);
  // Both wait in the hub's port beside the status: one burst of answers, not two round trips.
  await vi.waitFor(() => expect(hub.asked).toEqual(expect.arrayContaining(["status", "profileNames", "search"])));
  const searches = hub.asked.filter((name) => name === "search").length;
  hub.answer();
  await mounted;
  await vi.waitFor(() => expect(root.querySelector(".result-count")?.textContent).toBe("1 listing"));
  expect([...root.querySelectorAll("article h3")].map((h) => h.textContent)).toEqual(["Bike for a child"]);
  // The early page was the view's first page: it did not ask again for it.
  expect(hub.asked.filter((name) => name === "search").length).toBe(searches);
});
