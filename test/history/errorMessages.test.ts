/**
 * The one-line messages of the history module's errors (what `cpppo history …` prints after
 * `cpppo:`), each produced by the function that fails, and the offset text they and the zone
 * renderings use.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Stream } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import {
  DurationParseError, formatOffsetMinutes, HistoryFileError, HistoryIoError, makeZoneRegistry, parseDuration, readFile,
  resolveAbbreviation, seriesFiles, Timestamp
} from "../../src/history/index.js"

const message = <E extends { message: string }>(e: Either.Either<unknown, E>): string =>
  Either.isLeft(e) ? e.left.message : `no error: ${JSON.stringify(e.right)}`

describe("history error messages", () => {
  it("timestamps: the input quoted and the reason", () => {
    expect(message(Timestamp.parse("2014-13-01 00:00:00"))).toBe(`invalid timestamp "2014-13-01 00:00:00": field out of range`)
  })

  it("zones: unknown zone, unknown region, an ambiguous abbreviation with each meaning's zone and offset", () => {
    expect(message(Timestamp.parse("2014-07-01 00:00:00 Mars/Base"))).toBe(`unknown time zone "Mars/Base"`)
    expect(message(makeZoneRegistry("Nowhere"))).toBe(`unknown time zone region "Nowhere"`)
    expect(message(makeZoneRegistry(" , "))).toBe(`unknown time zone region " , "`)
    const registry = Either.getOrThrow(makeZoneRegistry(["IN", "IE"]))
    expect(message(resolveAbbreviation(registry, "IST", Date.UTC(2014, 6, 1))))
      .toBe("ambiguous time zone abbreviation IST: Asia/Kolkata (+0530), Europe/Dublin (+0100); give a preference")
    expect(message(resolveAbbreviation(registry, "XYZ", Date.UTC(2014, 6, 1)))).toBe(`unknown time zone "XYZ"`)
  })

  it("durations: the input quoted and the reason", () => {
    expect(message(parseDuration("1 fortnight"))).toBe(`invalid duration "1 fortnight": unknown unit "fortnight"`)
    expect(new DurationParseError({ input: "", reason: "empty" }).message).toBe(`invalid duration "": empty`)
  })

  it.effect("files: the operation and path of an I/O failure; the file and line of a file that is not history", () =>
    Effect.gen(function* () {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cpppo-errmsg-"))
      const none = path.join(dir, "none.hst")
      expect(message(yield* Effect.either(seriesFiles(none)))).toBe(`open ${none}: no such file`)
      const bad = path.join(dir, "bad.hst")
      fs.writeFileSync(bad, "hello\n")
      const failed = yield* Effect.either(Stream.runCollect(readFile(bad)))
      expect(Either.isLeft(failed) && failed.left._tag).toBe("HistoryFileError")
      expect(message(failed)).toMatch(new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:1: corrupt first record \\(.+\\)$`))
      expect(new HistoryFileError({ path: "h.hst", line: 7, reason: "why" }).message).toBe("h.hst:7: why")
      expect(new HistoryIoError({ path: "h.hst", operation: "write", reason: "disk full" }).message).toBe("write h.hst: disk full")
    }))

  it("offsets: sign, two-digit hours and minutes, a colon when asked", () => {
    expect(formatOffsetMinutes(0)).toBe("+0000")
    expect(formatOffsetMinutes(330)).toBe("+0530")
    expect(formatOffsetMinutes(-330, true)).toBe("-05:30")
    expect(formatOffsetMinutes(-59)).toBe("-0059")
    expect(formatOffsetMinutes(605, true)).toBe("+10:05")
    expect(formatOffsetMinutes(-720)).toBe("-1200")
  })
})
