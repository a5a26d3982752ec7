/**
 * What a replay learns from a history file before it plays (scanHistory): each tag's size and
 * type — recorded, or inferred from the values (BOOL, DINT, LINT beyond 32 bits, REAL, STRING,
 * SSTRING for long text) — names matched without case, the span and count; the tag specs made for
 * the tags not given (replayTagSpecs); and the replay times `--since`/`--until`/seek take.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import * as os from "node:os"
import * as path from "node:path"
import { parseReplayTime, replayTagSpecs, scanHistory } from "../../src/replay/index.js"
import { parseTagSpec } from "../../src/tags/spec.js"
import { historyOf, T0 } from "./history.js"


const summary = (file: string) =>
  Effect.map(scanHistory(file), (scan) => ({
    scan,
    tags: Object.fromEntries([...scan.tags].map(([key, t]) => [key, `${t.name}=${t.type}[${t.count}]${t.typeRecorded ? " recorded" : ""}`]))
  }))

describe("scanHistory", () => {
  it.effect("infers a type from the values when none is recorded", () =>
    Effect.gen(function* () {
      const { tags } = yield* summary(yield* historyOf([
        [0, ["Flags", [0, 1]], { read: [true, false] }],
        [0, ["Mixed", [0, 1]], { read: [true, 3] }],
        [0, ["Small", [0, 1]], { read: [2 ** 31 - 1, -(2 ** 31) + 1] }],
        [0, ["BigUp", [0, 0]], { read: [2 ** 31] }],
        [0, ["BigDown", [0, 0]], { read: [-(2 ** 31)] }],
        [0, ["Frac", [0, 1]], { read: [1, 2.5] }],
        [0, ["FracBig", [0, 1]], { read: [2 ** 40, 0.5] }],
        [0, ["Text", [0, 0]], { read: ["x".repeat(82)] }],
        [0, ["Long", [0, 0]], { read: ["x".repeat(83)] }],
        [0, ["Empty", [0, 0]], { read: [""] }],
        [0, ["TextNum", [0, 1]], { read: ["a", 1] }],
        [0, ["Failed", [2, 4]], { error: "Path destination unknown", status: 5 }],
        [0, ["Other", [0, 0]], { read: [1.5], type: "UDT_THING" }]
      ]))
      expect(tags).toEqual({
        flags: "Flags=BOOL[2]", mixed: "Mixed=DINT[2]", small: "Small=DINT[2]", bigup: "BigUp=LINT[1]",
        bigdown: "BigDown=LINT[1]", frac: "Frac=REAL[2]", fracbig: "FracBig=REAL[2]", text: "Text=STRING[1]",
        long: "Long=SSTRING[1]", empty: "Empty=STRING[1]", textnum: "TextNum=STRING[2]", failed: "Failed=DINT[5]",
        other: "Other=REAL[1]"
      })
    }))

  it.effect("a recorded type wins; names meet without case (the first spelling kept); the largest range counts", () =>
    Effect.gen(function* () {
      const { scan, tags } = yield* summary(yield* historyOf([
        [0, "not a tag record", { anything: 1 }],
        [1, ["Level", [0, 0]], { read: [1], type: "REAL" }],
        [2, ["LEVEL", [3, 4]], { read: [1, 2] }],
        [3, ["level", [1, 1]], { read: [7] }],
        [5, ["Speed", [0, 0]], { write: [1] }]
      ]))
      expect(tags).toEqual({ level: "Level=REAL[5] recorded", speed: "Speed=DINT[1]" })
      expect(scan.records).toBe(5)
      expect(scan.first!.micros).toBe(T0.micros)
      expect(scan.last!.minus(T0)).toBe(5)
      expect(scan.files).toHaveLength(1)
    }))

  it.effect("an empty history has no span; a missing file is an error", () =>
    Effect.gen(function* () {
      const { scan } = yield* summary(yield* historyOf([]))
      expect([scan.records, scan.first, scan.last, scan.tags.size]).toEqual([0, undefined, undefined, 0])
      const missing = yield* Effect.either(scanHistory(path.join(os.tmpdir(), "cpppo-no-such-dir", "x.hst")))
      expect(Either.isLeft(missing)).toBe(true)
    }))
})

describe("replayTagSpecs", () => {
  it.effect("given specs win (by name, without case); recorded ones follow as arrays or single elements; members are skipped", () =>
    Effect.gen(function* () {
      const scan = yield* scanHistory(yield* historyOf([
        [0, ["Level", [0, 0]], { read: [1.5], type: "REAL" }],
        [0, ["scada", [0, 2]], { read: [1, 2, 3], type: "INT" }],
        [0, ["Motor.Speed", [0, 0]], { read: [3] }],
        [0, ["Tank", [0, 9]], { read: [0, 0, 0, 0, 0, 0, 0, 0, 0, 1] }]
      ]))
      const given = [Either.getOrThrow(parseTagSpec("SCADA=DINT[10]"))]
      const { specs, skipped } = replayTagSpecs(scan, given)
      expect(specs.map((s) => `${s.name}=${s.type}[${s.count}]`)).toEqual(["SCADA=DINT[10]", "Level=REAL[1]", "Tank=DINT[10]"])
      expect(skipped).toEqual(["Motor.Speed"])
      expect(specs[0]).toBe(given[0])
    }))
})

describe("parseReplayTime", () => {
  const position = T0.plus(100)
  const at = (t: string) => Either.map(parseReplayTime(t), (f) => f(position, T0).minus(T0))
  it("seconds from the beginning; +/-seconds or a duration from the position; or a time", () => {
    expect(at(" 30 ")).toEqual(Either.right(30))
    expect(at("0x10")).toEqual(Either.right(16))
    expect(at("+ 2.5")).toEqual(Either.right(102.5))
    expect(at("-1m30s")).toEqual(Either.right(10))
    expect(at("+1h")).toEqual(Either.right(3700))
    expect(at("2026-11-30T08:01:00Z")).toEqual(Either.right(60))
  })
  it("refuses what is no time, saying what it was given", () => {
    expect(at("+x")).toEqual(Either.left('"+x" is not a number of seconds or a duration'))
    expect(at("+inf")).toEqual(Either.left('"+inf" is not a number of seconds or a duration'))
    expect(at("-")).toEqual(Either.left('"-" is not a number of seconds or a duration'))
    expect(at("inf")).toEqual(Either.left('"inf" is not a time'))
    expect(at("nan")).toEqual(Either.left('"nan" is not a time'))
    expect(at("yesterday-ish")).toMatchObject({ _tag: "Left", left: expect.stringMatching(/yesterday-ish/) })
  })
})
