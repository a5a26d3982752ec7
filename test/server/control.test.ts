/**
 * ServerControl (src/server/control.ts) without a server: `-d` parsing, the initial state from
 * the options, each setter's effect and bounds, the delay range re-drawn every second only while
 * a range is set (TestClock), enabling waiting for the listener to report its port open, the
 * change listeners and stream, and `finish` completing `awaitDone`.
 */
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Fiber, Option, Stream, TestClock } from "effect"
import { type ControlState, makeServerControl, parseDelay, ServerControl, ServerControlLive } from "../../src/server/control.js"

describe("parseDelay", () => {
  it("reads seconds or a range lo-hi, with spaces and leading/trailing dots", () => {
    expect(parseDelay("0.5")).toEqual(Option.some(0.5))
    expect(parseDelay(" 2 ")).toEqual(Option.some(2))
    expect(parseDelay("3.")).toEqual(Option.some(3))
    expect(parseDelay(".25")).toEqual(Option.some(0.25))
    expect(parseDelay("0.1-0.9")).toEqual(Option.some([0.1, 0.9]))
    expect(parseDelay(" 1 - 2 ")).toEqual(Option.some([1, 2]))
    expect(parseDelay(".5-.5")).toEqual(Option.some([0.5, 0.5]))
    expect(parseDelay("1.-2.")).toEqual(Option.some([1, 2]))
    expect(parseDelay("12.5")).toEqual(Option.some(12.5))
    expect(parseDelay("1-12")).toEqual(Option.some([1, 12]))
    expect(parseDelay(".5-.25")).toEqual(Option.none()) // upside down, each part read whole
    expect(parseDelay(".25-.5")).toEqual(Option.some([0.25, 0.5]))
  })

  it("refuses a range upside down, negative or garbage", () => {
    for (const bad of ["0.9-0.1", "-1", "x", "", "1-", "1-2-3", "1 2", "a0.5", "0.5b", ".", "1e3"]) {
      expect(parseDelay(bad), bad).toEqual(Option.none())
    }
  })
})

