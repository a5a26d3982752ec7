/**
 * `cpppo enip client`, `get-attribute` and `poll` flags through the real binary, each seen in what
 * reached the server: the requests it answered by service (its /metrics), or what a listener that
 * never replies received before the first timeout (how many requests were in flight).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { cpppo, run, type Running, start } from "./cpppo.js"
import { silentEnip } from "./silent.js"

let server: Running
let address = ""
let web = ""
beforeAll(async () => {
  server = start(["enip", "server", "--no-config", "-a", "127.0.0.1:0", "-A", "-w", "127.0.0.1:0", "X=INT[10]", "BIG=DINT[400]"])
  address = await server.line(/^127\.0\.0\.1:\d+$/)
  web = (await server.line(/^web /)).split(" ")[1]!
}, 60_000)
afterAll(async () => { await server.stop() })

/** The server's answered requests by service, from /metrics. */
const answered = async (): Promise<Record<string, number>> => {
  const text = await (await fetch(`http://${web}/metrics`, { signal: AbortSignal.timeout(5000) })).text()
  const out: Record<string, number> = {}
  for (const m of text.matchAll(/^cpppo_requests_total\{controller="[^"]*",service="(\w+)",status="0x00"\} (\d+)$/gm)) out[m[1]!] = (out[m[1]!] ?? 0) + Number(m[2])
  return out
}
/** Run a client command line and return what it added to the server's counts. */
const counted = async (args: ReadonlyArray<string>) => {
  const before = await answered()
  const r = await run(["enip", ...args])
  expect(r.status, r.stdout + r.stderr).toBe(0)
  const after = await answered()
  const delta = Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]).filter(([, v]) => v !== 0))
  return { r, delta }
}

const silent = silentEnip

describe("cpppo enip client flags (real binary)", () => {
  it("-m packs the reads into one Multiple Service Packet; without it, one Read Tag each", async () => {
    const packed = await counted(["client", "-a", address, "-m", "X", "X[1]", "X[2]"])
    expect(packed.delta).toEqual({ MultipleServicePacket: 1 })
    const plain = await counted(["client", "-a", address, "X", "X[1]", "X[2]"])
    expect(plain.delta).toEqual({ ReadTag: 3 })
  }, 60_000)

  it("-f reads with Read Tag Fragmented; -r 3 runs the operations three times", async () => {
    expect((await counted(["client", "-a", address, "-f", "X[0-3]"])).delta).toEqual({ ReadTagFragmented: 1 })
    const repeated = await counted(["client", "-a", address, "-p", "-r", "3", "X"])
    expect(repeated.delta).toEqual({ ReadTag: 3 })
    expect(repeated.r.stdout.trim().split("\n")).toHaveLength(3)
  }, 60_000)

  it("-c opens a class 3 connection (Forward Open), reads over it, and closes it (Forward Close)", async () => {
    expect((await counted(["client", "-a", address, "-c", "X"])).delta).toEqual({ ForwardOpen: 1, ReadTag: 1, ForwardClose: 1 })
  }, 60_000)

  it("-d 4: four requests in flight before the first reply; one by default; -t and its default 5 s name the timeout", async () => {
    const [deep, shallow] = await Promise.all([silent(), silent()])
    try {
      const pending = Promise.all([
        run(["enip", "client", "-a", `127.0.0.1:${deep.port}`, "-p", "-t", "2", "-d", "4", "X", "X", "X", "X", "X", "X"]),
        run(["enip", "client", "-a", `127.0.0.1:${shallow.port}`, "-p", "X", "X"])
      ])
      // Nothing is answered: before the first timeout (2 s, 5 s) exactly `-d` requests were sent.
      for (let i = 0; i < 200 && (deep.requests() === 0 || shallow.requests() === 0); i++) await new Promise((r) => setTimeout(r, 50))
      await new Promise((r) => setTimeout(r, 500))
      expect([deep.requests(), shallow.requests()]).toEqual([4, 1])
      const [d4, d1] = await pending
      expect(d4.status).toBe(1)
      expect(d4.stdout).toMatch(/'no reply within 2s'/)
      expect(d1.status).toBe(1)
      expect(d1.stdout).toMatch(/'no reply within 5s'/) // the default -t
    } finally {
      deep.close()
      shallow.close()
    }
  }, 60_000)

  it("-I, -s and -i ask List Interfaces, List Services and List Identity; --list-tags lists the tags; -b gathers every UDP answer from -a", async () => {
    const interfaces = await run(["enip", "client", "-a", address, "-I"])
    expect(interfaces.stdout).toMatch(/^ListInterfaces from 127\.0\.0\.1:\d+: 0 items/)
    const services = await run(["enip", "client", "-a", address, "-s"])
    expect(services.stdout).toMatch(/Service "Communications": version 1, capability 0x0020/)
    const identity = await run(["enip", "client", "-a", address, "-i"])
    expect(identity.stdout).toContain("1756-L61/B LOGIX5561")
    const tags = await run(["enip", "client", "-a", address, "--list-tags"])
    expect(tags.stdout.split("\n").filter((l) => l !== "").map((l) => l.split(/ +/).slice(0, 2))).toEqual([["X", "INT[10]"], ["BIG", "DINT[400]"]])
    // -b to a unicast address (tests send nothing off loopback): broadcast allowed on the socket,
    // every answer gathered until -t; without -a it would ask 255.255.255.255 (udpHostOf below).
    const broadcast = await run(["enip", "client", "-a", address, "-b", "-i", "-t", "1"])
    expect(broadcast.status).toBe(0)
    expect(broadcast.stdout).toMatch(/^ListIdentity from 127\.0\.0\.1:\d+: 1 item\n {2}Product Name: +"1756-L61\/B LOGIX5561"/)
  }, 60_000)

  it("-l FILE with -vv: the log lines go to FILE, not stderr; -v adds the average line", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "cpppo-client-log-")), "client.log")
    const r = await run(["enip", "client", "-vv", "-l", file, "-a", address, "X"])
    expect(r.status).toBe(0)
    expect(readFileSync(file, "utf8")).toMatch(/DEBUG +EtherNet\/IP session 0x[0-9a-f]+ registered with 127\.0\.0\.1:\d+/)
    expect(r.stderr).toBe("")
    expect(r.stdout).toMatch(/^Client Tag I\/O Average +[\d.]+ TPS/)
  }, 60_000)

  it("- reads more operations from stdin, one per line; # comment lines and blank lines skipped", () => {
    const r = cpppo(["enip", "client", "-a", address, "-p", "-"], { input: "X[5]=9\n# a comment\n\nX[5]\n" })
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout.replace(/\n$/, "").split("\n")).toEqual(["                X[5][  5-5  ]+  0 <= [9]: 'OK'", "                X[5][  5-5  ]+  0 == [9]: 'OK'"])
  })
})

