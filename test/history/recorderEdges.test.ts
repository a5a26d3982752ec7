/**
 * The history recorder and historize at their edges (README, "--historize"), against a writer that
 * keeps what it is given: events wait until handed over (never dropped below `maxPending`), the
 * recorder is congested only above `highWater`, events beyond `maxPending` are counted and logged
 * once with their number, `sync` and the scope's end hand over everything, and an event's record
 * (an empty range counts as one element, an error without a message, values missing).
 */
import { describe, expect, it } from "@effect/vitest"
import { Context, Deferred, Effect, Exit, Layer, Logger, Scope, Stream, TestClock } from "effect"
import { HistoryIoError } from "../../src/history/errors.js"
import { historize, historizeEvent, recordInputs, tagIoRecord, type TagIoEvent } from "../../src/history/historize.js"
import { HistoryRecorder, HistoryRecorderLive, makeHistoryRecorder } from "../../src/history/recorder.js"
import { Timestamp } from "../../src/history/timestamp.js"
import { HistoryWriter, type HistoryWriterService, type RecordInput, type WriterStats } from "../../src/history/writer.js"

const AT = Date.UTC(2014, 6, 16, 4, 3, 44, 186)
const event = (i: number): TagIoEvent => ({ name: "T", kind: "write", start: i, count: 1, values: [i], at: AT + i })

/** A writer that keeps every record appended, and counts flushes. */
const keeping = () => {
  const records: Array<RecordInput> = []
  let flushes = 0
  const stats: WriterStats = { records: 0, bytes: 0, flushes: 0, rotations: 0, pending: 0, dropped: 0, failing: undefined }
  const writer: HistoryWriterService = {
    path: "kept.hst",
    append: (serial, data, time) => Effect.sync(() => { records.push({ serial, data, ...(time === undefined ? {} : { time }) }) }),
    appendAll: (rs) => Effect.sync(() => { for (const r of rs) records.push(r) }),
    comment: () => Effect.void,
    flush: Effect.sync(() => { flushes++ }),
    stats: Effect.sync(() => ({ ...stats, records: records.length, flushes }))
  }
  return { writer, records, flushes: () => flushes }
}

/** A writer whose appends all fail (a full disk), with the reason given. */
const failing = (reason: string): HistoryWriterService => {
  const fail = Effect.fail(new HistoryIoError({ path: "full.hst", operation: "write", reason }))
  return { ...keeping().writer, path: "full.hst", append: () => fail, appendAll: () => fail, flush: fail }
}

const logged = () => {
  const logs: Array<string> = []
  const layer = Logger.replace(Logger.defaultLogger, Logger.make(({ logLevel, message }) => {
    logs.push(`${logLevel.label}: ${(Array.isArray(message) ? message : [message]).join(" ")}`)
  }))
  return { logs, layer }
}

describe("history recorder edges", () => {
  it.effect("congested only above highWater; beyond maxPending events are counted, logged once with their number, and sync hands over the rest", () =>
    Effect.gen(function* () {
      const { writer, records, flushes } = keeping()
      const { logs, layer } = logged()
      yield* Effect.gen(function* () {
        const scope = yield* Scope.make()
        const rec = yield* Scope.extend(makeHistoryRecorder(writer, { maxPending: 5, highWater: 3 }), scope)
        for (let i = 0; i < 3; i++) rec.record(event(i))
        expect(rec.congested()).toBe(false) // 3 waiting: at highWater, not above
        rec.record(event(3))
        expect(rec.congested()).toBe(true)
        rec.record(event(4))
        rec.record(event(5)) // the 6th: over maxPending
        rec.record(event(6))
        expect(yield* rec.stats).toMatchObject({ recorded: 0, pending: 5, overflowed: 2 })
        expect(rec.unsafeStats()).toMatchObject({ pending: 5, overflowed: 2 })
        yield* rec.sync
        expect(records.map((r) => r.data)).toEqual([0, 1, 2, 3, 4].map((i) => ({ write: [i] })))
        expect(records[4]!.time!.micros).toBe((AT + 4) * 1000)
        expect(flushes()).toBe(1)
        expect(yield* rec.stats).toMatchObject({ recorded: 5, pending: 0, overflowed: 2, writer: { records: 5 } })
        expect(rec.congested()).toBe(false)
        rec.record(event(7))
        yield* rec.sync // nothing more lost: no second error line
        yield* Scope.close(scope, Exit.void)
      }).pipe(Effect.provide(layer))
      expect(records).toHaveLength(6)
      expect(logs.filter((l) => l.startsWith("ERROR"))).toEqual(["ERROR: history kept.hst: 2 events not recorded (the writer fell 5 events behind)"])
    }))

  it.effect("the drain fiber hands events over by itself; the scope's end hands over what waits", () =>
    Effect.gen(function* () {
      const { writer, records } = keeping()
      const scope = yield* Scope.make()
      const rec = yield* Scope.extend(makeHistoryRecorder(writer, { maxPending: 2, highWater: 10 }), scope)
      rec.record(event(0))
      rec.record(event(1))
      expect(rec.congested()).toBe(false) // 2 waiting, not above the highWater (cut to maxPending 2)
      yield* TestClock.adjust("0 millis")
      expect(records.map((r) => r.data)).toEqual([{ write: [0] }, { write: [1] }])
      rec.record(event(2))
      yield* Scope.close(scope, Exit.void)
      expect(records).toHaveLength(3)
    }))

  it.effect("one event wakes the drain; a batch being written is no longer pending, what came since is, and counts toward congestion", () =>
    Effect.gen(function* () {
      const gate = yield* Deferred.make<void>()
      const { writer, records } = keeping()
      const held: HistoryWriterService = { ...writer, appendAll: (rs) => Effect.zipRight(Deferred.await(gate), writer.appendAll(rs)) }
      const scope = yield* Scope.make()
      const rec = yield* Scope.extend(makeHistoryRecorder(held, { maxPending: 10, highWater: 1 }), scope)
      rec.record(event(0))
      yield* TestClock.adjust("0 millis") // the drain takes the one event and waits on the writer
      expect(rec.unsafeStats()).toMatchObject({ recorded: 1, pending: 0 })
      expect(rec.congested()).toBe(false)
      rec.record(event(1))
      rec.record(event(2))
      expect(rec.unsafeStats()).toMatchObject({ recorded: 1, pending: 2 })
      expect(rec.congested()).toBe(true) // 2 waiting, above highWater 1
      yield* Deferred.succeed(gate, undefined)
      yield* TestClock.adjust("0 millis")
      expect(records.map((r) => r.data)).toEqual([0, 1, 2].map((i) => ({ write: [i] })))
      expect(rec.unsafeStats()).toMatchObject({ recorded: 3, pending: 0 })
      yield* Scope.close(scope, Exit.void)
    }))

  it.effect("defaults: 250,000 waiting before overflow, congested above 50,000; at least 1 each", () =>
    Effect.gen(function* () {
      const { writer } = keeping()
      const scope = yield* Scope.make()
      const tiny = yield* Scope.extend(makeHistoryRecorder(writer, { maxPending: 0, highWater: 0 }), scope)
      tiny.record(event(0))
      expect(tiny.congested()).toBe(false)
      tiny.record(event(1))
      expect(yield* tiny.stats).toMatchObject({ pending: 1, overflowed: 1 })
      yield* Scope.close(scope, Exit.void)
    }).pipe(Effect.provide(Logger.replace(Logger.defaultLogger, Logger.none))))
})

