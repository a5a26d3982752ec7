/**
 * How a replay applies each record to the tags (TestClock): a CIP error recorded as the tag's
 * forced error (status and extended status) until its next values, one access's failure not;
 * the operator's own forced error kept, the values written underneath; BOOL values into numeric
 * tags as 1/0; values beyond a tag's end cut, with one warning; `since`/`until` bound the play and
 * its reported state; a history with no records is finished at once.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Logger, TestClock } from "effect"
import { makeReplay, type ReplayOptions, scanHistory } from "../../src/replay/index.js"
import { makeTagStore } from "../../src/tags/tagStore.js"
import { historyOf, T0 } from "./history.js"


/** Let the replay's file reads finish (real time; the TestClock does not move). */
const settle = Effect.promise(() => new Promise((r) => setTimeout(r, 60)))
const step = (ms: number) => Effect.zipRight(Effect.zipRight(settle, TestClock.adjust(ms)), settle)

/** A replay of `records` into a store of `tags`, its warnings collected. */
const replayOf = (records: ReadonlyArray<readonly [number, unknown, unknown]>, tags: ReadonlyArray<string>, options: Omit<ReplayOptions, "scan"> = {}) =>
  Effect.gen(function* () {
    const scan = yield* scanHistory(yield* historyOf(records))
    const store = yield* makeTagStore(tags)
    const warnings: Array<string> = []
    const logger = Logger.make(({ message }) => { warnings.push((Array.isArray(message) ? message : [message]).map(String).join(" ")) })
    const replay = yield* makeReplay(store, { scan, ...options }).pipe(Effect.provide(Logger.replace(Logger.defaultLogger, logger)))
    return { store, replay, warnings }
  })

describe("a replay applies records", () => {
  it.scoped("a recorded CIP status (and its extended status) is the tag's forced error until its values; a failed access is not", () =>
    Effect.gen(function* () {
      const { store, replay } = yield* replayOf([
        [0, ["Level", [0, 0]], { read: [1.5], type: "REAL" }],
        [10, ["Level", [0, 0]], { error: "one bad request" }],
        [20, ["Level", [0, 0]], { error: "Path destination unknown", status: 5, ext: [0x1234] }],
        [30, ["Level", [0, 0]], { read: [2.5], type: "REAL" }]
      ], ["Level=REAL"])
      yield* step(0)
      yield* step(10_000)
      expect(store.find("Level")!.error).toBeUndefined()
      expect((yield* replay.state).applied).toBe(1) // the failed access is neither applied nor skipped
      expect((yield* replay.state).skipped).toBe(0)
      yield* step(10_000)
      expect(store.find("Level")!.error).toEqual({ status: 5, extStatus: [0x1234] })
      expect(yield* Effect.flip(store.read("Level"))).toMatchObject({ status: 5, extStatus: [0x1234] })
      yield* step(10_000)
      expect(store.find("Level")!.error).toBeUndefined()
      expect(yield* store.read("Level")).toEqual([2.5])
      expect((yield* replay.state)).toMatchObject({ applied: 3, skipped: 0, finished: true })
    }))

  it.scoped("a status without extended status words forces an empty list", () =>
    Effect.gen(function* () {
      const { store } = yield* replayOf([[0, ["Level", [0, 0]], { error: "Privilege violation", status: 0x0f }]], ["Level=REAL"])
      yield* step(0)
      expect(store.find("Level")!.error).toEqual({ status: 0x0f, extStatus: [] })
    }))

  it.scoped("the operator's forced error stays; the values are written underneath it", () =>
    Effect.gen(function* () {
      const { store, replay } = yield* replayOf([
        [0, ["Level", [0, 0]], { read: [1.5], type: "REAL" }],
        [10, ["Level", [0, 0]], { read: [2.5], type: "REAL" }]
      ], ["Level=REAL"], { deferStart: true })
      const operator = { status: 0x08 }
      yield* store.setError("Level", operator)
      yield* replay.start
      yield* step(0)
      yield* step(10_000)
      expect(store.find("Level")!.error).toBe(operator)
      yield* store.setError("Level", undefined)
      expect(yield* store.read("Level")).toEqual([2.5])
      expect((yield* replay.state).applied).toBe(2)
    }))

  it.scoped("BOOL values go into a numeric tag as 1 and 0; into a STRING tag they are refused once, not fatal", () =>
    Effect.gen(function* () {
      const { store, replay, warnings } = yield* replayOf([
        [0, ["Flags", [0, 2]], { read: [true, false, true] }],
        [0, ["Name", [0, 0]], { read: [true] }],
        [1, ["Name", [0, 0]], { read: [false] }],
        [2, ["Name", [0, 0]], { read: ["ok"] }]
      ], ["Flags=SINT[3]", "Name=STRING"], { speed: Number.POSITIVE_INFINITY })
      yield* step(0)
      yield* step(0)
      expect(yield* store.read("Flags")).toEqual([1, 0, 1])
      expect(yield* store.read("Name")).toEqual(["ok"])
      expect((yield* replay.state)).toMatchObject({ applied: 2, skipped: 2, finished: true })
      expect(warnings.filter((w) => w.startsWith("replay: Name: "))).toHaveLength(1)
      expect(warnings.find((w) => w.startsWith("replay: Name: "))).toMatch(/\(said once\)$/)
    }))

  it.scoped("values beyond the tag's end are cut (one warning); a record wholly beyond it, or of no tag here, is skipped", () =>
    Effect.gen(function* () {
      const { store, replay, warnings } = yield* replayOf([
        [0, ["SCADA", [1, 3]], { read: [1, 2, 3], type: "INT" }],
        [1, ["SCADA", [2, 3]], { read: [5, 6], type: "INT" }],
        [2, ["SCADA", [3, 3]], { read: [9], type: "INT" }],
        [3, ["Gone", [0, 0]], { read: [1] }],
        [4, ["Gone", [0, 0]], { read: [2] }],
        [5, ["Lost", [0, 0]], { read: [3] }],
        [6, ["Fits", [0, 1]], { read: [4, 5] }]
      ], ["SCADA=INT[3]", "Fits=INT[2]"], { speed: Number.POSITIVE_INFINITY })
      yield* step(0)
      yield* step(0)
      expect(yield* store.read("SCADA", 0, 3)).toEqual([0, 1, 5])
      expect(yield* store.read("Fits", 0, 2)).toEqual([4, 5])
      expect((yield* replay.state)).toMatchObject({ applied: 3, skipped: 4 })
      expect(warnings).toEqual([ // once per tag and kind, none for values that fit
        "replay: SCADA[1-3] does not fit in SCADA[0-2]: the elements beyond are not replayed (said once)",
        "replay: Gone is recorded but is not a tag here (said once)",
        "replay: Lost is recorded but is not a tag here (said once)"
      ])
    }))
})

