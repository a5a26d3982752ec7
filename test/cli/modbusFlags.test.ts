/**
 * `cpppo modbus server` and `cpppo modbus poll` flags through the real binary, and the defaults
 * the README gives (every unit id, 120 s idle, 256 sessions; unit 1, reach 1, depth 1, 1 s
 * timeout), each seen in behaviour: what the server printed it read (`-p`), what the poller
 * reported, what a listener that never answers received.
 */
import { afterEach, describe, expect, it } from "vitest"
import { mkdtempSync, readFileSync } from "node:fs"
import * as net from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { run, type Running, start } from "./cpppo.js"
import { silentModbus } from "./silent.js"

let running: Array<Running> = []
afterEach(async () => {
  await Promise.all(running.map((s) => s.stop()))
  running = []
})

const modbusServer = async (args: ReadonlyArray<string>, web = false) => {
  const s = start(["modbus", "server", "-a", "127.0.0.1:0", "-A", ...(web ? ["-w", "127.0.0.1:0"] : []), ...args])
  running.push(s)
  const address = await s.line(/^127\.0\.0\.1:\d+$/)
  const webAt = web ? (await s.line(/^web /)).split(" ")[1]! : ""
  return { s, address, web: webAt }
}
const poll = (address: string, args: ReadonlyArray<string>) => run(["modbus", "poll", "-a", address, ...args], { timeout: 30_000 })

const json = async (web: string, path: string, headers: Record<string, string> = {}) => {
  const r = await fetch(`http://${web}${path}`, { headers: { accept: "application/json", ...headers }, signal: AbortSignal.timeout(5000) })
  return { status: r.status, body: await r.json() as { command: { value?: unknown } | null; data: Record<string, Record<string, Record<string, unknown>>> } }
}

/**
 * Open `n` TCP connections (from `peers` source addresses in turn); how many stay open: waits
 * until `expected` are left (or 5 s, a hang guard), then a little longer, so more closes show.
 */
const connections = async (address: string, n: number, expected: number, peers = 1) => {
  const [host, port] = [address.split(":")[0]!, Number(address.split(":")[1])]
  const sockets = await Promise.all(Array.from({ length: n }, (_, i) => new Promise<net.Socket>((resolve, reject) => {
    const s = net.connect({ host, port, localAddress: `127.0.4.${1 + (i % peers)}` }, () => resolve(s))
    s.once("error", reject)
  })))
  const closed = new Set<net.Socket>()
  for (const s of sockets) { s.on("close", () => closed.add(s)); s.on("error", () => {}); s.resume() }
  for (let i = 0; i < 100 && n - closed.size > expected; i++) await new Promise((r) => setTimeout(r, 50))
  await new Promise((r) => setTimeout(r, 300))
  const open = n - closed.size
  for (const s of sockets) s.destroy()
  return open
}

const silent = silentModbus

describe("cpppo modbus server flags (real binary)", () => {
  it("-u 1,2 answers units 1 and 2, others get exception 0x0B; without -u every unit id is answered", async () => {
    const [some, every] = await Promise.all([modbusServer(["-u", "1,2", "40001=7"]), modbusServer(["40001=7"])])
    const [two, three, anyUnit] = await Promise.all([
      poll(some.address, ["-u", "2", "--duration", "3", "40001"]),
      poll(some.address, ["-u", "3", "--duration", "3", "40001"]),
      poll(every.address, ["-u", "3", "--duration", "3", "40001"])
    ])
    expect(two.stdout).toMatch(/40001 == \[7\]: 'OK'/)
    expect(three.stdout).toMatch(/exception 0b \(gateway target device failed to respond\)/)
    expect(three.stdout).not.toMatch(/'OK'/)
    expect(anyUnit.stdout).toMatch(/40001 == \[7\]: 'OK'/)
  }, 60_000)

  it("-d 0.3 is the delay option of the web API (0 without -d); --web-token guards commands", async () => {
    const [delayed, plain] = await Promise.all([modbusServer(["-d", "0.3", "--web-token", "t0k", "40001=7"], true), modbusServer(["40001=7"], true)])
    expect((await json(delayed.web, "/api")).body.data.options!.delay).toMatchObject({ value: 0.3 })
    expect((await json(plain.web, "/api")).body.data.options!.delay).toMatchObject({ value: 0 })
    expect((await json(delayed.web, "/api/tags/40001/attribute[0]=9")).status).toBe(401)
    expect((await json(plain.web, "/api/tags/40001/attribute[0]=9")).status).toBe(200)
    expect((await json(delayed.web, "/api/tags/40001/attribute[0]=9", { authorization: "Bearer t0k" })).status).toBe(200)
    const r = await poll(delayed.address, ["--duration", "2", "40001"])
    expect(r.stdout).toMatch(/40001 == \[9\]: 'OK'/)
    const min = Number(/latency ms min\/mean\/p50\/p99\/max ([\d.]+)\//.exec(r.stdout)![1])
    expect(min).toBeGreaterThanOrEqual(300) // every reply waited for the delay
  }, 60_000)

  it("--idle-timeout: 120 s by default (control state); 0.5 closes an idle connection", async () => {
    const [quick, plain] = await Promise.all([modbusServer(["--idle-timeout", "0.5", "40001=7"], true), modbusServer(["40001=7"], true)])
    expect((await json(quick.web, "/api/server/control/timeout")).body.command!.value).toEqual({ control: 0.5 })
    expect((await json(plain.web, "/api/server/control/timeout")).body.command!.value).toEqual({ control: 120 })
    expect(await connections(quick.address, 1, 0)).toBe(0) // closed after 0.5 s idle (within the 5 s guard)
  }, 60_000)

  it("--max-sessions 2 keeps two connections and closes a third at once; by default 256 are kept (the 257th closed), at most 64 from one address", async () => {
    const [two, dflt] = await Promise.all([modbusServer(["--max-sessions", "2", "40001=7"]), modbusServer(["40001=7"])])
    expect(await connections(two.address, 3, 2, 3)).toBe(2)
    expect(await connections(dflt.address, 257, 256, 5)).toBe(256)
    expect(await connections(dflt.address, 65, 64)).toBe(64)
  }, 60_000)

  it("-l FILE with -v: the log lines go to FILE, not stderr", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "cpppo-modbus-log-")), "modbus.log")
    const { s } = await modbusServer(["-v", "-l", file, "40001=7"])
    await s.stop()
    expect(readFileSync(file, "utf8")).toMatch(/INFO +Modbus\/TCP server 127\.0\.0\.1:\d+ listening on 127\.0\.0\.1:\d+, 1 register range/)
    expect(s.stderr()).toBe("")
  }, 60_000)
})

