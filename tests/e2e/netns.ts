// A small internet in Linux network namespaces, for tests of what crosses real networks: the
// community's host (server and coturn) in one namespace, and each user at home behind their own
// NAT router (iptables MASQUERADE). The host does not forward, so there is no route from one home
// to the other: users meet only through TURN, as two people on two home networks often do.
//
//   pb-ha 10.77.1.2 ── 10.77.1.1 pb-ra 198.18.1.2 ── 198.18.1.1 ┐
//                                                                 pb-srv (198.18.0.1 on lo)
//   pb-hb 10.77.2.2 ── 10.77.2.1 pb-rb 198.18.2.2 ── 198.18.2.1 ┘
//
// Needs root, iproute2, iptables and coturn's turnserver (bash .ci/run installs them). Every
// namespace made here is removed in `teardown`, and stale ones from a crashed run at `setup`.

import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CHROMIUM_PATH } from "./harness.ts";

export const SERVER_ADDRESS = "198.18.0.1";
export const HOMES = { alice: "pb-ha", bob: "pb-hb" } as const;
const NAMESPACES = ["pb-srv", "pb-ra", "pb-rb", "pb-ha", "pb-hb"];

function run(command: string, ...args: string[]): string {
  return execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}
const inNs = (ns: string, ...command: string[]) => run("ip", "netns", "exec", ns, ...command);

/** Fails with what to install when a tool the network tests need is missing. */
export function assertNetworkTools(): void {
  const missing = [
    ["ip", "/usr/sbin/ip", "iproute2"],
    ["iptables", "/usr/sbin/iptables", "iptables"],
    ["turnserver", "/usr/bin/turnserver", "coturn"],
  ].filter(([, path]) => !existsSync(path as string));
  if (missing.length)
    throw new Error(
      `The network tests need ${missing.map(([name]) => name).join(", ")}: ` +
        `apt-get install -y ${missing.map(([, , pkg]) => pkg).join(" ")} (bash .ci/run does this).`,
    );
  if (process.getuid?.() !== 0) throw new Error("The network tests make network namespaces and need root.");
}

export function teardown(): void {
  const existing = run("ip", "netns", "list");
  for (const ns of NAMESPACES) if (existing.includes(ns)) run("ip", "netns", "delete", ns);
}

function link(a: string, aAddress: string, b: string, bAddress: string, name: string): void {
  run("ip", "link", "add", `${name}-a`, "netns", a, "type", "veth", "peer", `${name}-b`, "netns", b);
  inNs(a, "ip", "addr", "add", aAddress, "dev", `${name}-a`);
  inNs(b, "ip", "addr", "add", bAddress, "dev", `${name}-b`);
  inNs(a, "ip", "link", "set", `${name}-a`, "up");
  inNs(b, "ip", "link", "set", `${name}-b`, "up");
}

export function setup(): void {
  assertNetworkTools();
  teardown();
  for (const ns of NAMESPACES) {
    run("ip", "netns", "add", ns);
    inNs(ns, "ip", "link", "set", "lo", "up");
  }
  inNs("pb-srv", "ip", "addr", "add", `${SERVER_ADDRESS}/32`, "dev", "lo");
  // The host routes nothing between the two homes' routers.
  inNs("pb-srv", "sysctl", "-qw", "net.ipv4.ip_forward=0");
  for (const [router, home, n] of [
    ["pb-ra", "pb-ha", 1],
    ["pb-rb", "pb-hb", 2],
  ] as const) {
    link("pb-srv", `198.18.${n}.1/24`, router, `198.18.${n}.2/24`, `wan${n}`);
    link(router, `10.77.${n}.1/24`, home, `10.77.${n}.2/24`, `lan${n}`);
    inNs(router, "ip", "route", "add", "default", "via", `198.18.${n}.1`);
    inNs(router, "sysctl", "-qw", "net.ipv4.ip_forward=1");
    inNs(router, "iptables", "-t", "nat", "-A", "POSTROUTING", "-o", `wan${n}-b`, "-j", "MASQUERADE");
    inNs(home, "ip", "route", "add", "default", "via", `10.77.${n}.1`);
  }
}

/** A process in a namespace; resolves once `ready` appears in its output. */
export function startIn(
  ns: string,
  command: string[],
  env: Record<string, string>,
  ready: RegExp,
): Promise<{ child: ChildProcess; stop: () => Promise<void>; output: () => string }> {
  const child = spawn("ip", ["netns", "exec", ns, ...command], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 3_000).unref();
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command[0]} did not start in ${ns}:\n${output}`)), 15_000);
    const hear = (chunk: Buffer) => {
      output += chunk.toString();
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve({ child, stop, output: () => output });
      }
    };
    child.stdout?.on("data", hear);
    child.stderr?.on("data", hear);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${command[0]} in ${ns} exited with ${code}:\n${output}`));
    });
  });
}

/** coturn on the host, with the TURN REST shared secret the server mints credentials from. */
export function startTurn(secret: string) {
  return startIn(
    "pb-srv",
    [
      "turnserver",
      "-n",
      "--log-file=stdout",
      "--verbose",
      "--no-cli",
      "--no-tls",
      "--no-dtls",
      `--listening-ip=${SERVER_ADDRESS}`,
      `--relay-ip=${SERVER_ADDRESS}`,
      "--listening-port=3478",
      "--min-port=49152",
      "--max-port=49252",
      "--use-auth-secret",
      `--static-auth-secret=${secret}`,
      "--realm=peerboard.test",
      "--fingerprint",
      "--no-multicast-peers",
    ],
    {},
    /listener opened on|Total General servers/,
  );
}

/** Chromium run inside `ns`, for Playwright's executablePath (it talks to it over pipes). */
export function chromiumIn(ns: string): string {
  const dir = mkdtempSync(join(tmpdir(), `peerboard-${ns}-`));
  const wrapper = join(dir, "chromium");
  writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${ns} ${CHROMIUM_PATH} "$@"\n`);
  chmodSync(wrapper, 0o755);
  return wrapper;
}
