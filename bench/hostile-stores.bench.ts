// What one free identity inside the rate limits can make a hub store that is not bounded per
// author: the profiles of made-up people, and the ids of mail the inbox remembers. Written against
// APIs every version has (the caps it sets are ignored by a version without them), so the same
// file measures before and after.
// Run: npx vitest run --config bench/vitest.config.ts bench/hostile-stores.bench.ts

import { expect, it, vi } from "vitest";
import { generateIdentity } from "../src/core/crypto.ts";
import { type Profile, signProfile } from "../src/core/profiles/profile.ts";
import { frame, frameSize } from "../src/core/wire.ts";
import { MemoryNetwork } from "../tests/support/memory-link.ts";
import { closePeers, kb, node, ready, traffic } from "./memory-peers.ts";

const rows: string[] = [];

it("hostile peers within the rate limits: stores bounded in total", async () => {
  vi.spyOn(console, "warn").mockImplementation(() => undefined);

  // Profiles of 3,000 made-up people, 50 a frame, at the default caps.
  {
    const network = new MemoryNetwork();
    const hub = await node(network);
    const mallory = await node(network);
    await ready(network, mallory, hub, 200);
    const made: Profile[] = [];
    for (let i = 0; i < 3_000; i++)
      made.push(
        await signProfile(
          await generateIdentity(Date.now()),
          { name: `Sybil ${i}`, about: "x".repeat(200) },
          Date.now(),
        ),
      );
    const since = network.sent.length;
    for (let i = 0; i < made.length; i += 50) {
      mallory.session.send(hub.id, frame({ type: "PROFILE_BROADCAST", profiles: made.slice(i, i + 50) }));
      // Inside the rate limits: a frame every 50 ms.
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await vi.waitFor(async () => expect(await hub.store.getProfile(made.at(-1)?.peerId as string)).toBeDefined(), {
      timeout: 60_000,
    });
    await hub.session.whenIdle(mallory.id);
    const held = (await hub.store.listProfiles()).filter((p) => p.peerId !== hub.id);
    const bytes = held.reduce((n, p) => n + frameSize(p), 0);
    rows.push(
      `| 9 profiles of 3,000 made-up people, 60 frames | ${kb(traffic(network, mallory.id, hub.id, since))} | ${kb(traffic(network, hub.id, mallory.id, since))} | ${held.length.toLocaleString("en")} profiles held, ${kb(bytes)} |`,
    );
  }

  // Chat messages of one peer: every one handled leaves its id remembered. Cap set to 1,000 here
  // (the default is 50,000) so the bench stays short; most of the flood is refused (100 a person).
  {
    const network = new MemoryNetwork();
    const hub = await node(network, { seenMax: 1_000, perPerson: { messages: 100 } } as Parameters<typeof node>[1]);
    const mallory = await node(network);
    await ready(network, mallory, hub, 200);
    const since = network.sent.length;
    const ids: string[] = [];
    // Inside the rate limits (100 frames a second): 90 a second.
    const start = Date.now();
    for (let i = 0; i < 2_000; i++) {
      ids.push((await mallory.chat.send(hub.id, "listing-topic-1", `Flood ${i}`)).id);
      const ahead = start + ((i + 1) * 1000) / 90 - Date.now();
      if (ahead > 0) await new Promise((resolve) => setTimeout(resolve, ahead));
    }
    await vi.waitFor(async () => expect(await mallory.store.listOutbox()).toEqual([]), { timeout: 120_000 });
    let seen = 0;
    for (const id of ids) if (await hub.store.wasSeen(mallory.id, id)) seen++;
    const stored = (await hub.store.listMessages()).filter((m) => m.author === mallory.id).length;
    rows.push(
      `| seen ids: 2,000 chat messages of one peer, 90 a second (cap 1,000 in this run) | ${kb(traffic(network, mallory.id, hub.id, since))} | ${kb(traffic(network, hub.id, mallory.id, since))} | ${seen.toLocaleString("en")} ids remembered, ${stored} messages stored |`,
    );
  }

  await closePeers();
  console.log(`\n| attack | bytes in | bytes out | held |\n| --- | --- | --- | --- |\n${rows.join("\n")}`);
});
