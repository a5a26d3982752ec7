/**
 * What the simulators' command lines add around a device (src/cli/extras.ts) and the one-controller
 * composition of `cpppo enip server` (src/cli/simulator.ts), in-process on 127.0.0.1 port 0: the
 * history file's records (which events, one file below the rotation size), the history recorder
 * reaching the web API's alarms, `--web-history`'s directory beside the history file, `--replay`
 * played into the tags, the controller's name in /metrics, and `runSimulator` as an app calls it
 * (a web API without history access, the process-wide byte bound).
 */
import { describe, expect, it } from "@effect/vitest"
import { Cause, Chunk, Deferred, Effect, Either, Fiber, Logger, LogLevel, Stream } from "effect"
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { runSimulator } from "../../src/cli/simulator.js"
import { Client } from "../../src/client/client.js"
import { parseOperations } from "../../src/client/operations.js"
import { readHistory } from "../../src/history/reader.js"
import { isClosed, rawClient, register } from "../server/fixture.js"
import { serveCpppo } from "./inProcess.js"

const ops = (...s: Array<string>) => Either.getOrThrow(parseOperations(s))
const portOf = (line: string) => Number(line.slice(line.lastIndexOf(":") + 1))

const tempDir = Effect.acquireRelease(
  Effect.sync(() => mkdtempSync(join(tmpdir(), "cpppo-extras-"))),
  (d) => Effect.sync(() => rmSync(d, { recursive: true, force: true }))
)

const getJson = (url: string, init?: RequestInit) => Effect.promise(() => fetch(url, init).then((r) => r.json() as Promise<unknown>))

/** The web API's alarms, asked until one is there (up to 5 s). */
const alarmsOf = (url: string) =>
  Effect.gen(function* () {
    let alarm: ReadonlyArray<string> = []
    for (let i = 0; i < 100 && alarm.length === 0; i++) {
      alarm = ((yield* getJson(`${url}/api/server`)) as { alarm: ReadonlyArray<string> }).alarm
      if (alarm.length === 0) yield* Effect.sleep("50 millis")
    }
    return alarm
  })

describe("--historize: the records, the recorder", () => {
  it.live("the configured tags' accesses are recorded, a request for an unknown tag is not; the file is not rotated below 10 MB", () => Effect.gen(function* () {
    const dir = yield* tempDir
    const file = join(dir, "a.hst")
    yield* Effect.scoped(Effect.gen(function* () {
      const s = yield* serveCpppo("enip", "server", "--historize", file, "-a", "127.0.0.1:0", "-A", "-U", "X=INT")
      const [tcp] = yield* s.lines(1)
      const c = yield* Client.connect({ host: "127.0.0.1", port: portOf(tcp!) })
      expect((yield* c.processAll(ops("X=(INT)4", "X"))).failures).toBe(0)
      expect((yield* c.processAll(ops("Nope"))).failures).toBe(1)
      expect((yield* c.processAll(ops("X=(INT)5"))).failures).toBe(0)
    }))
    expect(readdirSync(dir)).toEqual(["a.hst"])
    const records = Chunk.toArray(yield* Stream.runCollect(readHistory([file])))
    expect(records.map(({ serial, data }) => ({ serial, data }))).toEqual([
      { serial: ["X", [0, 0]], data: { write: [4] } },
      { serial: ["X", [0, 0]], data: { read: [4] } },
      { serial: ["X", [0, 0]], data: { write: [5] } }
    ])
  }).pipe(Effect.scoped))

  it.live("a history file that cannot be written is the web API's alarm: enip server and modbus server", () => Effect.gen(function* () {
    // /dev/full opens, and every write to it fails (ENOSPC).
    const enip = yield* serveCpppo("enip", "server", "--historize", "/dev/full", "-a", "127.0.0.1:0", "-A", "-U", "-w", "127.0.0.1:0", "X=INT")
    const [, enipWeb] = yield* enip.lines(2)
    const enipUrl = `http://${enipWeb!.slice(4)}`
    expect(((yield* getJson(`${enipUrl}/api/server`)) as { alarm: ReadonlyArray<string> }).alarm).toEqual([])
    yield* getJson(`${enipUrl}/api/tags/X/attribute=3`)
    expect(yield* alarmsOf(enipUrl)).toEqual([expect.stringMatching(/^history: cannot write the file \(ENOSPC: no space left on device, write\); 1 records waiting$/)])

    const modbus = yield* serveCpppo("modbus", "server", "--historize", "/dev/full", "-a", "127.0.0.1:0", "-A", "-w", "127.0.0.1:0", "40001=5")
    const [, modbusWeb] = yield* modbus.lines(2)
    const modbusUrl = `http://${modbusWeb!.slice(4)}`
    expect(((yield* getJson(`${modbusUrl}/api/server`)) as { alarm: ReadonlyArray<string> }).alarm).toEqual([])
    yield* getJson(`${modbusUrl}/api/tags/40001/attribute=3`)
    expect(yield* alarmsOf(modbusUrl)).toEqual([expect.stringMatching(/^history: cannot write the file \(ENOSPC: no space left on device, write\); 1 records waiting$/)])
  }).pipe(Effect.scoped))
})

