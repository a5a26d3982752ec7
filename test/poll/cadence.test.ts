/**
 * The poller against a simulator on 127.0.0.1 (port 0) that is slower than the poll period
 * (a 30 ms reply delay, a 10 ms period): the cadence kept by skipping the polls that are due
 * meanwhile (counted as missed), the latency and counts its summary reports; and the options
 * passed through to the client (a non-routing device, a route path).
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Logger, LogLevel } from "effect"
import { makeEnipPoller, type PollChange } from "../../src/poll/poller.js"
import { startSimulator } from "../server/fixture.js"
import { until } from "./wait.js"

const quiet = Effect.provide(Logger.minimumLogLevel(LogLevel.Error))

describe("the poller's cadence and summary (live, 127.0.0.1)", () => {
  it.scopedLive("a controller slower than the period: polls due meanwhile are missed, the counts and latency add up", () =>
    Effect.gen(function* () {
      const sim = yield* startSimulator({ tags: ["Level=REAL", "SCADA=INT[10]"], delay: 0.03 })
      const changes: Array<PollChange> = []
      const poller = yield* makeEnipPoller({
        host: "127.0.0.1", port: sim.port, tags: ["Level", "SCADA[2-7]", "Nope"], rate: 0.01,
        onChange: (c) => Effect.sync(() => { changes.push(c) })
      })
      let s = yield* poller.summary
      while (s.polls < 4) {
        yield* Effect.sleep(20)
        s = yield* poller.summary
      }
      expect(s.reads).toBe(3 * s.polls)
      expect(s.values).toBe(7 * s.polls) // Level 1, SCADA[2-7] 6
      expect(s.errors).toBe(s.polls) // Nope, every poll (reported once)
      expect(changes.map((c) => [c.kind, c.tag, c.values.length])).toEqual([["values", "Level", 1], ["values", "SCADA", 6], ["error", "Nope", 0]])
      expect(s.changes).toBe(3)
      expect(s).toMatchObject({ connects: 1, gaps: 0, gapSeconds: 0, connected: true, lastError: undefined })
      // Each poll is three replies of at least 30 ms, one after another: two or more periods missed per poll.
      expect(s.latency.min).toBeGreaterThanOrEqual(90)
      expect(s.latency.p50).toBeGreaterThanOrEqual(s.latency.min)
      expect(s.latency.p99).toBeGreaterThanOrEqual(s.latency.p50)
      expect(s.latency.max).toBeGreaterThanOrEqual(s.latency.p99)
      expect(s.latency.max).toBeLessThanOrEqual(s.seconds * 1000)
      expect(s.missed).toBeGreaterThanOrEqual(5 * (s.polls - 1))
      // The cadence: polls and missed polls together are the periods elapsed since the first poll.
      expect(s.polls + s.missed).toBeLessThanOrEqual(s.seconds / 0.01 + 2)
      expect(s.seconds).toBeGreaterThan(0.3)
      expect(s.seconds).toBeLessThan(60)
    }).pipe(quiet), 60_000)

  it.scopedLive("a non-routing device is polled with simple; a routed one with its route path", () =>
    Effect.gen(function* () {
      const simple = yield* startSimulator({ tags: ["T=DINT"], simple: true })
      const routed = yield* startSimulator({ tags: ["T=DINT"], routePath: [{ _tag: "Port", port: 1, link: 3 }] })
      yield* simple.tags.write("T", 0, [11])
      yield* routed.tags.write("T", 0, [22])
      const seen: Array<PollChange> = []
      const onChange = (c: PollChange) => Effect.sync(() => { seen.push(c) })
      yield* makeEnipPoller({ host: "127.0.0.1", port: simple.port, tags: ["T"], rate: 0.05, simple: true, onChange })
      yield* makeEnipPoller({ host: "127.0.0.1", port: routed.port, tags: ["T"], rate: 0.05, routePath: [{ _tag: "Port", port: 1, link: 3 }], onChange })
      yield* until(() => seen.filter((c) => c.kind === "values").length >= 2 || seen.some((c) => c.kind !== "values"), 10_000, "both values")
      expect(seen.map((c) => [c.kind, c.values])).toEqual(expect.arrayContaining([["values", [11]], ["values", [22]]]))
      expect(seen).toHaveLength(2)
    }).pipe(quiet), 60_000)
})