describe("a replay's span and state", () => {
  it.scoped("since and until bound what is played; the position shown stops at until", () =>
    Effect.gen(function* () {
      const { store, replay } = yield* replayOf([
        [0, ["Level", [0, 0]], { read: [1], type: "REAL" }],
        [10, ["Level", [0, 0]], { read: [2], type: "REAL" }],
        [20, ["Level", [0, 0]], { read: [3], type: "REAL" }],
        [30, ["Level", [0, 0]], { read: [4], type: "REAL" }]
      ], ["Level=REAL"], { since: T0.plus(5), until: T0.plus(20) })
      yield* step(0)
      expect(yield* store.read("Level")).toEqual([1]) // as of since
      const st = yield* replay.state
      expect([st.begin.minus(T0), st.end.minus(T0), st.position.minus(T0), st.finished]).toEqual([5, 20, 5, false])
      yield* step(5_000)
      expect(yield* store.read("Level")).toEqual([2])
      yield* step(10_000)
      expect(yield* store.read("Level")).toEqual([3])
      yield* step(60_000)
      expect(yield* store.read("Level")).toEqual([3]) // nothing after until
      const end = yield* replay.state
      expect([end.position.minus(T0), end.finished, end.applied]).toEqual([20, true, 3])
    }))

  it.scoped("paused from the start, it shows the beginning and holds; a history with no records is finished at once", () =>
    Effect.gen(function* () {
      const { store, replay } = yield* replayOf([
        [0, ["Level", [0, 0]], { read: [1], type: "REAL" }],
        [10, ["Level", [0, 0]], { read: [2], type: "REAL" }]
      ], ["Level=REAL"], { paused: true })
      yield* step(0)
      yield* step(30_000)
      expect(yield* store.read("Level")).toEqual([1])
      expect(yield* replay.state).toMatchObject({ paused: true, finished: false })
      expect((yield* replay.state).position.minus(T0)).toBe(0)

      const empty = yield* replayOf([], ["Level=REAL"], { loop: true })
      yield* step(0)
      const st = yield* empty.replay.state
      expect(st).toMatchObject({ finished: true, applied: 0, loops: 0, loop: true })
      expect(st.begin.micros).toBe(st.position.micros)
      expect(st.end.micros).toBe(st.position.micros)
    }))
})
