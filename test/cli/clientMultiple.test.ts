/**
 * `cpppo enip client -m [BYTES]` (real binary): without a number the operations go into one
 * Multiple Service Packet (up to the connection size); a bare number among the operations is the
 * packet's byte limit, so more packets carry the same reads; a limit too small for any request is
 * a usage mistake. And the routed-request timeout's ranges: `--timeout-ticks` 1..255,
 * `--priority-time-tick` 0..15.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { run, type Running, start } from "./cpppo.js"

let server: Running
let address = ""
let web = ""
beforeAll(async () => {
  server = start(["enip", "server", "--no-config", "-a", "127.0.0.1:0", "-A", "-w", "127.0.0.1:0", "X=INT[10]"])
  address = await server.line(/^127\.0\.0\.1:\d+$/)
  web = (await server.line(/^web /)).split(" ")[1]!
}, 60_000)
afterAll(async () => { await server.stop() })

/** Multiple Service Packets the server has answered, from /metrics. */
const packets = async (): Promise<number> => {
  const text = await (await fetch(`http://${web}/metrics`, { signal: AbortSignal.timeout(5000) })).text()
  return [...text.matchAll(/^cpppo_requests_total\{controller="[^"]*",service="MultipleServicePacket",status="0x[0-9a-f]+"\} (\d+)$/gm)]
    .reduce((n, m) => n + Number(m[1]), 0)
}

const READS = ["X[0]", "X[1]", "X[2]", "X[3]", "X[4]", "X[5]"]

describe("cpppo enip client -m BYTES (real binary)", () => {
  it("-m alone: six reads in one packet; -m 40: the same reads in three packets of two, every value read", async () => {
    const p0 = await packets()
    const one = await run(["enip", "client", "-a", address, "-p", "-m", ...READS])
    expect(one.status, one.stderr).toBe(0)
    const p1 = await packets()
    // A packet of n Read Tags of X[i] is 8 + 12n bytes asked (its reply 6 + 10n): two fit 40 bytes, three do not.
    const small = await run(["enip", "client", "-a", address, "-p", "-m", "40", ...READS])
    expect(small.status, small.stderr).toBe(0)
    const p2 = await packets()
    expect([p1 - p0, p2 - p1]).toEqual([1, 3])
    expect(small.stdout.trim().split("\n")).toHaveLength(6)
    expect(small.stdout).toBe(one.stdout)
  }, 60_000)

  it("-m 10 is too small for any request: one cpppo: line, exit 2", async () => {
    const r = await run(["enip", "client", "-a", address, "-m", "10", "X"])
    expect(r.status).toBe(2)
    expect(r.stderr.trimEnd().split("\n")).toEqual([expect.stringMatching(/^cpppo: .*--multiple 10.*too small/)])
  }, 60_000)

  it("--timeout-ticks takes 1..255 and --priority-time-tick 0..15: others are one cpppo: line, exit 2", async () => {
    const cases: ReadonlyArray<[string, string, RegExp]> = [
      ["--timeout-ticks", "0", /^cpppo: --timeout-ticks takes a whole number 1\.\.255, not 0$/],
      ["--timeout-ticks", "256", /^cpppo: --timeout-ticks takes a whole number 1\.\.255, not 256$/],
      ["--priority-time-tick", "16", /^cpppo: --priority-time-tick takes a whole number 0\.\.15, not 16$/]
    ]
    const results = await Promise.all(cases.map(([flag, value]) => run(["enip", "client", "-a", address, flag, value, "X"])))
    results.forEach((r, i) => {
      expect(r.status).toBe(2)
      expect(r.stderr.trimEnd()).toMatch(cases[i]![2])
    })
    const edges = await Promise.all([["--timeout-ticks", "1"], ["--timeout-ticks", "255"], ["--priority-time-tick", "0"], ["--priority-time-tick", "15"]]
      .map(([flag, value]) => run(["enip", "client", "-a", address, flag!, value!, "X"])))
    expect(edges.map((r) => r.status)).toEqual([0, 0, 0, 0])
  }, 60_000)
})
