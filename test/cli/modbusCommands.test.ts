/**
 * `cpppo modbus server` and `cpppo modbus poll` run in-process (test/cli/inProcess.ts) on
 * 127.0.0.1 port 0: the server's -A line and -p lines, the registers it serves, the poller's
 * lines, writes, reach (ranges merged into one request), unit ids and summary.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Fiber, Logger, LogLevel, Scope } from "effect"
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as net from "node:net"
import { runModbusServer } from "../../src/cli/modbusRun.js"
import { logWith, runCpppo, serveCpppo } from "./inProcess.js"

/** requests and registers from a poll summary line. */
const counts = (out: string) => {
  const m = /Poll summary: (\d+) requests in [\d.]+ s \([\d.]+\/s\), (\d+) registers/.exec(out)
  if (m === null) throw new Error(`no summary in ${JSON.stringify(out)}`)
  return { requests: Number(m[1]), registers: Number(m[2]) }
}

describe("modbus server and poll in-process", () => {
  it.live("poll reads what the server serves, writes first with =, and prints a summary; the server prints -p lines", () => Effect.gen(function* () {
    const s = yield* serveCpppo("modbus", "server", "-a", "127.0.0.1:0", "-A", "-p", "40001-40003=1,2,3", "00001=1")
    const [a] = yield* s.lines(1)
    expect(a).toMatch(/^127\.0\.0\.1:\d+$/)
    const read = yield* runCpppo("modbus", "poll", "-a", a!, "--duration", "0.25", "-R", "0.1", "40001-40003", "00001")
    expect(read.out.split("\n").slice(0, 2)).toEqual(["                   1 == [1]: 'OK'", "         40001-40003 == [1, 2, 3]: 'OK'"])
    expect(read.out).toMatch(/\n0 errors|, 0 errors, 1 connects;/)
    expect(read.out).toMatch(/, 0 errors, 1 connects; latency ms min\/mean\/p50\/p99\/max (\d+\.\d\d\/){4}\d+\.\d\d\n/)
    expect(read.end).toBe("ok")
    const written = yield* runCpppo("modbus", "poll", "-a", a!, "--duration", "0.25", "-R", "0.1", "40002=9", "40001-40003")
    expect(written.out.split("\n").slice(0, 2)).toEqual(["               40002 <= [9]: 'OK'", "         40001-40003 == [1, 9, 3]: 'OK'"])
    expect(written.exitCode).toBeUndefined()
    // A coil is written as a bit (0 is off); a write the server refuses is its line and exit status 1.
    const coil = yield* runCpppo("modbus", "poll", "-a", a!, "--duration", "0.25", "-R", "0.1", "00001=0", "40009=5", "00001")
    expect(coil.out.split("\n").slice(0, 3)).toEqual([
      "                   1 <= [0]: 'OK'", "               40009 <= [5]: 'exception 02 (illegal data address)'", "                   1 == [0]: 'OK'"])
    expect(coil.exitCode).toBe(1)
    // The server printed a line per access (the first line was -A's address).
    expect((yield* s.lines(3)).slice(1).join("\n")).toMatch(/4000[1-3]/)
  }).pipe(Effect.scoped))

  it.live("-w serves the web API (its line after -A's), --web-token guards writes; -d and --idle-timeout reach the control state; --max-sessions 1 leaves no room for a second", () => Effect.gen(function* () {
    const s = yield* serveCpppo("modbus", "server", "-a", "127.0.0.1:0", "-A", "-w", ":0", "--web-token", "s3cret", "-d", "0.01",
      "--idle-timeout", "7", "--max-sessions", "1", "40001=5")
    const [tcp, web] = yield* s.lines(2)
    expect(web).toMatch(/^web 127\.0\.0\.1:\d+$/)
    const url = `http://${web!.slice(4)}`
    const api = (yield* Effect.promise(() => fetch(`${url}/api`).then((r) => r.json()))) as
      { data: { options: { delay: { value: number } }; server: { control: { timeout: number } } } }
    expect([api.data.options.delay.value, api.data.server.control.timeout]).toEqual([0.01, 7])
    expect((yield* Effect.promise(() => fetch(`${url}/api/tags/40001/attribute=3`))).status).toBe(401)
    expect((yield* Effect.promise(() => fetch(`${url}/api/tags/40001/attribute=3`, { headers: { authorization: "Bearer s3cret" } }))).status).toBe(200)
    const [host, port] = [tcp!.split(":")[0]!, Number(tcp!.split(":")[1])]
    const connect = Effect.acquireRelease(
      Effect.promise(() => new Promise<net.Socket>((resolve, reject) => {
        const c = net.connect({ host, port }, () => resolve(c))
        c.once("error", reject)
      })),
      (c) => Effect.sync(() => c.destroy()))
    const first = yield* connect
    yield* Effect.sleep("50 millis")
    // The one session allowed is taken: the poll's connection is closed, nothing read (exit 1).
    const refused = yield* runCpppo("modbus", "poll", "-a", tcp!, "--duration", "0.2", "-R", "0.1", "-t", "0.2", "40001")
    expect(refused.out).not.toContain(" == [")
    expect(refused.exitCode).toBe(1)
    first.destroy()
    yield* Effect.sleep("50 millis")
    const read = yield* runCpppo("modbus", "poll", "-a", tcp!, "--duration", "0.2", "-R", "0.1", "40001")
    expect(read.out.split("\n")[0]).toBe("               40001 == [3]: 'OK'")
  }).pipe(Effect.scoped))

  it.live("-r/--reach: 40001 and 40003 are one request of 3 registers with reach 3, two of 1 with reach 1", () => Effect.gen(function* () {
    const s = yield* serveCpppo("modbus", "server", "-a", "127.0.0.1:0", "-A", "40001-40003=1,2,3")
    const [a] = yield* s.lines(1)
    const apart = counts((yield* runCpppo("modbus", "poll", "-a", a!, "--duration", "0.2", "-R", "0.05", "40001", "40003")).out)
    expect(apart.registers).toBe(apart.requests)
    const merged = counts((yield* runCpppo("modbus", "poll", "-a", a!, "--duration", "0.2", "-R", "0.05", "-r", "3", "40001", "40003")).out)
    expect(merged.registers).toBe(3 * merged.requests)
  }).pipe(Effect.scoped))

  it.live("--unit: the server answers only its unit ids; poll -u asks one", () => Effect.gen(function* () {
    const s = yield* serveCpppo("modbus", "server", "-a", "127.0.0.1:0", "-A", "--unit", "3", "40001=7")
    const [a] = yield* s.lines(1)
    const ok = yield* runCpppo("modbus", "poll", "-a", a!, "--duration", "0.2", "-R", "0.1", "-u", "3", "40001")
    expect(ok.out.split("\n")[0]).toBe("               40001 == [7]: 'OK'")
    const other = yield* runCpppo("modbus", "poll", "-a", a!, "--duration", "0.3", "-R", "0.1", "-t", "0.1", "-u", "4", "40001")
    expect(other.out).not.toContain("== [7]")
    expect(other.out).not.toMatch(/, 0 errors,/)
  }).pipe(Effect.scoped))

  it.live("-a without a port asks port 502; an empty host is localhost (nothing listens there: the summary's last error names it)", () => Effect.gen(function* () {
    const noPort = yield* runCpppo("modbus", "poll", "-a", "127.0.0.1", "--duration", "0.2", "-t", "0.1", "40001")
    expect(noPort.out).toMatch(/; last error: cannot connect to 127\.0\.0\.1:502: /)
    expect(noPort.exitCode).toBe(1)
    const noHost = yield* runCpppo("modbus", "poll", "-a", ":", "--duration", "0.2", "-t", "0.1", "40001")
    expect(noHost.out).toMatch(/; last error: cannot connect to localhost:502: /)
  }))
})

