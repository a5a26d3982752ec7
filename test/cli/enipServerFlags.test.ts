/**
 * The options `cpppo enip server` and `cpppo enip fleet` share, through the real binary (node
 * dist/cli/bin.js), each seen in what the running controller does: Identity (given and default),
 * the route path and -S, -s, -d, -U, -p, --max-sessions-per-peer, --max-sessions and
 * --idle-timeout, the web options, -l with -v, --signal-rate; and the fleet's --name. The fleet
 * maps its options separately (cli/enipFleet.ts), so each test runs against both commands.
 */
import { afterEach, describe, expect, it } from "vitest"
import * as http from "node:http"
import * as net from "node:net"
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { rawConnect, rawSession } from "../web/simulator.js"
import { run, type Running, start } from "./cpppo.js"

let running: Array<Running> = []
afterEach(async () => {
  await Promise.all(running.map((s) => s.stop()))
  running = []
})

type Kind = "server" | "fleet"

/** Start `cpppo enip server|fleet` on 127.0.0.1:0 (the fleet with one controller); its addresses. */
const launch = async (kind: Kind, args: ReadonlyArray<string>, web = false) => {
  const head = kind === "server" ? ["enip", "server", "--no-config"] : ["enip", "fleet", "-n", "1"]
  const s = start([...head, "-a", "127.0.0.1:0", "-A", ...(web ? ["-w", "127.0.0.1:0"] : []), ...args])
  running.push(s)
  const address = (await s.line(/127\.0\.0\.1:\d+$/)).split(" ").pop()!
  const webAt = web ? (await s.line(/^web /)).split(" ")[1]! : ""
  return { s, address, web: webAt }
}

/** `get-attribute @1/1`'s named Identity fields. */
const identity = async (address: string) => {
  const r = await run(["enip", "get-attribute", "-a", address, "@1/1"])
  expect(r.status, r.stderr).toBe(0)
  const field = (name: string) => r.stdout.split("\n").find((l) => l.startsWith(`    ${name} `))?.slice(4 + 27)
  return Object.fromEntries(["Vendor ID", "Device Type", "Product Code", "Revision", "Serial Number", "Product Name"].map((n) => [n, field(n)]))
}

/** A GET with any Host and Origin headers (fetch may not set Host). */
const get = (web: string, path: string, headers: Record<string, string>) =>
  new Promise<{ status: number; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
    const [host, port] = web.split(":")
    const req = http.get({ host, port: Number(port), path, headers: { accept: "application/json", ...headers }, timeout: 5000 }, (res) => {
      res.resume()
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers }))
    })
    req.on("error", reject)
  })

const closedSoon = (socket: net.Socket, ms: number) =>
  new Promise<boolean>((resolve) => {
    const t = setTimeout(() => resolve(false), ms)
    socket.once("close", () => { clearTimeout(t); resolve(true) })
    socket.resume()
  })

