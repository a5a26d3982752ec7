/**
 * historize end to end: a simulator started with `--historize FILE`, a client writing and reading
 * tags (and one out-of-range access), a clean stop, then the file read back with HistoryReader.
 * Once in-process (runSimulator, interrupted as Ctrl-C does) and once as the CLI a user runs
 * (`cpppo enip server --historize FILE`, stopped with SIGINT).
 */
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Deferred, Effect, Either, Fiber, Stream } from "effect"
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { WeatherAttributes } from "../../examples/custom-tag/weather.js"
import { runSimulator } from "../../src/cli/simulator.js"
import { Client, type ClientService, OperationFailed } from "../../src/client/client.js"
import { HistoryReader, readHistory } from "../../src/history/reader.js"
import { startWeatherService } from "./weatherService.js"
import { BIN } from "../cli/cpppo.js" // the real binary, node dist/cli/bin.js

const ROOT = fileURLToPath(new URL("../../", import.meta.url))

const tempDir = Effect.acquireRelease(
  Effect.sync(() => fs.mkdtempSync(path.join(os.tmpdir(), "cpppo-historize-e2e-"))),
  (d) => Effect.sync(() => fs.rmSync(d, { recursive: true, force: true }))
)

/** The client's part: a write, a read back, a single-element write, and an out-of-range read. */
const exercise = (client: ClientService) =>
  Effect.gen(function* () {
    yield* client.write("SCADA[0-3]", [0, 1, 2, 3], "INT")
    expect(yield* client.read("SCADA[0-3]")).toEqual([0, 1, 2, 3])
    yield* client.write("SCADA[7]", [-5], "INT")
    const bad = yield* Effect.either(client.read("SCADA[10]"))
    expect(Either.isLeft(bad) && bad.left instanceof OperationFailed && bad.left.result.status).toBe(0xff)
    expect(yield* client.read("SCADA[6-7]")).toEqual([0, -5])
    // A request for a tag that is not configured (printed with -p) is not recorded in the history.
    const unknown = yield* Effect.either(client.read("NoSuchTag"))
    expect(Either.isLeft(unknown) && unknown.left instanceof OperationFailed && unknown.left.result.status).toBe(0x05)
  })

/** What the history must hold after `exercise`, in order. */
const EXPECTED = [
  { serial: ["SCADA", [0, 3]], data: { write: [0, 1, 2, 3] } },
  { serial: ["SCADA", [0, 3]], data: { read: [0, 1, 2, 3] } },
  { serial: ["SCADA", [7, 7]], data: { write: [-5] } },
  { serial: ["SCADA", [10, 10]], data: { error: "SCADA: SCADA[10] is outside 0..9" } },
  { serial: ["SCADA", [6, 7]], data: { read: [0, -5] } }
]

/** Read the history back; check the records, their order in time and that they fall in [from, to]. */
const checkHistory = (file: string, from: number, to: number) =>
  Effect.gen(function* () {
    const reader = yield* HistoryReader
    const { records, corrupt } = yield* reader.readCounted([file])
    const all = Chunk.toArray(yield* Stream.runCollect(records))
    expect(yield* corrupt).toBe(0)
    expect(all.map(({ serial, data }) => ({ serial, data }))).toEqual(EXPECTED)
    const times = all.map((r) => r.time.millis)
    expect([...times].sort((a, b) => a - b)).toEqual(times)
    // The file holds milliseconds: allow the truncation at either end.
    for (const t of times) {
      expect(t).toBeGreaterThanOrEqual(from - 1)
      expect(t).toBeLessThanOrEqual(to + 1)
    }
    // The text itself is cpppo's record shape.
    const first = fs.readFileSync(file, "utf8").split("\n")[0]!
    expect(first).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\t\["SCADA", \[0, 3\]\]\t\{"write": \[0, 1, 2, 3\]\}$/)
  }).pipe(Effect.provide(HistoryReader.Live))

