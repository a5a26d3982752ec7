/**
 * `cpppo enip server` run in-process (test/cli/inProcess.ts) on 127.0.0.1 port 0: the options the
 * handler turns into the simulator's configuration, observed from outside as a client or a web
 * browser would: -A's address lines, the tags served, -p's event lines, the identity options, the
 * web API with its token, the delay, --historize's file; the defaults the handler fills in (-a's
 * interface and port, --modbus's host and port), UDP, --no-config, a config file's route path, the
 * mistakes only the starting controller sees, --replay beside bridged and structure tags.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import * as http from "node:http"
import * as net from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Client } from "../../src/client/client.js"
import { parseOperations } from "../../src/client/operations.js"
import { historyOf } from "../replay/history.js"
import { runCpppo, serveCpppo } from "./inProcess.js"

const ops = (...s: Array<string>) => Either.getOrThrow(parseOperations(s))
const portOf = (line: string) => Number(line.slice(line.lastIndexOf(":") + 1))

describe("enip server in-process", () => {
  it.live("-A prints the address; the tags are served; -p prints a line per write", () => Effect.gen(function* () {
    const s = yield* serveCpppo("enip", "server", "-a", "127.0.0.1:0", "-A", "-p", "-U", "X=INT[3]", "Speed@0x93/3/10=REAL")
    const [first] = yield* s.lines(1)
    expect(first).toMatch(/^127\.0\.0\.1:\d+$/)
    const port = portOf(first!)
    const c = yield* Client.connect({ host: "127.0.0.1", port })
    const w = yield* c.processAll(ops("X[1]=(INT)5", "X[0-2]", "Speed"))
    expect(w.transactions.map((t) => t.values)).toEqual([[5], [0, 5, 0], [0]])
    expect(w.failures).toBe(0)
    const lines = yield* s.lines(4)
    expect(lines.slice(1)).toEqual(["                   X[    1-1    ] <= [5]", "                   X[    0-2    ] == [0, 5, 0]", "               Speed[    0-0    ] == [0.0]"])
  }).pipe(Effect.scoped))

  it.live("identity options reach the Identity object; -w serves the web API (web line after -A's), --web-token guards writes; -d sets the delay", () => Effect.gen(function* () {
    const s = yield* serveCpppo("enip", "server", "-a", "127.0.0.1:0", "-A", "-U", "-w", ":0", "--web-token", "s3cret", "-d", "0.01",
      "--vendor", "99", "--product-name", "Test PLC", "--serial", "0x10", "--device-type", "12", "--product-code", "34", "--revision", "3.4", "X=INT")
    const [tcp, web] = yield* s.lines(2)
    expect(web).toMatch(/^web 127\.0\.0\.1:\d+$/)
    const got = yield* runCpppo("enip", "get-attribute", "-a", tcp!, "@1/1/1", "@1/1/7", "@1/1/6", "@1/1/2", "@1/1/3", "@1/1/4")
    expect(got.out).toContain("Vendor ID                  99")
    expect(got.out).toMatch(/Device Type +12\b/)
    expect(got.out).toMatch(/Product Code +34\b/)
    expect(got.out).toMatch(/Revision +3\.4\b/)
    expect(got.out).toContain("Product Name               Test PLC")
    expect(got.out).toMatch(/Serial Number +(0x0*10|16)\b/)
    const url = `http://${web!.slice(4)}`
    const options = yield* Effect.promise(() => fetch(`${url}/api/options`).then((r) => r.json()))
    expect((options as { data: { options: { delay: { value: number } } } }).data.options.delay.value).toBe(0.01)
    const refused = yield* Effect.promise(() => fetch(`${url}/api/tags/X/attribute=3`))
    expect(refused.status).toBe(401)
    const ok = yield* Effect.promise(() => fetch(`${url}/api/tags/X/attribute=3`, { headers: { authorization: "Bearer s3cret" } }))
    expect(ok.status).toBe(200)
    const c = yield* Client.connect({ host: "127.0.0.1", port: portOf(tcp!) })
    expect((yield* c.processAll(ops("X"))).transactions[0]!.values).toEqual([3])
  }).pipe(Effect.scoped))

  it.live("--historize FILE records into FILE; enip historize FILE does the same", () => Effect.gen(function* () {
    const dir = mkdtempSync(join(tmpdir(), "cpppo-serve-"))
    yield* Effect.addFinalizer(() => Effect.sync(() => rmSync(dir, { recursive: true, force: true })))
    for (const args of [["enip", "server", "--historize", join(dir, "a.hst")], ["enip", "historize", join(dir, "b.hst")]]) {
      yield* Effect.scoped(Effect.gen(function* () {
        const s = yield* serveCpppo(...args, "-a", "127.0.0.1:0", "-A", "-U", "X=INT")
        const [tcp] = yield* s.lines(1)
        const c = yield* Client.connect({ host: "127.0.0.1", port: portOf(tcp!) })
        expect((yield* c.processAll(ops("X=(INT)4"))).failures).toBe(0)
      }))
    }
    expect(existsSync(join(dir, "a.hst"))).toBe(true)
    expect(existsSync(join(dir, "b.hst"))).toBe(true)
  }).pipe(Effect.scoped))
})

/** A TCP connection to 127.0.0.1:`port` from `from`, and whether the server has closed it. */
const connectFrom = (port: number, from: string) =>
  Effect.promise(() => new Promise<{ socket: net.Socket; closed: () => boolean; close: (ms: number) => Promise<boolean> }>((resolve, reject) => {
    const socket = net.connect({ host: "127.0.0.1", port, localAddress: from })
    let closed = false
    const waiters: Array<() => void> = []
    socket.on("close", () => { closed = true; for (const w of waiters.splice(0)) w() })
    socket.on("error", () => {})
    socket.resume()
    socket.once("connect", () => resolve({
      socket,
      closed: () => closed,
      // Whether the server closes it within `ms`.
      close: (ms) => closed ? Promise.resolve(true) : new Promise((r) => { const t = setTimeout(() => r(false), ms); waiters.push(() => { clearTimeout(t); r(true) }) })
    }))
    socket.once("error", reject)
  }))