describe.each<Kind>(["server", "fleet"])("cpppo enip %s flags (real binary)", (kind) => {
  // The fleet numbers its controllers' serials from the one given: controller 1 has serial + 1.
  const nth = kind === "server" ? 0 : 1

  it("Identity defaults: vendor 1, device type 14, product code 54, 1756-L61/B LOGIX5561, serial 0x006c061a, revision 20.11", async () => {
    const { address } = await launch(kind, ["X"])
    expect(await identity(address)).toEqual({
      "Vendor ID": "1", "Device Type": "14", "Product Code": "54", "Revision": "20.11",
      "Serial Number": `0x${(0x006c061a + nth).toString(16).padStart(8, "0")}`, "Product Name": "1756-L61/B LOGIX5561"
    })
  }, 60_000)

  it("--vendor --device-type --product-code --product-name --serial --revision set the Identity object", async () => {
    const { address } = await launch(kind, ["--vendor", "7", "--device-type", "12", "--product-code", "99", "--product-name", "Line 3 PLC",
      "--serial", "0x10", "--revision", "3.4", "X"])
    expect(await identity(address)).toEqual({
      "Vendor ID": "7", "Device Type": "12", "Product Code": "99", "Revision": "3.4",
      "Serial Number": `0x${(0x10 + nth).toString(16).padStart(8, "0")}`, "Product Name": "Line 3 PLC"
    })
  }, 60_000)

  it("--route-path 1/3: a request routed 1/0 fails, one routed 1/3 succeeds; -S refuses a routed request, takes an unrouted one", async () => {
    const routed = await launch(kind, ["--route-path", "1/3", "X"])
    const simple = await launch(kind, ["-S", "X"])
    const [wrong, right, simpleRouted, simpleUnrouted] = await Promise.all([
      run(["enip", "client", "-a", routed.address, "-p", "X"]),
      run(["enip", "client", "-a", routed.address, "-p", "--route-path", "1/3", "X"]),
      run(["enip", "client", "-a", simple.address, "-p", "X"]),
      run(["enip", "client", "-a", simple.address, "-p", "-S", "X"])
    ])
    expect(wrong.status).toBe(1)
    expect(right.status, right.stdout + right.stderr).toBe(0)
    expect(right.stdout).toMatch(/X\s+== \[0\]: 'OK'/)
    expect(simpleRouted.status).toBe(1)
    expect(simpleUnrouted.status, simpleUnrouted.stdout + simpleUnrouted.stderr).toBe(0)
  }, 60_000)

  it("-s 100: a write that fits is served; a longer request frame fails the client (status 0x65, closed); the default takes a 65559-byte frame", async () => {
    const [{ address }, plain] = await Promise.all([launch(kind, ["-s", "100", "BIG=INT[100]"]), launch(kind, ["BIG=INT[100]"])])
    const small = await run(["enip", "client", "-a", address, "BIG[0]=1"])
    expect(small.status, small.stdout + small.stderr).toBe(0)
    const write = `BIG[0-49]=${Array.from({ length: 50 }, () => "2").join(",")}`
    const big = await run(["enip", "client", "-a", address, "-p", "-t", "3", write])
    expect(big.status).toBe(1)
    expect(big.stdout + big.stderr).not.toMatch(/'OK'/)
    const fits = await run(["enip", "client", "-a", plain.address, "-p", write])
    expect(fits.status, fits.stdout + fits.stderr).toBe(0)
    // The default, 65559 (24 + 0xffff): the longest frame there is, a NOP with a 65535-byte body,
    // is taken (no 0x65, no close) and the ListServices after it is answered.
    const [host, port] = [plain.address.split(":")[0]!, Number(plain.address.split(":")[1])]
    const socket = await rawConnect(host, port)
    try {
      const nop = Buffer.alloc(24 + 0xffff)
      nop.writeUInt16LE(0xffff, 2)
      const listServices = Buffer.alloc(24)
      listServices.writeUInt16LE(0x0004, 0)
      const reply = new Promise<Buffer>((resolve, reject) => {
        let got = Buffer.alloc(0)
        const t = setTimeout(() => reject(new Error("no reply")), 10_000)
        socket.on("data", (d: Buffer) => { got = Buffer.concat([got, d]); if (got.length >= 24) { clearTimeout(t); resolve(got) } })
      })
      socket.write(Buffer.concat([nop, listServices]))
      const r = await reply
      expect([r.readUInt16LE(0), r.readUInt32LE(8)]).toEqual([0x0004, 0]) // ListServices, status 0
    } finally {
      socket.destroy()
    }
  }, 60_000)

  it("-d 0.3: every reply is delayed, shown as the delay option (0 without -d)", async () => {
    const delayed = await launch(kind, ["-d", "0.3", "X"], true)
    const plain = await launch(kind, ["X"], true)
    const delayOf = async (web: string) => {
      const body = await (await fetch(`http://${web}/api`, { headers: { accept: "application/json" }, signal: AbortSignal.timeout(5000) })).json() as { data: { options: { delay: { value: number } } } }
      return body.data.options.delay.value
    }
    expect(await delayOf(delayed.web)).toBe(0.3)
    expect(await delayOf(plain.web)).toBe(0)
    const t0 = performance.now()
    const r = await run(["enip", "client", "-a", delayed.address, "X"])
    expect(r.status).toBe(0)
    expect(performance.now() - t0).toBeGreaterThanOrEqual(300) // at least the delay (a lower bound, not a speed bound)
  }, 60_000)

  it("-U: no answer on UDP; without it ListIdentity is answered on UDP; -T: UDP only, TCP refused", async () => {
    const [noUdp, udp, noTcp] = await Promise.all([launch(kind, ["-U", "X"]), launch(kind, ["X"]), launch(kind, ["-T", "X"])])
    const [udpOnly, tcpRefused] = await Promise.all([
      run(["enip", "client", "-a", noTcp.address, "-u", "-i", "-t", "5"]), run(["enip", "client", "-a", noTcp.address, "-t", "2", "X"])
    ])
    expect(udpOnly.stdout).toContain("1756-L61/B LOGIX5561")
    expect(tcpRefused.status).toBe(1)
    expect(tcpRefused.stdout).toMatch(/ECONNREFUSED/)
    const [none, some] = await Promise.all([
      run(["enip", "client", "-a", noUdp.address, "-u", "-i", "-t", "1"]),
      run(["enip", "client", "-a", udp.address, "-u", "-i", "-t", "5"])
    ])
    expect(some.status, some.stderr).toBe(0)
    expect(some.stdout).toContain("1756-L61/B LOGIX5561")
    expect(none.stdout).not.toContain("1756-L61/B LOGIX5561")
  }, 60_000)

  it("-p prints a line per tag read and write; without -p nothing is printed after the address", async () => {
    const printing = await launch(kind, ["-p", "X"])
    const quiet = await launch(kind, ["X"])
    for (const a of [printing.address, quiet.address]) expect((await run(["enip", "client", "-a", a, "X=3", "X"])).status).toBe(0)
    await printing.s.line(/X\[\s+0-0\s+\] == \[3\]/)
    expect(printing.s.stdout.filter((l) => /X\[\s+0-0\s+\]/.test(l))).toHaveLength(2)
    expect(quiet.s.stdout.filter((l) => l !== "")).toHaveLength(1)
  }, 60_000)

  it("--max-sessions-per-peer 1: a second connection from the same address is closed at once, the first kept", async () => {
    const { address } = await launch(kind, ["--max-sessions-per-peer", "1", "X"])
    const [host, port] = [address.split(":")[0]!, Number(address.split(":")[1])]
    const first = await rawSession(host, port)
    try {
      const second = await rawConnect(host, port)
      expect(await closedSoon(second, 3000)).toBe(true)
      second.destroy()
      expect(await first.closed(300)).toBe(false)
    } finally {
      first.socket.destroy()
    }
  }, 60_000)

  it("--max-sessions 1 and --idle-timeout 0.5: a second session is closed at once; an idle one after the timeout", async () => {
    const { address, web } = await launch(kind, ["--max-sessions", "1", "--idle-timeout", "0.5", "X"], true)
    const control = await (await fetch(`http://${web}/api/server/control/timeout`, { headers: { accept: "application/json" }, signal: AbortSignal.timeout(5000) })).json() as { command: { value: unknown } }
    expect(control.command.value).toEqual({ control: 0.5 })
    const [host, port] = [address.split(":")[0]!, Number(address.split(":")[1])]
    // Different source addresses, so the per-peer limit is not what closes the second.
    const first = await rawSession(host, port)
    try {
      const second = await new Promise<net.Socket>((resolve, reject) => {
        const s = net.connect({ host, port, localAddress: "127.0.0.9" }, () => resolve(s))
        s.once("error", reject)
      })
      expect(await closedSoon(second, 3000)).toBe(true)
      second.destroy()
      expect(await first.closed(10_000)).toBe(true) // idle: closed after 0.5 s (120 s by default)
    } finally {
      first.socket.destroy()
    }
  }, 60_000)

  it("--web-token, --web-cors, --web-host: commands need the token; listed origins get CORS; listed host names are served, others 403", async () => {
    const { web } = await launch(kind, ["--web-token", "s3cret", "--web-cors", "https://hmi.example", "--web-host", "scada.example", "X"], true)
    const port = web.split(":")[1]
    expect((await get(web, "/api/tags/X/attribute=5", {})).status).toBe(401)
    expect((await get(web, "/api/tags/X/attribute=5", { authorization: "Bearer s3cret" })).status).toBe(200)
    const cors = await get(web, "/api", { origin: "https://hmi.example" })
    expect(cors.headers["access-control-allow-origin"]).toBe("https://hmi.example")
    expect((await get(web, "/api", { origin: "https://evil.example" })).headers["access-control-allow-origin"]).toBeUndefined()
    expect((await get(web, "/api", { host: `scada.example:${port}` })).status).toBe(200)
    expect((await get(web, "/api", { host: `evil.example:${port}` })).status).toBe(403)
  }, 60_000)

  it("-l FILE with -v: log lines go to FILE, not stderr", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "cpppo-log-")), "server.log")
    const { s } = await launch(kind, ["-v", "-l", file, "X"])
    await s.stop()
    expect(readFileSync(file, "utf8")).toMatch(/INFO +EtherNet\/IP server listening on 127\.0\.0\.1:\d+/)
    expect(s.stderr()).not.toMatch(/listening/)
  }, 60_000)

  it("--signal, --signal-rate, --paused: a counter moves between two reads at rate 0.05 s; not at 3600 s; not at all when paused", async () => {
    const signal = ["--signal", "Count=counter(every=0.05s)"]
    const [fast, slow, paused] = await Promise.all([
      launch(kind, ["--signal-rate", "0.05", ...signal, "Count=DINT"]), launch(kind, ["--signal-rate", "3600", ...signal, "Count=DINT"]), launch(kind, ["--paused", ...signal, "Count=DINT"])
    ])
    const read = async (address: string) => {
      const r = await run(["enip", "client", "-a", address, "-p", "Count"])
      expect(r.status, r.stderr).toBe(0)
      return Number(/== \[(-?\d+)\]/.exec(r.stdout)![1])
    }
    const before = await Promise.all([fast, slow, paused].map((x) => read(x.address)))
    await new Promise((r) => setTimeout(r, 500))
    const after = await Promise.all([fast, slow, paused].map((x) => read(x.address)))
    expect(after[0]).toBeGreaterThan(before[0]!)
    expect(after[1]).toBe(before[1])
    expect([before[2], after[2]]).toEqual([0, 0])
  }, 60_000)
})