describe("enip server: the web API's history, --replay, the controller's name", () => {
  it.live("-w with --historize and --web-history DIR: /history/files lists the history file, then DIR's files", () => Effect.gen(function* () {
    const dir = yield* tempDir
    const other = yield* tempDir
    writeFileSync(join(other, "old.hst"), "")
    const s = yield* serveCpppo("enip", "server", "--historize", join(dir, "now.hst"), "--web-history", other, "-a", "127.0.0.1:0", "-A", "-U", "-w", "127.0.0.1:0", "X=INT")
    const [, web] = yield* s.lines(2)
    expect(yield* getJson(`http://${web!.slice(4)}/history/files`)).toEqual({ files: ["now.hst", "old.hst"] })
  }).pipe(Effect.scoped))

  it.live("--replay FILE plays its records into the tags", () => Effect.gen(function* () {
    const dir = yield* tempDir
    const file = join(dir, "plant.hst")
    writeFileSync(file, '2026-01-01 00:00:00.000\t["X", [0, 0]]\t{"write": [7]}\n')
    const s = yield* serveCpppo("enip", "server", "--replay", file, "-a", "127.0.0.1:0", "-A", "-U", "X=INT")
    const [tcp] = yield* s.lines(1)
    const c = yield* Client.connect({ host: "127.0.0.1", port: portOf(tcp!) })
    let values: ReadonlyArray<unknown> = []
    for (let i = 0; i < 100; i++) {
      values = (yield* c.processAll(ops("X"))).transactions[0]!.values ?? []
      if (values[0] === 7) break
      yield* Effect.sleep("50 millis")
    }
    expect(values).toEqual([7])
  }).pipe(Effect.scoped))

  it.live("the one controller is named plc (its /metrics label)", () => Effect.gen(function* () {
    const s = yield* serveCpppo("enip", "server", "-a", "127.0.0.1:0", "-A", "-U", "-w", "127.0.0.1:0", "X=INT")
    const [, web] = yield* s.lines(2)
    const text = yield* Effect.promise(() => fetch(`http://${web!.slice(4)}/metrics`).then((r) => r.text()))
    expect(text).toMatch(/^cpppo_up\{controller="plc"\} 1$/m)
  }).pipe(Effect.scoped))
})

describe("runSimulator as an app calls it", () => {
  const start = (config: Parameters<typeof runSimulator>[0]) =>
    Effect.gen(function* () {
      const listening = yield* Deferred.make<{ tcp: number; web: string | undefined }>()
      const fiber = yield* Effect.forkScoped(runSimulator(config, {
        onListening: ({ tcp, web }) => Deferred.succeed(listening, { tcp: tcp.port, web: web === undefined ? undefined : `http://127.0.0.1:${web.port}` })
      }).pipe(Effect.provide(Logger.minimumLogLevel(LogLevel.Warning))))
      const got = yield* Deferred.await(listening).pipe(Effect.timeout("10 seconds"))
      return { ...got, fiber }
    })

  it.live("web without history access: the history file (historize) is what the web API may read", () => Effect.gen(function* () {
    const dir = yield* tempDir
    const s = yield* start({ host: "127.0.0.1", port: 0, udp: false, tags: ["X=INT"], historize: join(dir, "app.hst"), web: { host: "127.0.0.1", port: 0 } })
    expect(yield* getJson(`${s.web!}/history/files`)).toEqual({ files: ["app.hst"] })
    yield* Fiber.interrupt(s.fiber)
  }).pipe(Effect.scoped))

  it.live("maxBufferedBytes: requests held under a delay past it close the session; without it they are answered", () => Effect.gen(function* () {
    const tight = yield* start({ host: "127.0.0.1", port: 0, udp: false, tags: ["X=INT"], delay: 0.2, maxBufferedBytes: 1 })
    const a = yield* rawClient(tight.tcp)
    a.send("65000400000000000000000000000000000000000000000001000000")
    expect(yield* isClosed(a)).toBe(true)
    const roomy = yield* start({ host: "127.0.0.1", port: 0, udp: false, tags: ["X=INT"], delay: 0.2 })
    expect(yield* register(yield* rawClient(roomy.tcp))).not.toBe(0)
  }).pipe(Effect.scoped))

  it.live("without hooks: it serves, and no printer runs (no fiber dies on a tag event)", () => Effect.gen(function* () {
    const logged: Array<string> = []
    const capture = Logger.replace(Logger.defaultLogger, Logger.make(({ message, cause }) => {
      logged.push(`${(Array.isArray(message) ? message : [message]).join(" ")}${Cause.isEmpty(cause) ? "" : ` ${Cause.pretty(cause)}`}`)
    }))
    const fiber = yield* Effect.forkScoped(runSimulator({ host: "127.0.0.1", port: 0, udp: false, tags: ["X=INT"] }).pipe(
      Effect.provide(capture), Effect.provide(Logger.minimumLogLevel(LogLevel.All))))
    let port = 0
    for (let i = 0; i < 200 && port === 0; i++) {
      const m = logged.map((l) => /EtherNet\/IP server listening on 127\.0\.0\.1:(\d+)/.exec(l)).find((x) => x !== null)
      if (m) port = Number(m[1])
      else yield* Effect.sleep("20 millis")
    }
    expect(port).toBeGreaterThan(0)
    const c = yield* Client.connect({ host: "127.0.0.1", port })
    expect((yield* c.processAll(ops("X=(INT)2", "X"))).transactions.map((t) => t.values)).toEqual([[2], [2]])
    yield* Effect.sleep("50 millis")
    expect(fiber.unsafePoll()).toBeNull()
    expect(logged.filter((l) => /unhandled|TypeError/.test(l))).toEqual([])
  }).pipe(Effect.scoped))

  it.live("a controller that cannot start fails with its own error, not the fleet's wrapper", () => Effect.gen(function* () {
    const e = yield* Effect.flip(runSimulator({ host: "127.0.0.1", port: 0, udp: false, tags: ["X=INT", "X=DINT"] }).pipe(
      Effect.provide(Logger.minimumLogLevel(LogLevel.Warning))))
    expect({ tag: (e as { _tag?: string })._tag, message: (e as Error).message }).toEqual({ tag: "TagSpecError", message: 'bad tag spec "X=DINT": duplicate tag name X' })
  }))
})
