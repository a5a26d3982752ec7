/**
 * The poller with no controller to reach (a refused port on 127.0.0.1), under TestClock: one gap
 * record per tag (once, not per retry), the reconnect back-off it announces (from the period, ×1.5,
 * up to ten periods; or as configured), and the summary it keeps meanwhile.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Logger, TestClock } from "effect"
import * as net from "node:net"
import { makeEnipPoller, type PollChange, type PollConfig } from "../../src/poll/poller.js"

/** A port on 127.0.0.1 nobody listens on (bound, then closed). */
const closedPort = Effect.promise(() => new Promise<number>((resolve) => {
  const s = net.createServer()
  s.listen(0, "127.0.0.1", () => {
    const port = (s.address() as net.AddressInfo).port
    s.close(() => resolve(port))
  })
}))
/** Wait (real time: the refused connect is real I/O, the TestClock does not move) for `n` lines. */
const lines = (logs: ReadonlyArray<string>, n: number) =>
  Effect.promise(async () => {
    for (const t0 = Date.now(); logs.length < n && Date.now() - t0 < 10_000;) await new Promise((r) => setTimeout(r, 5))
  })

/** Run a poller against a refused port, stepping the TestClock by each announced back-off. */
const refused = (config: Omit<PollConfig, "host" | "port">, retries: number) =>
  Effect.gen(function* () {
    const port = yield* closedPort
    const logs: Array<string> = []
    const changes: Array<PollChange> = []
    const logger = Logger.make(({ message }) => {
      logs.push((Array.isArray(message) ? message : [message]).map(String).join(" "))
    })
    const poller = yield* makeEnipPoller({ host: "127.0.0.1", port, ...config, onChange: (c) => Effect.sync(() => { changes.push(c) }) })
      .pipe(Effect.provide(Logger.replace(Logger.defaultLogger, logger)))
    const waits: Array<number> = []
    for (let i = 0; i < retries; i++) {
      yield* lines(logs, i + 1)
      const said = /reconnecting in ([\d.]+) s$/.exec(logs[i] ?? "")
      if (said === null) return yield* Effect.die(new Error(`no reconnect line ${i}: ${JSON.stringify(logs)}`))
      waits.push(Number(said[1]))
      yield* TestClock.adjust(Number(said[1]) * 1000)
    }
    yield* lines(logs, retries + 1)
    return { port, logs, changes, waits, summary: yield* poller.summary, connected: poller.connected() }
  }).pipe(Effect.scoped)

describe("the poller without a controller (TestClock)", () => {
  it.scoped("backs off from the period ×1.5 up to ten periods; one gap per tag, once; the summary counts the gap", () =>
    Effect.gen(function* () {
      const r = yield* refused({ tags: ["Level", "SCADA[2-7]", "Motor.Speed[1]"], rate: 0.5 }, 8)
      expect(r.waits).toEqual([0.5, 0.8, 1.1, 1.7, 2.5, 3.8, 5.0, 5.0])
      expect(r.logs[0]).toMatch(new RegExp(`^poll 127\\.0\\.0\\.1:${r.port}: .+; reconnecting in 0\\.5 s$`))
      expect(r.changes.map((c) => [c.kind, c.tag, c.start, c.count, c.values, c.at])).toEqual([
        ["gap", "Level", 0, 1, [], 0], ["gap", "SCADA", 2, 6, [], 0], ["gap", "Motor.Speed", 1, 1, [], 0]
      ])
      expect(r.changes[0]!.reason).toBe(r.summary.lastError)
      expect(r.summary.lastError).toMatch(/./)
      const waited = r.waits.reduce((a, b) => a + b, 0) // the TestClock moved by what was said
      expect(r.summary).toMatchObject({
        polls: 0, reads: 0, values: 0, changes: 3, errors: 0, missed: 0, connects: 0, gaps: 1, connected: false,
        latency: { min: 0, p50: 0, p99: 0, max: 0 }
      })
      expect(r.summary.seconds).toBeCloseTo(waited, 6)
      expect(r.summary.gapSeconds).toBeCloseTo(waited, 6)
      expect(r.connected).toBe(false)
    }))

  it.scoped("a fast period backs off from 100 ms; an explicit back-off is taken as given", () =>
    Effect.gen(function* () {
      const fast = yield* refused({ tags: ["Level"], rate: 0.01 }, 3)
      expect(fast.waits).toEqual([0.1, 0.1, 0.1])
      const given = yield* refused({ tags: ["Level"], backoff: { min: 1000, max: 5000, factor: 2 } }, 5)
      expect(given.waits).toEqual([1.0, 2.0, 4.0, 5.0, 5.0])
      const slow = yield* refused({ tags: ["Level"], backoff: { min: 300 } }, 4)
      expect(slow.waits).toEqual([0.3, 0.5, 0.7, 1.0]) // ×1.5 by default, up to ten 1 s periods
    }))
})
