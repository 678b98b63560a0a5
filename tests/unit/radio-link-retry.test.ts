// RadioLink's backoff and the "back online" shortcut, with a plain MessageChannel as the radio.

import { afterEach, describe, expect, it } from "vitest";
import type { PeerId } from "../../src/core/crypto.ts";
import { RadioLink } from "../../src/shared/radio-link.ts";
import type { HubToRadio, RadioToHub } from "../../src/shared/radio-messages.ts";

const opened: MessagePort[] = [];
afterEach(() => {
  for (const port of opened.splice(0)) port.close();
});

function radio() {
  const channel = new MessageChannel();
  opened.push(channel.port1, channel.port2);
  const starts: number[] = [];
  channel.port2.onmessage = (event: MessageEvent<HubToRadio>) => {
    if (event.data.t === "start") starts.push(Date.now());
  };
  const link = new RadioLink(() => ({
    t: "start",
    peerId: "pb-aaaaaaaaaaaaaaaaaaaaaaaaaa" as PeerId,
    token: "token",
    signaling: {
      host: "127.0.0.1",
      port: 1,
      path: "/peerjs",
      secure: false,
      iceServers: [],
      iceTransportPolicy: "all" as const,
    },
  }));
  link.attach(channel.port1);
  const say = (message: RadioToHub) => channel.port2.postMessage(message);
  return { link, starts, say };
}

const tick = (ms = 20) => new Promise((resolve) => setTimeout(resolve, ms));

describe("RadioLink reconnection", () => {
  it("after losing the server it waits out the backoff, but retries at once when told the device is online", async () => {
    const { link, starts, say } = radio();
    await tick();
    expect(starts).toHaveLength(1);
    say({ t: "offline", reason: "Lost connection to server." });
    await tick();
    expect(link.state).toBe("offline");
    expect(starts).toHaveLength(1); // the first retry is a second away

    link.retryNow();
    await tick();
    expect(starts).toHaveLength(2);
    expect(link.state).toBe("connecting");
  });

  it("does nothing when the radio is online or still connecting", async () => {
    const { link, starts, say } = radio();
    await tick();
    link.retryNow();
    say({ t: "registered" });
    await tick();
    link.retryNow();
    await tick();
    expect(link.state).toBe("online");
    expect(starts).toHaveLength(1);
  });
});