/** A GET with any Host and Origin headers (fetch may not set Host). */
const get = (web: string, path: string, headers: Record<string, string>) =>
  Effect.promise(() => new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port: portOf(web), path, headers: { accept: "application/json", ...headers }, timeout: 5000 }, (res) => {
      let body = ""
      res.on("data", (d: Buffer) => { body += d.toString() })
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }))
    })
    req.on("error", reject)
  }))

describe("enip server in-process: config files, the log, the Modbus bridge", () => {
  it.live("-b NAME, -c FILE: their identity served; -l FILE -v: the files read and the keys ignored are logged", () => Effect.gen(function* () {
    const dir = mkdtempSync(join(tmpdir(), "cpppo-serve-"))
    yield* Effect.addFinalizer(() => Effect.sync(() => rmSync(dir, { recursive: true, force: true })))
    // -b with a path: the default place NAME.cfg (relative to the working directory) is this file.
    const plant = join(dir, "plant")
    writeFileSync(`${plant}.cfg`, "[Identity]\nProduct Code Number = 321\n")
    const cfg = join(dir, "more.cfg")
    writeFileSync(cfg, "[Identity]\nVendor Number = 77\n[TCPIP]\nRevision = 3\n")
    const log = join(dir, "server.log")
    yield* Effect.scoped(Effect.gen(function* () {
      const s = yield* serveCpppo("enip", "server", "-b", plant, "-c", cfg, "-l", log, "-v", "-a", "127.0.0.1:0", "-A", "-U", "X=INT")
      const [tcp] = yield* s.lines(1)
      const out = (yield* runCpppo("enip", "get-attribute", "-a", tcp!, "@1/1/1", "@1/1/3")).out
      expect(out).toContain("Vendor ID                  77")
      expect(out).toMatch(/Product Code +321\b/)
    }))
    const text = readFileSync(log, "utf8")
    expect(text).toMatch(new RegExp(`INFO +config files read: ${plant}\\.cfg, ${cfg}\n`))
    expect(text).toMatch(new RegExp(`WARN +config ${cfg} \\[TCPIP\\] Revision: not configurable in this simulator \\(ignored\\)\n`))
  }).pipe(Effect.scoped))

  it.live("--modbus HOST:PORT: NAME@REGISTER tags read the Modbus server's registers (words in --modbus-word-order)", () => Effect.gen(function* () {
    const m = yield* serveCpppo("modbus", "server", "-a", "127.0.0.1:0", "-A", "40001-40004=1,2,3,4")
    const [modbus] = yield* m.lines(1)
    const s = yield* serveCpppo("enip", "server", "--no-config", "-a", "127.0.0.1:0", "-A", "-U", "--modbus", modbus!, "--modbus-rate", "0.05",
      "--modbus-word-order", "little", "--modbus-unit", "1", "P@40001=INT[2]", "Q@40003=DINT", "X=INT")
    const [tcp] = yield* s.lines(1)
    const c = yield* Client.connect({ host: "127.0.0.1", port: portOf(tcp!) })
    // Until the first poll the bridged tags fail; then they hold the registers.
    let values: ReadonlyArray<unknown> = []
    for (let i = 0; i < 100; i++) {
      const r = yield* c.processAll(ops("P[0-1]", "Q", "X"))
      values = r.transactions.map((t) => t.values)
      if (r.failures === 0) break
      yield* Effect.sleep("50 millis")
    }
    expect(values).toEqual([[1, 2], [4 * 65536 + 3], [0]])
  }).pipe(Effect.scoped))
})

