/**
 * The poller with no controller to reach (a refused port on 127.0.0.1), under TestClock: one gap
 * record per tag (once, not per retry), the reconnect back-off it announces (from the period, ×1.5,
 * up to ten periods; or as configured), and the summary it keeps meanwhile. Then a simulator
 * disabled and enabled again, twice: a gap each time, the back-off from its start each time.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Logger, LogLevel, TestClock } from "effect"
import * as net from "node:net"
import { makeEnipPoller, type PollChange, type PollConfig } from "../../src/poll/poller.js"
import { startSimulator } from "../server/fixture.js"

/** A port on 127.0.0.1 nobody listens on (bound, then closed). */
const closedPort = Effect.promise(() => new Promise<number>((resolve) => {
  const s = net.createServer()
  s.listen(0, "127.0.0.1", () => {
    const port = (s.address() as net.AddressInfo).port
    s.close(() => resolve(port))
  })
}))
/** Wait (real time: connecting is real I/O, the TestClock does not move) until `check` holds. */
const realUntil = (check: () => boolean, what: string) =>
  Effect.flatMap(Effect.promise(async () => {
    for (const t0 = Date.now(); !check() && Date.now() - t0 < 10_000;) await new Promise((r) => setTimeout(r, 5))
    return check()
  }), (ok) => (ok ? Effect.void : Effect.die(new Error(`timed out waiting for ${what}`))))
/** Wait for `n` log lines. */
const lines = (logs: ReadonlyArray<string>, n: number) => realUntil(() => logs.length >= n, `${n} log lines`)
/** A logger collecting each message as one line. */
const collect = (logs: Array<string>) =>
  Logger.replace(Logger.defaultLogger, Logger.make(({ message }) => {
    logs.push((Array.isArray(message) ? message : [message]).map(String).join(" "))
  }))

/** Run a poller against a refused port, stepping the TestClock by each announced back-off. */
const refused = (config: Omit<PollConfig, "host" | "port">, retries: number) =>
  Effect.gen(function* () {
    const port = yield* closedPort
    const logs: Array<string> = []
    const changes: Array<PollChange> = []
    const poller = yield* makeEnipPoller({ host: "127.0.0.1", port, ...config, onChange: (c) => Effect.sync(() => { changes.push(c) }) })
      .pipe(Effect.provide(collect(logs)))
    const before = poller.connected() // the first connect has not come back yet
    const waits: Array<number> = []
    for (let i = 0; i < retries; i++) {
      yield* lines(logs, i + 1)
      const said = /reconnecting in ([\d.]+) s$/.exec(logs[i] ?? "")
      if (said === null) return yield* Effect.die(new Error(`no reconnect line ${i}: ${JSON.stringify(logs)}`))
      waits.push(Number(said[1]))
      yield* TestClock.adjust(Number(said[1]) * 1000)
    }
    yield* lines(logs, retries + 1)
    return { port, logs, changes, waits, before, summary: yield* poller.summary, connected: poller.connected() }
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
      expect(r.before).toBe(false)
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

describe("the poller losing its controller (TestClock, a simulator on 127.0.0.1)", () => {
  it.scoped("a connection lost twice: two gaps, the back-off starts over, the gap's time is the clock's without values", () =>
    Effect.gen(function* () {
      const sim = yield* startSimulator({ tags: ["Level=REAL"] })
      const logs: Array<string> = []
      const changes: Array<PollChange> = []
      const poller = yield* makeEnipPoller({
        host: "127.0.0.1", port: sim.port, tags: ["Level"], rate: 1, onChange: (c) => Effect.sync(() => { changes.push(c) })
      }).pipe(Effect.provide(collect(logs)))
      yield* realUntil(() => changes.length === 1, "the first values")
      expect(poller.connected()).toBe(true)
      /** Lose the connection: the next poll (a period on) fails; then reconnect after the back-off said. */
      const lose = (refusals: ReadonlyArray<number>) =>
        Effect.gen(function* () {
          const seen = changes.length
          let said = logs.length
          yield* sim.control.setDisabled(true)
          yield* realUntil(() => !sim.control.unsafeState().listening, "the listener closed")
          yield* Effect.promise(() => new Promise((r) => setTimeout(r, 20))) // the session dropped too
          yield* TestClock.adjust(1000)
          for (const wait of refusals) {
            yield* lines(logs, ++said)
            expect(logs.at(-1)).toMatch(new RegExp(`reconnecting in ${(wait / 1000).toFixed(1)} s$`))
            if (wait === refusals.at(-1)) yield* sim.control.setDisabled(false)
            yield* TestClock.adjust(wait)
          }
          yield* realUntil(() => changes.length === seen + 2, "the gap, then values again")
          return changes.slice(seen).map((c) => [c.kind, c.values, c.at])
        })
      expect(yield* lose([1000, 1500, 2250])).toEqual([["gap", [], 1000], ["values", [0], 5750]])
      let s = yield* poller.summary
      expect([s.gaps, s.gapSeconds, s.connects, s.connected]).toEqual([1, 4.75, 2, true])
      expect(yield* lose([1000, 1500])).toEqual([["gap", [], 6750], ["values", [0], 9250]]) // from 1 s again
      s = yield* poller.summary
      expect([s.gaps, s.gapSeconds, s.connects, s.polls]).toEqual([2, 7.25, 3, 5]) // the failed polls count
    }).pipe(Effect.provide(Logger.minimumLogLevel(LogLevel.Warning))))
})
