import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Fiber, Stream, TestClock } from "effect"
import {
  historicalAt,
  type HistoryRecord,
  latestAsOf,
  makeLoader,
  makePlaybackControl,
  playWith,
  play,
  realtimeOf,
  Timestamp
} from "../../src/history/index.js"

const T0 = Timestamp.fromMillis(Date.UTC(2014, 6, 16, 4, 0, 0))
const rec = (s: number, serial: unknown, data: unknown): HistoryRecord => ({ time: T0.plus(s), serial, data })
// one record every 10 historical seconds, two serials alternating
const series = Array.from({ length: 10 }, (_, i) => rec(i * 10, i % 2 === 0 ? "a" : "b", i))

describe("playback timeline", () => {
  it("historical(now) = start + (now − basis) × factor, and its inverse", () => {
    const t = { start: T0, basisMicros: 1_000_000, factor: 4 }
    expect(historicalAt(t, 3_500_000).minus(T0)).toBe(10)
    expect(realtimeOf(t, T0.plus(10))).toBe(3_500_000)
  })
})

describe("play", () => {
  it.effect("emits each record at its playback time, at a speed factor (TestClock)", () =>
    Effect.gen(function* () {
      const seen: Array<number> = []
      const fiber = yield* play(Stream.fromIterable(series), { speed: 2 }).pipe(
        Stream.runForEach((r) => Effect.sync(() => seen.push(r.data as number))),
        Effect.fork
      )
      yield* TestClock.adjust("0 millis")
      expect(seen).toEqual([0]) // the first record is the start: due immediately
      yield* TestClock.adjust("4999 millis")
      expect(seen).toEqual([0]) // record 1 is 10 s later in history = 5 s of playback at ×2
      yield* TestClock.adjust("1 millis")
      expect(seen).toEqual([0, 1])
      yield* TestClock.adjust("20 seconds")
      expect(seen).toEqual([0, 1, 2, 3, 4, 5])
      yield* TestClock.adjust("1 minute")
      yield* Fiber.join(fiber)
      expect(seen).toHaveLength(10)
    }))

  it.effect("starts at a time and plays for a duration", () =>
    Effect.gen(function* () {
      const fiber = yield* play(Stream.fromIterable(series), { start: T0.plus(25), duration: 30 }).pipe(Stream.runCollect, Effect.fork)
      yield* TestClock.adjust("4 seconds")
      expect(fiber.unsafePoll()).toBeNull() // record 3 (t=30) is due 5 s after the start
      yield* TestClock.adjust("30 seconds")
      const out = Chunk.toArray(yield* Fiber.join(fiber))
      expect(out.map((r) => r.data)).toEqual([3, 4, 5])
    }))
})

describe("latest-value loader", () => {
  it.effect("latestAsOf keeps the last value of each serial", () =>
    Effect.gen(function* () {
      const v = yield* latestAsOf(Stream.fromIterable(series), T0.plus(35))
      expect(v.size).toBe(2)
      expect(v.get("a")?.data).toBe(2)
      expect(v.get("b")?.data).toBe(3)
    }))

  it.scoped("follows playback time", () =>
    Effect.gen(function* () {
      const loader = yield* makeLoader(Stream.fromIterable(series).pipe(Stream.rechunk(3)), { start: T0.plus(15), speed: 10 })
      let s = yield* loader.advance
      expect(s.time.minus(T0)).toBe(15)
      expect([s.values.get("a")?.data, s.values.get("b")?.data]).toEqual([0, 1])
      yield* TestClock.adjust("2 seconds") // ×10: 20 s of history → t = 35
      s = yield* loader.advance
      expect([s.values.get("a")?.data, s.values.get("b")?.data]).toEqual([2, 3])
      expect(s.exhausted).toBe(false)
      yield* TestClock.adjust("1 minute")
      s = yield* loader.advance
      expect([s.values.get("a")?.data, s.values.get("b")?.data]).toEqual([8, 9])
      expect(s.exhausted).toBe(true)
    }))
})

describe("PlaybackControl: a timeline that pauses, seeks and changes speed while it plays (TestClock)", () => {
  it.effect("playWith emits on the control's time; pause holds, speed re-bases at the position, seek jumps", () =>
    Effect.gen(function* () {
      const control = yield* makePlaybackControl({ start: T0, speed: 1 })
      const seen: Array<number> = []
      const fiber = yield* playWith(Stream.fromIterable(series), control).pipe(
        Stream.runForEach((r) => Effect.sync(() => seen.push(r.data as number))),
        Effect.fork
      )
      yield* TestClock.adjust("0 millis")
      expect(seen).toEqual([0])
      yield* TestClock.adjust("9 seconds")
      expect((yield* control.position).minus(T0)).toBe(9)
      yield* control.setPaused(true)
      yield* TestClock.adjust("1 hour")
      expect(seen).toEqual([0]) // paused: historical time stands still
      expect((yield* control.position).minus(T0)).toBe(9)
      expect(control.paused()).toBe(true)
      yield* control.setPaused(false)
      yield* TestClock.adjust("999 millis")
      expect(seen).toEqual([0])
      yield* TestClock.adjust("1 millis")
      expect(seen).toEqual([0, 1]) // at 10 s historical
      yield* control.setSpeed(10) // from 10 s: record 2 (20 s) is due in 1 s
      expect(control.speed()).toBe(10)
      yield* TestClock.adjust("999 millis")
      expect(seen).toEqual([0, 1])
      yield* TestClock.adjust("1 millis")
      expect(seen).toEqual([0, 1, 2])
      yield* control.seek(T0.plus(65)) // records 3..6 (30..60 s) are due at once
      yield* TestClock.adjust("0 millis")
      expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6])
      expect((yield* control.position).minus(T0)).toBe(65)
      yield* control.setSpeed(Number.POSITIVE_INFINITY) // every time at once
      yield* TestClock.adjust("0 millis")
      yield* Fiber.join(fiber)
      expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    }))

  it.effect("a control made paused waits until played; speeds that are not positive mean 1", () =>
    Effect.gen(function* () {
      const control = yield* makePlaybackControl({ start: T0, speed: -3, paused: true })
      expect(control.speed()).toBe(1)
      const done = yield* Effect.fork(control.awaitTime(T0.plus(2)))
      yield* TestClock.adjust("10 seconds")
      expect(done.unsafePoll()).toBeNull()
      yield* control.setPaused(false)
      yield* TestClock.adjust("1999 millis")
      expect(done.unsafePoll()).toBeNull()
      yield* TestClock.adjust("1 millis")
      expect(done.unsafePoll()).not.toBeNull()
    }))
})