describe.each(["server", "fleet"] as const)("enip %s in-process: the options it shares with the other", (kind) => {
  const head = kind === "server" ? ["enip", "server", "--no-config"] : ["enip", "fleet", "-n", "1"]

  it.live("--udt, --signal, -s, --max-sessions, --max-sessions-per-peer, --idle-timeout, --web-token, --web-cors, --web-host", () => Effect.gen(function* () {
    const s = yield* serveCpppo(...head, "-a", "127.0.0.1:0", "-A", "-w", "127.0.0.1:0", "-s", "100", "--max-sessions", "3", "--max-sessions-per-peer", "1",
      "--idle-timeout", "30", "--web-token", "s3cret", "--web-cors", "https://hmi.example", "--web-host", "scada.example",
      "--udt", "Motor{Speed:REAL,Running:BOOL}", "--signal", "X=7", "M=Motor", "X=INT")
    const [tcp, web] = yield* s.lines(2)
    expect(tcp).toMatch(kind === "server" ? /^127\.0\.0\.1:\d+$/ : /^plc1 127\.0\.0\.1:\d+$/)
    expect(web).toMatch(/^web 127\.0\.0\.1:\d+$/)
    const port = portOf(tcp!)
    // The structure tag and the generated value (the signal's first value is in before clients).
    const c = yield* Client.connect({ host: "127.0.0.1", port })
    const r = yield* c.processAll(ops("M.Speed", "X"))
    expect(r.transactions.map((t) => t.values)).toEqual([[0], [7]])
    // The idle timeout as the web API shows it; the token, CORS and host checks.
    const at = web!.slice(4)
    expect(JSON.parse((yield* get(at, "/api/server/control/timeout", {})).body).command.value).toEqual({ control: 30 })
    expect((yield* get(at, "/api/tags/X/attribute=5", {})).status).toBe(401)
    expect((yield* get(at, "/api/tags/X/attribute=5", { authorization: "Bearer s3cret" })).status).toBe(200)
    expect((yield* get(at, "/api", { origin: "https://hmi.example" })).headers["access-control-allow-origin"]).toBe("https://hmi.example")
    expect((yield* get(at, "/api", { origin: "https://evil.example" })).headers["access-control-allow-origin"]).toBeUndefined()
    expect((yield* get(at, "/api", { host: `scada.example:${portOf(at)}` })).status).toBe(200)
    expect((yield* get(at, "/api", { host: `evil.example:${portOf(at)}` })).status).toBe(403)
    // Sessions (the client's from 127.0.0.1 is one): one per peer address, three in all.
    const first = yield* connectFrom(port, "127.0.0.2")
    const samePeer = yield* connectFrom(port, "127.0.0.2")
    expect(yield* Effect.promise(() => samePeer.close(3000))).toBe(true)
    const third = yield* connectFrom(port, "127.0.0.3")
    const fourth = yield* connectFrom(port, "127.0.0.4")
    expect(yield* Effect.promise(() => fourth.close(3000))).toBe(true)
    expect([first.closed(), third.closed()]).toEqual([false, false])
    // -s 100: a 101-byte frame (a NOP's header saying 77 bytes follow) gets the session closed.
    const nop = Buffer.alloc(101)
    nop.writeUInt16LE(77, 2)
    third.socket.write(nop)
    expect(yield* Effect.promise(() => third.close(3000))).toBe(true)
    first.socket.destroy()
  }).pipe(Effect.scoped))

  it.live("-T: no TCP listener (UDP only)", () => Effect.gen(function* () {
    const s = yield* serveCpppo(...head, "-a", "127.0.0.1:0", "-A", "-T", "X=INT")
    const [line] = yield* s.lines(1)
    const refused = yield* Effect.either(Effect.tryPromise(() => new Promise<void>((resolve, reject) => {
      const socket = net.connect({ host: "127.0.0.1", port: portOf(line!) }, () => { socket.destroy(); resolve() })
      socket.once("error", reject)
    })))
    expect(Either.isLeft(refused) ? String((refused.left as { cause?: { code?: string } }).cause?.code ?? refused.left) : "connected").toBe("ECONNREFUSED")
  }).pipe(Effect.scoped))
})