describe("modbus poll in-process: stale ranges, a late connection, the writes' lines, no --duration", () => {
  it.live("a range whose server goes away is printed stale; --historize records it as an error", () => Effect.gen(function* () {
    const dir = mkdtempSync(join(tmpdir(), "cpppo-stale-"))
    yield* Effect.addFinalizer(() => Effect.sync(() => rmSync(dir, { recursive: true, force: true })))
    const file = join(dir, "m.hst")
    const serving = yield* Scope.make()
    const s = yield* serveCpppo("modbus", "server", "-a", "127.0.0.1:0", "-A", "-p", "40001-40002=1,2").pipe(Scope.extend(serving))
    const [a] = yield* s.lines(1)
    const poll = yield* Effect.fork(runCpppo("modbus", "poll", "-a", a!, "--duration", "1.5", "-R", "0.1", "-t", "0.2", "--historize", file, "40001-40002"))
    yield* s.lines(2) // the server's -p line of the first read
    yield* Scope.close(serving, Exit.void)
    const r = yield* Fiber.join(poll)
    const lines = r.out.split("\n")
    expect(lines[0]).toBe("         40001-40002 == [1, 2]: 'OK'")
    // The poller's reason: the connection closed, or a poll found it gone.
    const stale = /^         40001-40002 == None: 'stale: (connection closed|not connected)'$/.exec(lines[1]!)
    expect(stale).not.toBeNull()
    const records = readFileSync(file, "utf8").split("\n")
    expect(records.slice(0, 2).map((l) => l.split("\t").slice(1))).toEqual([
      ['["40001", [0, 1]]', '{"read": [1, 2]}'],
      ['["40001", [0, 1]]', JSON.stringify({ error: `stale: ${stale![1]}` }).replace(":", ": ")]
    ])
    expect(readdirSync(dir)).toEqual(["m.hst"])
  }).pipe(Effect.scoped))

  it.live("values given with = wait for the connection (up to -t) before they are written", () => Effect.gen(function* () {
    // A free port: nothing listens there until 0.8 s after the poll starts (its reconnects back
    // off 0.1, 0.2, 0.4, 0.8 s: the one at 1.5 s finds the server; -t 2.5 waits that long).
    const port = yield* Effect.promise(() => new Promise<number>((resolve) => {
      const srv = net.createServer().listen(0, "127.0.0.1", () => {
        const p = (srv.address() as net.AddressInfo).port
        srv.close(() => resolve(p))
      })
    }))
    const poll = yield* Effect.fork(runCpppo("modbus", "poll", "-a", `127.0.0.1:${port}`, "--duration", "0.3", "-R", "0.1", "-t", "2.5", "40001=5", "40001"))
    yield* Effect.sleep("800 millis")
    yield* serveCpppo("modbus", "server", "-a", `127.0.0.1:${port}`, "-A", "40001=1")
    const r = yield* Fiber.join(poll)
    expect(r.out.split("\n").slice(0, 2)).toEqual(["               40001 <= [5]: 'OK'", "               40001 == [5]: 'OK'"])
    expect(r.exitCode).toBeUndefined()
  }).pipe(Effect.scoped))

  it.live("with nothing listening, a value given with = is refused after the wait (-t), not waited for forever: its line, exit status 1", () => Effect.gen(function* () {
    const port = yield* Effect.promise(() => new Promise<number>((resolve) => {
      const srv = net.createServer().listen(0, "127.0.0.1", () => {
        const p = (srv.address() as net.AddressInfo).port
        srv.close(() => resolve(p))
      })
    }))
    const r = yield* runCpppo("modbus", "poll", "-a", `127.0.0.1:${port}`, "--duration", "0.1", "-t", "0.3", "40001=5").pipe(
      Effect.timeoutFail({ duration: "20 seconds", onTimeout: () => new Error("the write waited past -t") }))
    expect(r.out.split("\n")[0]).toBe(`               40001 <= [5]: 'not connected to 127.0.0.1:${port}'`)
    expect(r.exitCode).toBe(1)
  }))

  it.live("a coil written 1 is on; several registers written at once are one line with every value", () => Effect.gen(function* () {
    const s = yield* serveCpppo("modbus", "server", "-a", "127.0.0.1:0", "-A", "00001-00002=0,0", "40001-40002=1,2")
    const [a] = yield* s.lines(1)
    const r = yield* runCpppo("modbus", "poll", "-a", a!, "--duration", "0.25", "-R", "0.1", "00002=1", "40001-40002=7,8", "00001-00002", "40001-40002")
    expect(r.out.split("\n").slice(0, 4)).toEqual([
      "                   2 <= [1]: 'OK'", "         40001-40002 <= [7, 8]: 'OK'", "                 1-2 == [0, 1]: 'OK'", "         40001-40002 == [7, 8]: 'OK'"])
    expect(r.exitCode).toBeUndefined()
  }).pipe(Effect.scoped))

  it.live("without --duration it polls until interrupted (Ctrl-C)", () => Effect.gen(function* () {
    const s = yield* serveCpppo("modbus", "server", "-a", "127.0.0.1:0", "-A", "40001=1")
    const [a] = yield* s.lines(1)
    const poll = yield* Effect.fork(runCpppo("modbus", "poll", "-a", a!, "-R", "0.1", "40001"))
    yield* Effect.sleep("1 second")
    expect(poll.unsafePoll()).toBeNull()
    yield* Fiber.interrupt(poll)
  }).pipe(Effect.scoped))
})

