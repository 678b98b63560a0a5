// The board passes axe-core with listings, errors and peers on screen.

import { expect, it } from "vitest";
import {
  axeViolations,
  goTo,
  listingHeading,
  newUser,
  openBoard,
  openPostForm,
  peerIdOf,
  post,
  useServerAndBrowser,
} from "./harness.ts";

const env = useServerAndBrowser();

it("the board has no axe violations, with a listing, a validation error and a connected peer", async () => {
  const alice = await openBoard(await newUser(env.browser), env.server.url);
  const bob = await openBoard(await newUser(env.browser), env.server.url);
  await post(bob, { title: "Ladder", description: "Three metres", price: "25" });
  await listingHeading(alice, "Ladder").waitFor();
  await openPostForm(alice);
  await alice.getByLabel("Price").fill("-3");
  await alice.getByLabel("Title").fill("Broken price");
  await alice.getByRole("button", { name: "Post" }).click();
  await alice.getByText("The price cannot be negative.").waitFor();
  expect(await alice.getByLabel("Price").getAttribute("aria-invalid")).toBe("true");
  expect(await axeViolations(alice)).toEqual([]);
});

it("the Network view lists the connected peer with its score and traffic, and has no axe violations", async () => {
  const alice = await openBoard(await newUser(env.browser), env.server.url);
  const bob = await openBoard(await newUser(env.browser), env.server.url);
  const bobId = await peerIdOf(bob);
  await post(bob, { title: "Spade", price: "6" });
  await listingHeading(alice, "Spade").waitFor();
  await goTo(alice, "Network");
  const table = alice.getByRole("table", { name: "Connected peers" });
  const row = table.getByRole("row").filter({ has: alice.getByRole("rowheader", { name: bobId }) });
  await row.waitFor();
  const cells = await row.getByRole("cell").allTextContents();
  expect(cells[0]).toBe("Connected");
  expect(cells[1]).toBe("0");
  expect(Number.parseFloat(cells[3] ?? "")).toBeGreaterThan(0);
  expect(await alice.getByText("Nobody is banned.").count()).toBe(1);
  expect(await axeViolations(alice)).toEqual([]);
});

it("every view in the navigation, and a listing's detail view, has no axe violations", async () => {
  const alice = await openBoard(await newUser(env.browser), env.server.url);
  const bob = await openBoard(await newUser(env.browser), env.server.url);
  await post(bob, { title: "Garden chairs, pair", price: "15" });
  await post(alice, { title: "Lawn mower", price: "60" });
  await listingHeading(alice, "Garden chairs, pair").waitFor();
  const views = await alice.getByRole("navigation", { name: "Main" }).getByRole("link").allTextContents();
  expect(views.length).toBeGreaterThanOrEqual(5);
  for (const name of views) {
    await alice.getByRole("navigation", { name: "Main" }).getByRole("link", { name, exact: true }).click();
    await alice.waitForFunction((title) => document.title.startsWith(title), name);
    expect({ view: name, violations: await axeViolations(alice) }).toEqual({ view: name, violations: [] });
  }
  await alice.getByRole("link", { name: "Board", exact: true }).click();
  await listingHeading(alice, "Garden chairs, pair").getByRole("link").click();
  await alice.getByRole("button", { name: "Block this user" }).waitFor();
  expect(await axeViolations(alice)).toEqual([]);
});