describe("enip fleet in-process", () => {
  it.live("-n 2: consecutive addresses, -p lines named by controller, --historize one file per controller, -w's controllers group", () => Effect.gen(function* () {
    const dir = mkdtempSync(join(tmpdir(), "cpppo-fleet-"))
    yield* Effect.addFinalizer(() => Effect.sync(() => rmSync(dir, { recursive: true, force: true })))
    const s = yield* serveCpppo("enip", "fleet", "-n", "2", "--name", "line", "-a", "127.0.0.1:0", "-A", "-p", "-U", "-w", "127.0.0.1:0",
      "--historize", join(dir, "h.hst"), "--serial", "100", "X=INT")
    const [one, two, web] = yield* s.lines(3)
    expect([one, two, web]).toEqual([expect.stringMatching(/^line1 127\.0\.0\.1:\d+$/), expect.stringMatching(/^line2 127\.0\.0\.2:\d+$/), expect.stringMatching(/^web 127\.0\.0\.1:\d+$/)])
    const c = yield* Client.connect({ host: "127.0.0.2", port: portOf(two!) })
    expect((yield* c.processAll(ops("X=(INT)9"))).failures).toBe(0)
    expect((yield* s.lines(4))[3]).toBe("line2:                    X[    0-0    ] <= [9]")
    // Serials counted from --serial: line2 is 102.
    expect((yield* runCpppo("enip", "get-attribute", "-a", `127.0.0.2:${portOf(two!)}`, "@1/1/6")).out).toMatch(/Serial Number +(0x0*66|102)\b/)
    const api = JSON.parse((yield* get(web!.slice(4), "/api/controllers", {})).body) as { data: { controllers: Record<string, { address: string }> } }
    expect(Object.keys(api.data.controllers)).toEqual(["line1", "line2"])
    expect(existsSync(join(dir, "h-line2.hst"))).toBe(true)
  }).pipe(Effect.scoped))
})