/** A port nothing listens on (for a server started without a listening callback). */
const freePort = Effect.promise(() => new Promise<number>((resolve) => {
  const srv = net.createServer().listen(0, "127.0.0.1", () => {
    const p = (srv.address() as net.AddressInfo).port
    srv.close(() => resolve(p))
  })
}))


describe("modbus server's end, and its run without callbacks (src/cli/modbusRun.ts)", () => {
  it.live("done through the web API ends it: -l's last line is 'done: shutting down'; without -p an access logs nothing (-vv)", () => Effect.gen(function* () {
    const dir = mkdtempSync(join(tmpdir(), "cpppo-modbus-done-"))
    yield* Effect.addFinalizer(() => Effect.sync(() => rmSync(dir, { recursive: true, force: true })))
    const log = join(dir, "m.log")
    const s = yield* serveCpppo("modbus", "server", "-a", "127.0.0.1:0", "-A", "-w", "127.0.0.1:0", "-vv", "-l", log, "40001=5")
    const [tcp, web] = yield* s.lines(2)
    // Start-up's log lines, the last being the web API's (written before -A's lines are printed).
    const before = yield* logWith(log, "web API and live page on ")
    const read = yield* runCpppo("modbus", "poll", "-a", tcp!, "--duration", "0.25", "-R", "0.1", "40001")
    expect(read.out.split("\n")[0]).toBe("               40001 == [5]: 'OK'")
    const done = (yield* Effect.promise(() => fetch(`http://${web!.slice(4)}/api/server/control/done=true`).then((r) => r.json()))) as { command: { success: boolean } }
    expect(done.command.success).toBe(true)
    // Between start-up and done, the accesses logged nothing (no printer was started to fail on
    // them: nothing prints without -p); done's line is the last.
    const text = yield* logWith(log, "done:")
    expect(text.slice(before.length)).toMatch(/^[^\n]+ INFO +done: shutting down\n$/)
    expect(s.out()).toBe(`${tcp}\n${web}\n`)
  }).pipe(Effect.scoped))

  it.live("runModbusServer without onListening or print serves its registers until interrupted", () => Effect.gen(function* () {
    const port = yield* freePort
    const server = yield* Effect.fork(runModbusServer({ device: { host: "127.0.0.1", port, registers: ["40001-40002=7,8"] } }).pipe(
      Effect.provide(Logger.minimumLogLevel(LogLevel.Warning))))
    let read = yield* runCpppo("modbus", "poll", "-a", `127.0.0.1:${port}`, "--duration", "0.25", "-R", "0.1", "-t", "1", "40001-40002")
    for (let i = 0; i < 20 && !read.out.includes(" == ["); i++) {
      yield* Effect.sleep("100 millis")
      read = yield* runCpppo("modbus", "poll", "-a", `127.0.0.1:${port}`, "--duration", "0.25", "-R", "0.1", "-t", "1", "40001-40002")
    }
    expect(read.out.split("\n")[0]).toBe("         40001-40002 == [7, 8]: 'OK'")
    expect(server.unsafePoll()).toBeNull()
    yield* Fiber.interrupt(server)
  }))
})
