/**
 * Replay of a recorded history into a TagStore, under TestClock: the state as of the start at
 * once, each later record at its (scaled) time, gaps as a forced error, pause/seek/speed while it
 * plays, loop, and the tags a file records (with their types) for those not given.
 */
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Context, Effect, Layer, Queue, TestClock } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { HistoryWriter } from "../../src/history/writer.js"
import { Timestamp } from "../../src/history/timestamp.js"
import { makeReplay, parseReplayTime, replayTagSpecs, scanHistory } from "../../src/replay/index.js"
import { parseTagSpec } from "../../src/tags/spec.js"
import { makeTagStore } from "../../src/tags/tagStore.js"
import { Either } from "effect"

const T0 = Timestamp.fromMillis(Date.UTC(2026, 10, 30, 8, 0, 0))

/** A history as `cpppo enip poll --historize` writes it. */
const RECORDS: ReadonlyArray<readonly [number, unknown, unknown]> = [
  [0, ["Level", [0, 0]], { read: [1.5], type: "REAL" }],
  [0, ["SCADA", [0, 2]], { read: [1, 2, 3], type: "INT" }],
  [0, ["Mode", [0, 0]], { read: ["RUN"], type: "STRING" }],
  [0, ["Count", [0, 0]], { read: [5] }],
  [10, ["Level", [0, 0]], { read: [2.5], type: "REAL" }],
  [10, ["SCADA", [1, 1]], { read: [20], type: "INT" }],
  [20, ["Level", [0, 0]], { error: "connection closed by the server", gap: true }],
  [20, ["SCADA", [0, 2]], { error: "connection closed by the server", gap: true }],
  [30, ["Level", [0, 0]], { read: [3.5], type: "REAL" }],
  [30, ["SCADA", [0, 2]], { read: [1, 20, 3], type: "INT" }],
  [40, ["Mode", [0, 0]], { read: ["STOP"], type: "STRING" }]
]

const writeHistory = (file: string) =>
  Effect.gen(function* () {
    const ctx = yield* Layer.build(HistoryWriter.layer({ path: file }))
    const w = Context.get(ctx, HistoryWriter)
    for (const [s, serial, data] of RECORDS) yield* w.append(serial, data, T0.plus(s))
  }).pipe(Effect.scoped)

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "cpppo-replay-"))
/**
 * The replay's file reads take real time while the TestClock stands still, so nothing here waits
 * a fixed time for them: a step only moves the clock (the replay's waits are measured from its
 * timeline, so a wait it reaches late is only shorter), and what a step must bring is awaited
 * with `eventually`; what it must not bring is checked after `quiet`.
 */
const step = (ms: number) => TestClock.adjust(ms)
const realWait = (ms: number) => Effect.promise(() => new Promise((r) => setTimeout(r, ms)))
/** A short real pause before checking that nothing happened. */
const quiet = realWait(50)
/** Retry `check` (real time, every 5 ms, at most 10 s) until it passes; then it must pass. */
const eventually = <E, R>(check: Effect.Effect<unknown, E, R>) =>
  Effect.gen(function* () {
    const t0 = Date.now()
    while (Date.now() - t0 < 10_000) {
      const r = yield* Effect.exit(check)
      if (r._tag === "Success") return
      yield* realWait(5)
    }
    yield* check
  })
/** An expectation as an Effect, for `eventually`. */
const expecting = (f: () => void | Effect.Effect<void, unknown>) =>
  Effect.suspend(() => {
    const r = f()
    return Effect.isEffect(r) ? r : Effect.void
  }).pipe(Effect.catchAllDefect((d) => Effect.fail(d)))

describe("scanHistory and the tags of a replay", () => {
  it.effect("finds each tag's size and type (recorded, or inferred from values), the span and count", () =>
    Effect.gen(function* () {
      const file = path.join(tmp(), "plant.hst.gz")
      yield* writeHistory(file)
      const scan = yield* scanHistory(file)
      expect(scan.records).toBe(RECORDS.length)
      expect(scan.first!.micros).toBe(T0.micros)
      expect(scan.last!.minus(T0)).toBe(40)
      expect([...scan.tags.values()].map((t) => [t.name, t.type, t.count, t.typeRecorded])).toEqual([
        ["Level", "REAL", 1, true], ["SCADA", "INT", 3, true], ["Mode", "STRING", 1, true], ["Count", "DINT", 1, false]
      ])
      const given = [Either.getOrThrow(parseTagSpec("SCADA=DINT[10]"))]
      const { specs } = replayTagSpecs(scan, given)
      expect(specs.map((s) => `${s.name}=${s.type}[${s.count}]`)).toEqual(["SCADA=DINT[10]", "Level=REAL[1]", "Mode=STRING[1]", "Count=DINT[1]"])
    }))

  it("replay times: seconds from the beginning, +/- from the position, or a time", () => {
    const at = (t: string) => Either.getOrThrow(parseReplayTime(t))(T0.plus(100), T0)
    expect(at("30").minus(T0)).toBe(30)
    expect(at("+1m").minus(T0)).toBe(160)
    expect(at("-10").minus(T0)).toBe(90)
    expect(at("2026-11-30 08:00:05").minus(T0)).toBe(5)
    expect(Either.isLeft(parseReplayTime("yesterday-ish"))).toBe(true)
    expect(Either.isLeft(parseReplayTime("+x"))).toBe(true)
  })
})