describe("the recorder as a layer, and its failures", () => {
  it.effect("HistoryRecorderLive: the recorder over the writer in context, handing over what waits when the layer closes", () =>
    Effect.gen(function* () {
      const { writer, records } = keeping()
      const scope = yield* Scope.make()
      const context = yield* Layer.buildWithScope(HistoryRecorderLive({ maxPending: 2, highWater: 1 }), scope).pipe(
        Effect.provideService(HistoryWriter, writer))
      const rec = Context.get(context, HistoryRecorder)
      rec.record(event(0))
      rec.record(event(1))
      rec.record(event(2)) // over maxPending 2
      expect(rec.congested()).toBe(true) // 2 waiting, above highWater 1
      expect(rec.unsafeStats()).toMatchObject({ pending: 2, overflowed: 1 })
      yield* Scope.close(scope, Exit.void)
      expect(records.map((r) => r.data)).toEqual([{ write: [0] }, { write: [1] }])
    }).pipe(Effect.provide(Logger.replace(Logger.defaultLogger, Logger.none))))

  it.effect("the scope's end logs the last events it could not write, with the writer's reason", () =>
    Effect.gen(function* () {
      const { logs, layer } = logged()
      yield* Effect.gen(function* () {
        const scope = yield* Scope.make()
        const rec = yield* Scope.extend(makeHistoryRecorder(failing("disk full")), scope)
        rec.record(event(0))
        yield* Scope.close(scope, Exit.void)
      }).pipe(Effect.provide(layer))
      expect(logs).toEqual(["ERROR: history: last events not written write full.hst: disk full"])
    }))

  it.effect("historize goes on when a write fails, and warns that the records are kept", () =>
    Effect.gen(function* () {
      const { logs, layer } = logged()
      yield* historize(Stream.make(event(0), event(1))).pipe(
        Effect.provideService(HistoryWriter, failing("disk full")), Effect.provide(layer))
      expect(logs).toEqual(["WARN: historize: records kept for a later write write full.hst: disk full"])
    }))
})

describe("historize edges", () => {
  it("an empty range is one element; an error without a message; missing values are an empty list", () => {
    expect(tagIoRecord({ name: "A", kind: "read", start: 7, count: 0 })).toEqual({ serial: ["A", [7, 7]], data: { read: [] } })
    expect(tagIoRecord({ name: "A", kind: "error", start: 0, count: 3 })).toEqual({ serial: ["A", [0, 2]], data: { error: "unknown error" } })
    expect([...recordInputs([{ name: "A", kind: "write", start: 0, count: 1, values: [1] }])]).toEqual([{ serial: ["A", [0, 0]], data: { write: [1] } }])
  })

  it.effect("historizeEvent appends one record, at the event's time or the writer's", () =>
    Effect.gen(function* () {
      const { writer, records } = keeping()
      yield* historizeEvent(event(3)).pipe(Effect.provideService(HistoryWriter, writer))
      yield* historizeEvent({ name: "B", kind: "read", start: 0, count: 1, values: [2] }).pipe(Effect.provideService(HistoryWriter, writer))
      expect(records[0]).toEqual({ serial: ["T", [3, 3]], data: { write: [3] }, time: Timestamp.fromMillis(AT + 3) })
      expect(records[1]).toEqual({ serial: ["B", [0, 0]], data: { read: [2] } })
    }))
})
