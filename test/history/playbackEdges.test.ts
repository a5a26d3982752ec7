/**
 * Playback at its edges (README, "Playback"): an infinite speed plays without waiting, a speed
 * that is no positive number means 1, records before the start are skipped, a duration includes
 * the record exactly at its end, the loader starts at the clock's time on an empty history and
 * passes a read error on, the latest values are keyed by the serial's value (not its identity),
 * and `latestAsOf` reads nothing after its time.
 */
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Fiber, Stream, TestClock } from "effect"
import { HistoryIoError } from "../../src/history/errors.js"
import { historicalAt, LatestValues, latestAsOf, makeLoader, makePlaybackControl, play, realtimeOf } from "../../src/history/playback.js"
import type { HistoryRecord } from "../../src/history/record.js"
import { Timestamp } from "../../src/history/timestamp.js"

const T0 = Timestamp.fromMillis(Date.UTC(2014, 6, 16, 4, 0, 0))
const rec = (s: number, serial: unknown, data: unknown): HistoryRecord => ({ time: T0.plus(s), serial, data })
const series = Array.from({ length: 5 }, (_, i) => rec(i * 10, ["T", [i % 2, i % 2]], i))
const values = (rs: Chunk.Chunk<HistoryRecord>) => Chunk.toArray(rs).map((r) => r.data)

describe("play: speeds, start and duration", () => {
  it.effect("speed Infinity plays every record without waiting; NaN, 0 and negative speeds mean 1", () =>
    Effect.gen(function* () {
      const fast = yield* Effect.fork(Stream.runCollect(play(Stream.fromIterable(series), { speed: Number.POSITIVE_INFINITY })))
      yield* TestClock.adjust("0 millis")
      expect(values(yield* Fiber.join(fast))).toEqual([0, 1, 2, 3, 4])
      for (const speed of [Number.NaN, 0, -2]) {
        const fiber = yield* Effect.fork(Stream.runCollect(play(Stream.fromIterable(series), { speed })))
        yield* TestClock.adjust("39999 millis")
        expect(fiber.unsafePoll(), `speed ${speed}`).toBeNull()
        yield* TestClock.adjust("1 millis")
        expect(values(yield* Fiber.join(fiber)), `speed ${speed}`).toEqual([0, 1, 2, 3, 4])
      }
    }))

  it.effect("records before the start are skipped; a duration ends with the record exactly at its end", () =>
    Effect.gen(function* () {
      const fiber = yield* Effect.fork(Stream.runCollect(play(Stream.fromIterable(series), { start: T0.plus(10), duration: 20, speed: 10 })))
      yield* TestClock.adjust("0 millis")
      yield* TestClock.adjust("1999 millis")
      expect(fiber.unsafePoll()).toBeNull() // record 3 (30 s) is due 2 s after the start at ×10
      yield* TestClock.adjust("1 millis")
      expect(values(yield* Fiber.join(fiber))).toEqual([1, 2, 3])
      // Without a start, the duration counts from the first record.
      const first = yield* Effect.fork(Stream.runCollect(play(Stream.fromIterable(series), { duration: 10, speed: Number.POSITIVE_INFINITY })))
      yield* TestClock.adjust("0 millis")
      expect(values(yield* Fiber.join(first))).toEqual([0, 1])
    }))
})