describe("enip server in-process: the defaults the handler fills in, UDP, the config files' route path", () => {
  it.live("-a :0: every interface (0.0.0.0), -w :0 too; without -U, ListIdentity is answered on UDP at the TCP port", () => Effect.gen(function* () {
    const s = yield* serveCpppo("enip", "server", "--no-config", "-a", ":0", "-A", "-w", ":0", "X=INT")
    const [line, web] = yield* s.lines(2)
    // The web server on -a's interface, every one.
    expect([line, web]).toEqual([expect.stringMatching(/^0\.0\.0\.0:\d+$/), expect.stringMatching(/^web 0\.0\.0\.0:\d+$/)])
    const udp = yield* runCpppo("enip", "client", "-a", `127.0.0.1:${portOf(line!)}`, "-u", "-i", "-t", "5")
    expect(udp.end).toBe("ok")
    expect(udp.out).toContain("1756-L61/B LOGIX5561")
  }).pipe(Effect.scoped))

  it.live("-a HOST without a port listens on 44818 (in use here: the failure names 127.0.0.1:44818)", () => Effect.gen(function* () {
    // Hold the port first (if another process holds it, the command fails the same way).
    const held = net.createServer()
    yield* Effect.promise(() => new Promise<void>((resolve) => {
      held.once("error", () => resolve())
      held.listen(44818, "127.0.0.1", () => resolve())
    }))
    yield* Effect.addFinalizer(() => Effect.promise(() => new Promise<void>((resolve) => held.close(() => resolve()))))
    const r = yield* runCpppo("enip", "server", "--no-config", "-a", "127.0.0.1", "-U", "X=INT").pipe(Effect.timeout("20 seconds"))
    expect(r.end).toBe("failed: Error: cannot listen on 127.0.0.1:44818: listen EADDRINUSE: address already in use 127.0.0.1:44818")
  }).pipe(Effect.scoped))

  it.live("--modbus HOST: port 502; --modbus :PORT: host localhost (the bridge's log line names the device)", () => Effect.gen(function* () {
    const dir = mkdtempSync(join(tmpdir(), "cpppo-serve-"))
    yield* Effect.addFinalizer(() => Effect.sync(() => rmSync(dir, { recursive: true, force: true })))
    for (const [modbus, target] of [["127.0.0.1", "127.0.0.1:502"], [":1502", "localhost:1502"]] as const) {
      const log = join(dir, `${target.replace(":", "-")}.log`)
      yield* Effect.scoped(Effect.gen(function* () {
        const s = yield* serveCpppo("enip", "server", "--no-config", "-a", "127.0.0.1:0", "-A", "-U", "-v", "-l", log, "--modbus", modbus, "P@40001=INT")
        yield* s.lines(1)
      }))
      expect(readFileSync(log, "utf8")).toMatch(new RegExp(`INFO +bridge: P = INT\\[1\\] at 40001 of ${target}\n`))
    }
  }).pipe(Effect.scoped))

  it.live("--no-config: -b NAME's file is not read, and no 'config files read' line; [UCMM] Route Path from -c is the route when --route-path is not given", () => Effect.gen(function* () {
    const dir = mkdtempSync(join(tmpdir(), "cpppo-serve-"))
    yield* Effect.addFinalizer(() => Effect.sync(() => rmSync(dir, { recursive: true, force: true })))
    const plant = join(dir, "plant")
    writeFileSync(`${plant}.cfg`, "[Identity]\nVendor Number = 77\n")
    const log = join(dir, "server.log")
    yield* Effect.scoped(Effect.gen(function* () {
      const s = yield* serveCpppo("enip", "server", "--no-config", "-b", plant, "-l", log, "-v", "-a", "127.0.0.1:0", "-A", "-U", "X=INT")
      const [tcp] = yield* s.lines(1)
      expect((yield* runCpppo("enip", "get-attribute", "-a", tcp!, "@1/1/1")).out).toContain("Vendor ID                  1\n")
    }))
    expect(readFileSync(log, "utf8")).not.toContain("config files read")
    const routed = join(dir, "routed.cfg")
    writeFileSync(routed, "[UCMM]\nRoute Path = 1/3\n")
    const s = yield* serveCpppo("enip", "server", "--no-config", "-c", routed, "-a", "127.0.0.1:0", "-A", "-U", "X=INT")
    const [tcp] = yield* s.lines(1)
    // Routed 1/0 (the client's default): refused; routed 1/3: served.
    const wrong = yield* runCpppo("enip", "client", "-a", tcp!, "-p", "-t", "5", "X")
    const right = yield* runCpppo("enip", "client", "-a", tcp!, "-p", "-t", "5", "--route-path", "1/3", "X")
    expect([wrong.exitCode, right.exitCode]).toEqual([1, undefined])
    expect(right.out).toMatch(/X\s+== \[0\]: 'OK'/)
  }).pipe(Effect.scoped))

  it.live("a spec is bridged only when NAME@REGISTER= starts it: A@B@40001=INT is a bad tag spec, not a Modbus one", () => Effect.gen(function* () {
    const r = yield* runCpppo("enip", "server", "--no-config", "-a", "127.0.0.1:0", "A@B@40001=INT")
    expect(r.end).toBe('usage: bad tag spec "A@B@40001=INT": attribute placement must be @class/instance/attribute')
  }))

  it.live("--modbus-timeout SECONDS: a device answering after 50 ms is read within a 2 s timeout", () => Effect.gen(function* () {
    const m = yield* serveCpppo("modbus", "server", "-a", "127.0.0.1:0", "-A", "-d", "0.05", "40001=7")
    const [modbus] = yield* m.lines(1)
    const s = yield* serveCpppo("enip", "server", "--no-config", "-a", "127.0.0.1:0", "-A", "-U", "--modbus", modbus!, "--modbus-rate", "0.2", "--modbus-timeout", "2", "P@40001=INT")
    const [tcp] = yield* s.lines(1)
    const c = yield* Client.connect({ host: "127.0.0.1", port: portOf(tcp!) })
    let values: ReadonlyArray<unknown> = []
    for (let i = 0; i < 100; i++) {
      const r = yield* c.processAll(ops("P"))
      values = r.transactions.map((t) => t.values)
      if (r.failures === 0) break
      yield* Effect.sleep("50 millis")
    }
    expect(values).toEqual([[7]])
  }).pipe(Effect.scoped))

  it.live("mistakes only the starting controller sees are usage lines too: specs that cannot be built together, a signal naming no tag, signals in a cycle", () => Effect.gen(function* () {
    const rows: ReadonlyArray<readonly [ReadonlyArray<string>, string]> = [
      [["X=INT", "X=DINT"], 'bad tag spec "X=DINT": duplicate tag name X'],
      [["--signal", "Nope=7", "X=INT"], 'bad signal "Nope=7": no tag named Nope at position 1'],
      [["--signal", "X=Y", "--signal", "Y=X", "X=INT", "Y=INT"], 'bad signal "Y=X": signals form a cycle: Y → X → Y at position 3']
    ]
    for (const [args, message] of rows) {
      const r = yield* runCpppo("enip", "server", "--no-config", "-a", "127.0.0.1:0", "-U", ...args).pipe(Effect.timeout("20 seconds"))
      expect(r.end, args.join(" ")).toBe(`usage: ${message}`)
    }
  }))

  it.live("--replay with bridged and structure tags: the recorded tags given on the command line are not made again; the others are", () => Effect.gen(function* () {
    const file = yield* historyOf([[0, ["X", [0, 0]], { read: [7], type: "INT" }], [0, ["P", [0, 0]], { read: [5], type: "INT" }], [0, ["Z", [0, 0]], { read: [9], type: "DINT" }]])
    yield* Effect.addFinalizer(() => Effect.sync(() => rmSync(join(file, ".."), { recursive: true, force: true })))
    // No Modbus device answers at 127.0.0.1:1: the bridged P only fails its reads.
    const s = yield* serveCpppo("enip", "server", "--no-config", "-a", "127.0.0.1:0", "-A", "-U", "--modbus", "127.0.0.1:1", "--modbus-timeout", "0.1",
      "--udt", "Motor{Speed:REAL}", "--replay", file, "P@40001=INT", "M=Motor", "X=INT")
    const [tcp] = yield* s.lines(1)
    const c = yield* Client.connect({ host: "127.0.0.1", port: portOf(tcp!) })
    let values: ReadonlyArray<unknown> = []
    for (let i = 0; i < 100; i++) {
      const r = yield* c.processAll(ops("X", "Z", "M.Speed"))
      values = r.transactions.map((t) => t.values)
      if (r.failures === 0 && (values[0] as ReadonlyArray<number>)[0] === 7) break
      yield* Effect.sleep("50 millis")
    }
    // X (given) and Z (made from the record) replayed; the structure tag served as declared.
    expect(values).toEqual([[7], [9], [0]])
  }).pipe(Effect.scoped))
})