describe("ServerControl", () => {
  it.scoped("starts from its options: no delay, latency 0.5 s, idle timeout 120 s, enabled, not listening", () =>
    Effect.gen(function* () {
      const control = yield* makeServerControl()
      expect(control.unsafeState()).toEqual({
        delay: { value: 0, range: undefined }, disabled: false, done: false, latency: 0.5, timeout: 120, listening: false
      } satisfies ControlState)
      expect(yield* control.state).toEqual(control.unsafeState())
      const given = yield* makeServerControl({ delay: 0.25, latency: 2, timeout: 7 })
      expect(given.unsafeState()).toMatchObject({ delay: { value: 0.25, range: undefined }, latency: 2, timeout: 7 })
    }))

  it.scoped("a fixed delay is never re-drawn; a range starts drawn inside it and is re-drawn each second", () =>
    Effect.gen(function* () {
      const fixed = yield* makeServerControl({ delay: 0.3 })
      yield* TestClock.adjust("5 seconds")
      expect(fixed.unsafeState().delay).toEqual({ value: 0.3, range: undefined })
      const ranged = yield* makeServerControl({ delay: [2, 3] })
      const first = ranged.unsafeState().delay
      expect(first.range).toEqual([2, 3])
      expect(first.value).toBeGreaterThanOrEqual(2)
      expect(first.value).toBeLessThanOrEqual(3)
      expect(first.value).not.toBe(2) // drawn at start, not the range's low end
      const values = new Set<number>([first.value])
      for (let i = 0; i < 4; i++) {
        yield* TestClock.adjust("1 second")
        const v = ranged.unsafeState().delay.value
        expect(v).toBeGreaterThanOrEqual(2)
        expect(v).toBeLessThanOrEqual(3)
        values.add(v)
      }
      expect(values.size).toBe(5)
    }))

  it.scoped("setDelay fixes the delay (at least 0) and stops the re-draw; setDelayRange starts it, undefined keeps the value", () =>
    Effect.gen(function* () {
      const control = yield* makeServerControl()
      yield* control.setDelayRange([10, 20])
      const drawn = control.unsafeState().delay
      expect(drawn.range).toEqual([10, 20])
      expect(drawn.value).toBeGreaterThanOrEqual(10)
      expect(drawn.value).toBeLessThanOrEqual(20)
      yield* TestClock.adjust("1 second")
      const redrawn = control.unsafeState().delay.value
      expect(redrawn).not.toBe(drawn.value)
      yield* control.setDelayRange(undefined)
      expect(control.unsafeState().delay).toEqual({ value: redrawn, range: undefined })
      yield* TestClock.adjust("3 seconds")
      expect(control.unsafeState().delay).toEqual({ value: redrawn, range: undefined })
      yield* control.setDelayRange([1, 2])
      yield* control.setDelay(-3)
      expect(control.unsafeState().delay).toEqual({ value: 0, range: undefined })
      yield* TestClock.adjust("3 seconds")
      expect(control.unsafeState().delay).toEqual({ value: 0, range: undefined })
      yield* control.setDelay(1.5)
      expect(control.unsafeState().delay).toEqual({ value: 1.5, range: undefined })
      // A new range while one is set: the re-draw keeps its one-second beat (not restarted).
      yield* control.setDelayRange([5, 6])
      yield* TestClock.adjust("500 millis")
      yield* control.setDelayRange([7, 8])
      const set = control.unsafeState().delay.value
      expect(set).toBeGreaterThanOrEqual(7)
      yield* TestClock.adjust("600 millis")
      expect(control.unsafeState().delay.value).not.toBe(set)
      // A range of one value.
      yield* control.setDelayRange([4, 4])
      expect(control.unsafeState().delay).toEqual({ value: 4, range: [4, 4] })
    }))

  it.scoped("latency is at least 10 ms, the idle timeout at least 0", () =>
    Effect.gen(function* () {
      const control = yield* makeServerControl()
      yield* control.setLatency(0.001)
      expect(control.unsafeState().latency).toBe(0.01)
      yield* control.setLatency(3)
      expect(control.unsafeState().latency).toBe(3)
      yield* control.setTimeout(-1)
      expect(control.unsafeState().timeout).toBe(0)
      yield* control.setTimeout(30)
      expect(control.unsafeState().timeout).toBe(30)
    }))

  it.scoped("disable waits for the listener to report its port closed, enable for it open again (no listener: at once)", () =>
    Effect.gen(function* () {
      const alone = yield* makeServerControl()
      yield* alone.setDisabled(true)
      expect(alone.unsafeState().disabled).toBe(true)
      yield* alone.setDisabled(false) // no listener ever reported: nothing to wait for
      expect(alone.unsafeState().disabled).toBe(false)

      const control = yield* makeServerControl()
      yield* control.setListening(true)
      const disabling = yield* Effect.fork(control.setDisabled(true))
      yield* Effect.yieldNow()
      expect(control.unsafeState().disabled).toBe(true)
      expect(Option.isNone(yield* Fiber.poll(disabling))).toBe(true) // the port is still open
      yield* control.setListening(false)
      yield* Fiber.join(disabling)
      const enabling = yield* Effect.fork(control.setDisabled(false))
      yield* Effect.yieldNow()
      expect(control.unsafeState().disabled).toBe(false)
      expect(Option.isNone(yield* Fiber.poll(enabling))).toBe(true) // still waiting
      yield* control.setListening(true)
      yield* Fiber.join(enabling)
      expect(control.unsafeState().listening).toBe(true)

      // A listener that never opens again: enabling gives up after 2 s (so does a disable never followed).
      const closing = yield* Effect.fork(control.setDisabled(true))
      yield* TestClock.adjust("2100 millis")
      yield* Fiber.join(closing)
      expect(control.unsafeState()).toMatchObject({ disabled: true, listening: true })
      yield* control.setListening(false)
      const stuck = yield* Effect.fork(control.setDisabled(false))
      yield* TestClock.adjust("1900 millis")
      expect(Option.isNone(yield* Fiber.poll(stuck))).toBe(true)
      yield* TestClock.adjust("200 millis")
      yield* Fiber.join(stuck)
      expect(control.unsafeState()).toMatchObject({ disabled: false, listening: false })
    }))

  it.scoped("onChange hears every change until unsubscribed; changes streams the states", () =>
    Effect.gen(function* () {
      const control = yield* makeServerControl()
      const heard: Array<ControlState> = []
      const stop = control.onChange((s) => heard.push(s))
      const streamed = yield* Effect.fork(control.changes.pipe(Stream.take(3), Stream.runCollect))
      yield* Effect.repeatN(Effect.yieldNow(), 20) // the stream subscribes
      yield* control.setTimeout(5)
      yield* control.setLatency(1)
      expect(heard.map((s) => [s.timeout, s.latency])).toEqual([[5, 0.5], [5, 1]])
      stop()
      yield* control.setTimeout(6)
      expect(heard).toHaveLength(2)
      const states = Chunk.toReadonlyArray(yield* Fiber.join(streamed))
      expect(states.map((s) => s.timeout)).toEqual([120, 5, 5])
      expect(control.unsafeState().timeout).toBe(6)
    }))

  it.scoped("finish marks the state done and completes awaitDone", () =>
    Effect.gen(function* () {
      const control = yield* ServerControl
      const waiting = yield* Effect.fork(control.awaitDone)
      yield* Effect.yieldNow()
      expect(Option.isNone(yield* Fiber.poll(waiting))).toBe(true)
      expect(control.unsafeState().done).toBe(false)
      yield* control.finish
      yield* Fiber.join(waiting)
      expect(control.unsafeState().done).toBe(true)
    }).pipe(Effect.provide(ServerControlLive({ timeout: 9 }))))
})