describe("PlaybackControl positions", () => {
  it.effect("paused or at an infinite speed the position stands where it was put; a past time is reached at once", () =>
    Effect.gen(function* () {
      const control = yield* makePlaybackControl({ start: T0, speed: Number.POSITIVE_INFINITY })
      yield* TestClock.adjust("10 seconds")
      expect((yield* control.position).micros).toBe(T0.micros)
      yield* control.seek(T0.plus(100))
      yield* TestClock.adjust("10 seconds")
      expect((yield* control.position).minus(T0)).toBe(100)
      yield* control.setSpeed(2)
      yield* TestClock.adjust("3 seconds")
      expect((yield* control.position).minus(T0)).toBe(106)
      // Already past: no wait.
      const past = yield* Effect.fork(control.awaitTime(T0.plus(50)))
      yield* TestClock.adjust("0 millis")
      expect(past.unsafePoll()).not.toBeNull()
      // 0.25 historical seconds ahead at ×2: due in 125 ms.
      const soon = yield* Effect.fork(control.awaitTime(T0.plus(106.25)))
      yield* TestClock.adjust("124 millis")
      expect(soon.unsafePoll()).toBeNull()
      yield* TestClock.adjust("1 millis")
      expect(soon.unsafePoll()).not.toBeNull()
      expect(control.paused()).toBe(false)
    }))

  it("realtimeOf divides by the factor, historicalAt rounds to the µs", () => {
    const t = { start: T0, basisMicros: 1_000, factor: 3 }
    expect(realtimeOf(t, T0.plus(3))).toBe(1_001_000)
    expect(historicalAt(t, 1_001).micros).toBe(T0.micros + 3)
    expect(historicalAt({ ...t, factor: 0.5 }, 1_003).micros).toBe(T0.micros + 2) // 1.5 rounds up
  })
})

describe("latest values", () => {
  it("serials are keyed by value; a snapshot is a copy", () => {
    const v = new LatestValues()
    v.update(rec(0, ["T", [0, 0]], 1))
    v.update(rec(1, ["T", [0, 0]], 2))
    v.update(rec(2, ["T", [1, 1]], 3))
    expect(v.size).toBe(2)
    expect(v.get(["T", [0, 0]])).toEqual({ time: T0.plus(1), serial: ["T", [0, 0]], data: 2 })
    const snap = v.snapshot()
    v.update(rec(3, "other", 4))
    expect(snap.size).toBe(2)
    expect(v.size).toBe(3)
    expect([...snap.keys()]).toEqual(['["T",[0,0]]', '["T",[1,1]]'])
  })

  it.effect("latestAsOf reads nothing after its time, and includes a record exactly at it", () =>
    Effect.gen(function* () {
      const failing = Stream.concat(Stream.fromIterable(series.slice(0, 4)), Stream.fail(new HistoryIoError({ path: "x", operation: "read", reason: "boom" })))
      const v = yield* latestAsOf(failing, T0.plus(20))
      expect(v.get(["T", [0, 0]])?.data).toBe(2)
      expect(v.get(["T", [1, 1]])?.data).toBe(1)
    }))
})

describe("makeLoader", () => {
  it.scoped("on an empty history it starts at the clock's time and is exhausted", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(T0.millis)
      const loader = yield* makeLoader(Stream.empty, { speed: 2 })
      expect(loader.timeline).toEqual({ start: T0, basisMicros: T0.micros, factor: 2 })
      yield* TestClock.adjust("1 second")
      const s = yield* loader.advance
      expect(s.time.minus(T0)).toBe(2)
      expect(s.exhausted).toBe(true)
      expect(s.values.size).toBe(0)
    }))

  it.scoped("starts at the first record by default, applies records exactly due, and passes a read error on", () =>
    Effect.gen(function* () {
      const error = new HistoryIoError({ path: "h.hst", operation: "read", reason: "EIO" })
      const loader = yield* makeLoader(Stream.concat(Stream.fromIterable(series.slice(0, 2)), Stream.fail(error)), { speed: Number.NaN })
      expect(loader.timeline.start.micros).toBe(T0.micros)
      expect(loader.timeline.factor).toBe(1)
      const s = yield* loader.advance
      expect(s.values.get(["T", [0, 0]])?.data).toBe(0)
      expect(s.values.get(["T", [1, 1]])).toBeUndefined()
      expect(s.exhausted).toBe(false)
      yield* TestClock.adjust("10 seconds")
      // Record 1 (10 s) is due exactly now and is applied; the stream then fails: the error is the advance's.
      const again = yield* Effect.either(loader.advance)
      expect(again._tag === "Left" && again.left).toBe(error)
      expect(s.values.get(["T", [1, 1]])?.data).toBe(1)
    }))
})