describe("cpppo enip get-attribute flags (real binary)", () => {
  it("prints by default, --no-print prints nothing; -m packs the requests into one Multiple Service Packet", async () => {
    const quiet = await counted(["get-attribute", "-a", address, "--no-print", "@1/1"])
    expect(quiet.r.stdout).toBe("")
    expect(quiet.delta).toEqual({ GetAttributesAll: 1 })
    const packed = await counted(["get-attribute", "-a", address, "-m", "@1/1", "@1/1/7"])
    expect(packed.delta).toEqual({ MultipleServicePacket: 1 })
    expect(packed.r.stdout).toMatch(/Product Name +1756-L61\/B LOGIX5561/)
  }, 60_000)
})

describe("cpppo enip poll flags (real binary)", () => {
  it("-m packs each poll into a Multiple Service Packet; -c polls over a connection; -q prints only the summary", async () => {
    const packed = await counted(["poll", "-a", address, "-m", "-q", "--duration", "2", "X[0]", "X[1]"])
    expect(Object.keys(packed.delta)).toEqual(["MultipleServicePacket"])
    expect(packed.r.stdout.trim().split("\n")).toHaveLength(1)
    expect(packed.r.stdout).toMatch(/^Poll summary: \d+ polls/)
    const connected = await counted(["poll", "-a", address, "-c", "--duration", "2", "X[0]"])
    expect(connected.delta.ForwardOpen).toBe(1)
    expect(connected.r.stdout).toMatch(/^ +X(\[0\])? == \[\d+\]: 'OK'$/m)
  }, 60_000)

  it("-R 0.1 for 3 s polls about thirty times; the default -R is 1 s", async () => {
    const [fast, slow] = await Promise.all([
      run(["enip", "poll", "-a", address, "-q", "-R", "0.1", "--duration", "3", "X"]), run(["enip", "poll", "-a", address, "-q", "--duration", "3", "X"])
    ])
    const polls = (s: string) => Number(/Poll summary: (\d+) polls/.exec(s)![1])
    expect(polls(fast.stdout)).toBeGreaterThanOrEqual(10)
    expect(polls(slow.stdout)).toBeLessThanOrEqual(4)
  }, 60_000)

  it("--route-path and -S: a route the controller does not take fails each poll with its status", async () => {
    const routed = await run(["enip", "poll", "-a", address, "--route-path", "1/3", "--duration", "2", "X"])
    expect(routed.stdout).toMatch(/X == None: 'Status/)
    // A simple (non-routing) controller refuses the routed request; -S polls it unrouted.
    const plc5 = start(["enip", "server", "--no-config", "-S", "-a", "127.0.0.1:0", "-A", "X"])
    try {
      const at = await plc5.line(/^127\.0\.0\.1:\d+$/)
      const [unrouted, routedToSimple] = await Promise.all([
        run(["enip", "poll", "-a", at, "-S", "--duration", "2", "X"]), run(["enip", "poll", "-a", at, "--duration", "2", "X"])
      ])
      expect(unrouted.stdout).toMatch(/X == \[\d+\]: 'OK'/)
      expect(routedToSimple.stdout).toMatch(/X == None: 'Status/)
    } finally {
      await plc5.stop()
    }
  }, 60_000)

  it("-t 1 against a controller that never answers: the timeout names 1s; -l FILE with -vv logs there", async () => {
    const probe = await silent()
    const file = join(mkdtempSync(join(tmpdir(), "cpppo-poll-log-")), "poll.log")
    try {
      const r = await run(["enip", "poll", "-a", `127.0.0.1:${probe.port}`, "-vv", "-l", file, "-t", "1", "--duration", "2", "X"])
      expect(r.stdout).toMatch(/no reply within 1s/)
      expect(readFileSync(file, "utf8")).toMatch(/DEBUG +EtherNet\/IP session 0x[0-9a-f]+ registered/)
    } finally {
      probe.close()
    }
  }, 60_000)
})