describe("makeReplay (TestClock)", () => {
  it.scoped("plays values at their time (×2), a gap as forced error 0x02 until the next values, and reports its state", () =>
    Effect.gen(function* () {
      const file = path.join(tmp(), "plant.hst")
      yield* writeHistory(file)
      const scan = yield* scanHistory(file)
      const store = yield* makeTagStore(replayTagSpecs(scan, []).specs)
      const replay = yield* makeReplay(store, { scan, speed: 2 })
      const read = (name: string) => Effect.either(store.read(name))
      yield* eventually(expecting(() => Effect.gen(function* () {
        expect(yield* read("Level")).toEqual(Either.right([1.5]))
        expect(yield* read("SCADA")).toEqual(Either.right([1, 2, 3]))
        expect(yield* read("Mode")).toEqual(Either.right(["RUN"]))
      })))
      yield* step(4999)
      yield* quiet
      expect(yield* store.read("Level")).toEqual([1.5])
      yield* step(1)
      // 10 s of history = 5 s at ×2
      yield* eventually(expecting(() => Effect.gen(function* () {
        expect(yield* read("Level")).toEqual(Either.right([2.5]))
        expect(yield* read("SCADA")).toEqual(Either.right([1, 20, 3]))
      })))
      yield* step(5000)
      yield* eventually(expecting(() => { expect(store.find("Level")!.error).toEqual({ status: 2 }) })) // the gap: not the last value held
      expect(yield* Effect.either(store.read("Level"))).toMatchObject({ _tag: "Left" })
      const st = yield* replay.state
      expect(st.position.minus(T0)).toBe(20)
      expect(st).toMatchObject({ speed: 2, paused: false, finished: false, loop: false })
      yield* step(5000)
      yield* eventually(expecting(() => Effect.gen(function* () {
        expect(store.find("Level")!.error).toBeUndefined()
        expect(yield* read("Level")).toEqual(Either.right([3.5]))
      })))
      yield* step(5000)
      yield* eventually(expecting(() => Effect.gen(function* () {
        expect(yield* read("Mode")).toEqual(Either.right(["STOP"]))
        expect((yield* replay.state).finished).toBe(true)
      })))
      const end = yield* replay.state
      expect(end.position.minus(T0)).toBe(40)
      expect(end.applied).toBe(RECORDS.length)
    }))

  it.scoped("pause holds, seek sets the state as of then, speed changes from the position; loop starts over", () =>
    Effect.gen(function* () {
      const file = path.join(tmp(), "plant.hst.gz")
      yield* writeHistory(file)
      const scan = yield* scanHistory(file)
      const store = yield* makeTagStore(replayTagSpecs(scan, []).specs)
      const replay = yield* makeReplay(store, { scan, loop: true, deferStart: true })
      const read = (name: string) => Effect.either(store.read(name))
      yield* step(1000)
      yield* quiet
      expect(yield* store.read("Level")).toEqual([0]) // not started
      yield* replay.start
      yield* eventually(expecting(() => Effect.gen(function* () { expect(yield* read("Level")).toEqual(Either.right([1.5])) })))
      yield* replay.setPaused(true)
      yield* step(60_000)
      yield* quiet
      expect(yield* store.read("Level")).toEqual([1.5])
      expect((yield* replay.state).paused).toBe(true)
      yield* replay.setPaused(false)
      yield* replay.seek(T0.plus(35)) // after the gap: Level 3.5, Mode still RUN
      yield* eventually(expecting(() => Effect.gen(function* () {
        expect(yield* read("Level")).toEqual(Either.right([3.5]))
        expect(yield* read("Mode")).toEqual(Either.right(["RUN"]))
      })))
      const events = yield* store.subscribe
      yield* replay.setSpeed(5) // 5 s of history to Mode=STOP: 1 s
      yield* step(999)
      yield* quiet
      expect(yield* store.read("Mode")).toEqual(["RUN"])
      const modeWrites: Array<unknown> = Chunk.toArray(yield* Queue.takeAll(events)).filter((e) => e.kind === "write")
      expect(modeWrites).toEqual([])
      yield* step(1)
      // Mode=STOP is the last record: written, then at once the loop starts over from the beginning.
      yield* eventually(expecting(() => Effect.gen(function* () {
        for (const e of Chunk.toArray(yield* Queue.takeAll(events))) if (e.kind === "write" && e.name === "Mode") modeWrites.push(e.values)
        expect(modeWrites).toEqual([["STOP"], ["RUN"]])
        expect(yield* read("Level")).toEqual(Either.right([1.5]))
      })))
      const st = yield* replay.state
      expect(st.loops).toBe(1)
      expect(yield* store.read("Mode")).toEqual(["RUN"])
      yield* replay.seek(T0.plus(20))
      yield* eventually(expecting(() => { expect(store.find("SCADA")!.error).toEqual({ status: 2 }) }))
    }))

  it.scoped("a tag the file records that is not a tag here, or values that do not fit, are skipped, not fatal", () =>
    Effect.gen(function* () {
      const file = path.join(tmp(), "plant.hst")
      yield* writeHistory(file)
      const scan = yield* scanHistory(file)
      const store = yield* makeTagStore(["SCADA=INT[2]", "Level=REAL"])
      const replay = yield* makeReplay(store, { scan, speed: Number.POSITIVE_INFINITY })
      yield* eventually(expecting(() => Effect.gen(function* () { expect((yield* replay.state).finished).toBe(true) })))
      expect(yield* store.read("SCADA")).toEqual([1, 20])
      expect(yield* store.read("Level")).toEqual([3.5])
      const st = yield* replay.state
      expect(st.skipped).toBeGreaterThanOrEqual(3) // Mode twice, Count
    }))
})