describe("historize end to end", () => {
  it.scopedLive("in-process: runSimulator with historize, a client, interrupt (Ctrl-C), then HistoryReader", () =>
    Effect.gen(function* () {
      const file = path.join(yield* tempDir, "scada.hst")
      const listening = yield* Deferred.make<number>()
      const from = Date.now()
      const server = yield* Effect.forkScoped(runSimulator(
        { host: "127.0.0.1", port: 0, udp: false, tags: ["SCADA=INT[10]"], historize: file },
        { onListening: ({ tcp }) => Deferred.succeed(listening, tcp.port) }
      ))
      const port = yield* Deferred.await(listening).pipe(Effect.timeout("10 seconds"))
      yield* Effect.scoped(Effect.flatMap(Client.connect({ host: "127.0.0.1", port }), exercise))
      const to = Date.now()
      yield* Fiber.interrupt(server)
      yield* checkHistory(file, from, to)
    }))

  it.scopedLive("a custom tag under runSimulator: an AttributeFactory provided from outside is used, and its I/O is historized", () =>
    Effect.gen(function* () {
      const file = path.join(yield* tempDir, "weather.hst")
      const service = yield* startWeatherService({ Edmonton: { latitude: 53.55, longitude: -113.47, celsius: -12.25 } })
      const listening = yield* Deferred.make<number>()
      const server = yield* Effect.forkScoped(runSimulator(
        { host: "127.0.0.1", port: 0, udp: false, tags: ["Edmonton=REAL", "SCADA=INT[10]"], historize: file },
        { onListening: ({ tcp }) => Deferred.succeed(listening, tcp.port) }
      ).pipe(
        Effect.provide(WeatherAttributes({ cities: ["Edmonton"], geocodingUrl: service.url, forecastUrl: service.url })),
        Effect.provide(NodeHttpClient.layer)
      ))
      const port = yield* Deferred.await(listening).pipe(Effect.timeout("10 seconds"))
      yield* Effect.scoped(Effect.gen(function* () {
        const client = yield* Client.connect({ host: "127.0.0.1", port })
        expect(yield* client.read("Edmonton")).toEqual([-12.25])
        const w = yield* Effect.either(client.write("Edmonton", [30], "REAL"))
        expect(Either.isLeft(w) && w.left instanceof OperationFailed && w.left.result.status).toBe(0x0e)
      }))
      yield* Fiber.interrupt(server)
      const records = Chunk.toArray(yield* Stream.runCollect(readHistory([file])))
      expect(records.map(({ serial, data }) => ({ serial, data }))).toEqual([
        { serial: ["Edmonton", [0, 0]], data: { read: [-12.25] } },
        { serial: ["Edmonton", [0, 0]], data: { error: "Edmonton: the temperature comes from the weather service and cannot be written" } }
      ])
    }))

  for (const command of ["server", "historize"] as const) {
    it.scopedLive(`CLI: cpppo enip ${command === "server" ? "server --historize FILE" : "historize FILE"}, a client, SIGINT, then HistoryReader`, () =>
      Effect.gen(function* () {
        const file = path.join(yield* tempDir, "scada.hst")
        const args = command === "server"
          ? ["enip", "server", "-a", "127.0.0.1:0", "-A", "-U", "--historize", file, "SCADA=INT[10]"]
          : ["enip", "historize", "-a", "127.0.0.1:0", "-A", "-U", file, "SCADA=INT[10]"]
        const from = Date.now()
        const child = yield* Effect.acquireRelease(
          Effect.sync(() => spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] })),
          (c) => Effect.sync(() => { if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL") })
        )
        let stderr = ""
        child.stderr.on("data", (d: Buffer) => { stderr += d.toString("utf8") })
        const exit = new Promise<number | string>((resolve) => child.on("exit", (code, signal) => resolve(code ?? signal ?? -1)))
        const port = yield* Effect.async<number, Error>((resume) => {
          let out = ""
          child.stdout.on("data", (d: Buffer) => {
            out += d.toString("utf8")
            const m = /^127\.0\.0\.1:(\d+)$/m.exec(out)
            if (m !== null) resume(Effect.succeed(Number(m[1])))
          })
          void exit.then((code) => resume(Effect.fail(new Error(`exited ${code} before listening: ${stderr}`))))
        }).pipe(Effect.timeoutFail({ duration: "20 seconds", onTimeout: () => new Error(`not listening after 20 s: ${stderr}`) }))
        yield* Effect.scoped(Effect.flatMap(Client.connect({ host: "127.0.0.1", port }), exercise))
        const to = Date.now()
        child.kill("SIGINT")
        const code = yield* Effect.promise(() => exit).pipe(Effect.timeout("10 seconds"))
        expect(code, stderr).toBe(0)
        yield* checkHistory(file, from, to)
      }), 60_000)
  }
})