describe("cpppo modbus poll flags (real binary)", () => {
  it("-r 3 merges 40001 and 40003 into one read; the default reach 1 reads them apart", async () => {
    const [a, b] = await Promise.all([modbusServer(["-p", "40001-40010=7"]), modbusServer(["-p", "40001-40010=7"])])
    const [merged, apart] = await Promise.all([
      poll(a.address, ["-r", "3", "--duration", "3", "40001", "40003"]), poll(b.address, ["--duration", "3", "40001", "40003"])
    ])
    expect(merged.stdout).toMatch(/40001-40003 == \[7, 7, 7\]: 'OK'/)
    expect(apart.stdout).toMatch(/40003 == \[7\]: 'OK'/)
    const reads = (s: Running) => [...new Set(s.stdout.filter((l) => / == /.test(l)).map((l) => l.trim()))].sort()
    expect(reads(a.s)).toEqual(["40001-40003 == [7, 7, 7]"])
    expect(reads(b.s)).toEqual(["40001 == [7]", "40003 == [7]"])
  }, 60_000)

  it("the default unit is 1: a server answering only unit 2 refuses it; -u 2 is answered", async () => {
    const { address } = await modbusServer(["-u", "2", "40001=7"])
    const [dflt, two] = await Promise.all([poll(address, ["--duration", "3", "40001"]), poll(address, ["-u", "2", "--duration", "3", "40001"])])
    expect(dflt.stdout).toMatch(/exception 0b/)
    expect(two.stdout).toMatch(/40001 == \[7\]: 'OK'/)
  }, 60_000)

  it("-R 0.1 polls about ten times a second; the default -R is 1 s", async () => {
    const { address } = await modbusServer(["40001=7"])
    const [fast, slow] = await Promise.all([poll(address, ["-R", "0.1", "--duration", "3", "40001"]), poll(address, ["--duration", "3", "40001"])])
    const requests = (s: string) => Number(/Poll summary: (\d+) requests/.exec(s)![1])
    expect(requests(fast.stdout)).toBeGreaterThanOrEqual(8)
    expect(requests(slow.stdout)).toBeLessThanOrEqual(4)
  }, 60_000)

  it("-d 3: three requests in flight to a device that never answers; one by default; the 1 s default timeout re-sends, -t 10 does not", async () => {
    const [deep, shallow, patient] = await Promise.all([silent(), silent(), silent()])
    try {
      await Promise.all([
        poll(deep.address, ["-d", "3", "-t", "2", "--duration", "5", "40001", "40011", "40021", "40031"]),
        poll(shallow.address, ["--duration", "5", "40001", "40011", "40021", "40031"]),
        poll(patient.address, ["-t", "10", "--duration", "5", "40001", "40011", "40021", "40031"])
      ])
      // (The poller's first cycle may start before every range is added: then its first connection
      // sees one request, times out, and the next connection sees the three.)
      expect(deep.mostOnOneConnection()).toBe(3)
      expect(patient.requests()).toBe(1)
      expect(shallow.requests()).toBeGreaterThanOrEqual(2) // timed out after 1 s, reconnected, asked again
    } finally {
      for (const x of [deep, shallow, patient]) x.close()
    }
  }, 60_000)

  it("-l FILE with -vv: the log lines go to FILE, not stderr", async () => {
    const { address } = await modbusServer(["40001=7"])
    const file = join(mkdtempSync(join(tmpdir(), "cpppo-mpoll-log-")), "poll.log")
    const r = await poll(address, ["-vv", "-l", file, "--duration", "1", "40001"])
    expect(r.stderr).toBe("")
    expect(readFileSync(file, "utf8").length).toBeGreaterThan(0)
  }, 60_000)
})
