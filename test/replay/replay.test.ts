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
/** Let the replay's file reads finish (real time; the TestClock does not move). */
const settle = Effect.promise(() => new Promise((r) => setTimeout(r, 60)))
const step = (ms: number) => Effect.zipRight(Effect.zipRight(settle, TestClock.adjust(ms)), settle)

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
      yield* step(0)
      expect(yield* store.read("Level")).toEqual([1.5])
      expect(yield* store.read("SCADA")).toEqual([1, 2, 3])
      expect(yield* store.read("Mode")).toEqual(["RUN"])
      yield* step(4999)
      expect(yield* store.read("Level")).toEqual([1.5])
      yield* step(1)
      expect(yield* store.read("Level")).toEqual([2.5]) // 10 s of history = 5 s at ×2
      expect(yield* store.read("SCADA")).toEqual([1, 20, 3])
      yield* step(5000)
      expect(store.find("Level")!.error).toEqual({ status: 2 }) // the gap: not the last value held
      expect(yield* Effect.either(store.read("Level"))).toMatchObject({ _tag: "Left" })
      const st = yield* replay.state
      expect(st.position.minus(T0)).toBe(20)
      expect(st).toMatchObject({ speed: 2, paused: false, finished: false, loop: false })
      yield* step(5000)
      expect(store.find("Level")!.error).toBeUndefined()
      expect(yield* store.read("Level")).toEqual([3.5])
      yield* step(5000)
      expect(yield* store.read("Mode")).toEqual(["STOP"])
      yield* settle
      const end = yield* replay.state
      expect(end.finished).toBe(true)
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
      yield* step(1000)
      expect(yield* store.read("Level")).toEqual([0]) // not started
      yield* replay.start
      yield* step(0)
      expect(yield* store.read("Level")).toEqual([1.5])
      yield* replay.setPaused(true)
      yield* step(60_000)
      expect(yield* store.read("Level")).toEqual([1.5])
      expect((yield* replay.state).paused).toBe(true)
      yield* replay.setPaused(false)
      yield* replay.seek(T0.plus(35)) // after the gap: Level 3.5, Mode still RUN
      yield* step(0)
      expect(yield* store.read("Level")).toEqual([3.5])
      expect(yield* store.read("Mode")).toEqual(["RUN"])
      const events = yield* store.subscribe
      yield* replay.setSpeed(5) // 5 s of history to Mode=STOP: 1 s
      yield* step(999)
      expect(yield* store.read("Mode")).toEqual(["RUN"])
      expect(Chunk.toArray(yield* Queue.takeAll(events)).filter((e) => e.kind === "write")).toEqual([])
      yield* step(1)
      // Mode=STOP is the last record: written, then at once the loop starts over from the beginning.
      const written = Chunk.toArray(yield* Queue.takeAll(events)).filter((e) => e.kind === "write" && e.name === "Mode").map((e) => e.values)
      expect(written).toEqual([["STOP"], ["RUN"]])
      const st = yield* replay.state
      expect(st.loops).toBe(1)
      expect(yield* store.read("Mode")).toEqual(["RUN"])
      expect(yield* store.read("Level")).toEqual([1.5])
      yield* replay.seek(T0.plus(20))
      yield* step(0)
      expect(store.find("SCADA")!.error).toEqual({ status: 2 })
    }))

  it.scoped("a tag the file records that is not a tag here, or values that do not fit, are skipped, not fatal", () =>
    Effect.gen(function* () {
      const file = path.join(tmp(), "plant.hst")
      yield* writeHistory(file)
      const scan = yield* scanHistory(file)
      const store = yield* makeTagStore(["SCADA=INT[2]", "Level=REAL"])
      const replay = yield* makeReplay(store, { scan, speed: Number.POSITIVE_INFINITY })
      yield* step(0)
      yield* step(0)
      expect(yield* store.read("SCADA")).toEqual([1, 20])
      expect(yield* store.read("Level")).toEqual([3.5])
      const st = yield* replay.state
      expect(st.finished).toBe(true)
      expect(st.skipped).toBeGreaterThanOrEqual(3) // Mode twice, Count
    }))
})