describe("cpppo enip fleet: --name; what it does not take", () => {
  it("--name line -n 2: the controllers are line1 and line2 (plc1, plc2 by default)", async () => {
    const named = start(["enip", "fleet", "-n", "2", "--name", "line", "-a", "127.0.0.1:0", "-A", "X"])
    const plain = start(["enip", "fleet", "-n", "2", "-a", "127.0.0.1:0", "-A", "X"])
    running.push(named, plain)
    await named.line(/^line2 /)
    await plain.line(/^plc2 /)
    expect(named.stdout.slice(0, 2).map((l) => l.split(" ")[0])).toEqual(["line1", "line2"])
    expect(plain.stdout.slice(0, 2).map((l) => l.split(" ")[0])).toEqual(["plc1", "plc2"])
  }, 60_000)

  it("--historize FILE: one file per controller (hist.jsonl → hist-plc1.jsonl); -w with --web-history DIR plots them", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cpppo-fleet-hist-"))
    const fleet = start(["enip", "fleet", "-n", "2", "-a", "127.0.0.1:0", "-A", "-w", "127.0.0.1:0", "--historize", join(dir, "hist.jsonl"), "--web-history", dir, "X"])
    running.push(fleet)
    const plc1 = (await fleet.line(/^plc1 /)).split(" ")[1]!
    const web = (await fleet.line(/^web /)).split(" ")[1]!
    expect((await run(["enip", "client", "-a", plc1, "X=42"])).status).toBe(0)
    const plot = await fetch(`http://${web}/plc1/history/plot?file=hist-plc1.jsonl`, { signal: AbortSignal.timeout(5000) })
    expect(plot.status).toBe(200)
    expect(await fleet.stop()).toBe(0)
    expect(readFileSync(join(dir, "hist-plc1.jsonl"), "utf8")).toMatch(/\["X", \[0, 0\]\]\t\{"write": \[42\]/)
    expect(readFileSync(join(dir, "hist-plc2.jsonl"), "utf8")).not.toMatch(/42/)
  }, 60_000)

  it("--replay and its options, --modbus, --no-config: one cpppo: line naming the option, exit 2; --paused without a signal too", async () => {
    const cases = [["--replay", "x.hst"], ["--loop"], ["--speed", "2"], ["--since", "0"], ["--until", "1"], ["--modbus", "127.0.0.1"], ["--no-config"], ["--paused"]]
    for (const c of cases) {
      const r = await run(["enip", "fleet", "-a", "127.0.0.1:0", ...c, "X"])
      expect(r.status, c.join(" ")).toBe(2)
      expect(r.stderr.trim().split("\n"), c.join(" ")).toHaveLength(1)
      expect(r.stderr, c.join(" ")).toMatch(c[0] === "--paused" ? /^cpppo: --paused goes with --signal/ : new RegExp(`^cpppo: .*${c[0]}`))
    }
  }, 60_000)
})
