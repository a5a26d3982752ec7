/**
 * Timestamps at their edges (README, "Timestamps and time zones"): precision clamped to 0…6 and
 * rounded first, a custom separator, years before 1000, every spelling of UTC, zones whose
 * abbreviation is a number (rendered as the offset), the default registry (CA, US, EU), and the
 * parser's limits — every field's range, leap days, fractions to the µs with `.` or `,`, offsets
 * with and without colons up to ±18:00, local times in a DST gap or overlap, and what is no zone.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, TestClock } from "effect"
import { Timestamp } from "../../src/history/timestamp.js"

const T = Timestamp.fromSeconds(1399326142.123456) // 2014-05-05 21:42:22.123456 UTC
const utc = (text: string, options = {}) => Either.map(Timestamp.parse(text, options), (t) => t.format({ precision: 6 }))
const right = (text: string) => Either.right(text)
const problem = (text: string) => Either.match(Timestamp.parse(text), { onLeft: (e) => `${e._tag}: ${"reason" in e ? e.reason : ""}`, onRight: String })

describe("Timestamp rendering edges", () => {
  it("precision is clamped to 0…6 and truncated to an integer; ms: false cuts to the second", () => {
    expect(T.format({ precision: 9 })).toBe("2014-05-05 21:42:22.123456")
    expect(T.format({ precision: -2 })).toBe("2014-05-05 21:42:22")
    expect(T.format({ precision: 2.9 })).toBe("2014-05-05 21:42:22.12")
    expect(T.format({ precision: 1 })).toBe("2014-05-05 21:42:22.1")
    expect(Timestamp.fromSeconds(1399326142.96).format({ precision: 1 })).toBe("2014-05-05 21:42:23.0")
    expect(Timestamp.fromSeconds(1399326142.999).format({ ms: false, precision: 6 })).toBe("2014-05-05 21:42:22")
    expect(Timestamp.fromSeconds(-0.5).format({ ms: false })).toBe("1969-12-31 23:59:59")
    expect(T.format({ precision: 4, zone: "America/Edmonton" })).toBe("2014-05-05 15:42:22.1235 MDT")
  })

  it("a separator, years before 1000, and padding of every field", () => {
    expect(T.format({ separator: "T" })).toBe("2014-05-05T21:42:22.123")
    expect(T.format()).toBe("2014-05-05 21:42:22.123") // the separator is not kept from the last call
    expect(Timestamp.fromMillis(Date.UTC(812, 0, 2, 3, 4, 5, 6)).toString()).toBe("0812-01-02 03:04:05.006")
    expect(Timestamp.fromMillis(Date.UTC(2001, 8, 9, 1, 46, 40)).toString()).toBe("2001-09-09 01:46:40.000")
    expect(JSON.stringify({ t: Timestamp.fromMillis(0) })).toBe(`{"t":"1970-01-01 00:00:00.000"}`)
  })

  it("every spelling of UTC; zone styles for UTC; an abbreviation that is a number renders as the offset", () => {
    for (const zone of ["UTC", "utc", "GMT", "Z", "UT", "Etc/UTC", "etc/gmt"]) {
      expect(T.format({ zone }), zone).toBe("2014-05-05 21:42:22.123")
      expect(T.format({ zone, zoneStyle: "abbreviation" }), zone).toBe("2014-05-05 21:42:22.123 UTC")
    }
    expect(T.format({ zone: "UTC", zoneStyle: "name" })).toBe("2014-05-05 21:42:22.123 UTC")
    expect(T.format({ zone: "UTC", zoneStyle: "none" })).toBe("2014-05-05 21:42:22.123")
    expect(T.format({ zone: "America/Sao_Paulo" })).toBe("2014-05-05 18:42:22.123 -0300")
    expect(Timestamp.fromSeconds(1700000000).format({ zone: "America/Sao_Paulo" })).toBe("2023-11-14 19:13:20.000 -0300")
    expect(T.format({ zone: "America/Edmonton", zoneStyle: "none" })).toBe("2014-05-05 15:42:22.123")
    expect(T.format({ zone: "US/Mountain" })).toBe("2014-05-05 15:42:22.123 MDT")
    expect(T.format({ zone: "Asia/Kathmandu", zoneStyle: "offset" })).toBe("2014-05-06 03:27:22.123 +0545")
  })

  it("fixed offsets in every form; with style name or abbreviation they still show the offset", () => {
    expect(T.format({ zone: "-06:00" })).toBe("2014-05-05 15:42:22.123 -0600")
    expect(T.format({ zone: "UTC+0530", zoneStyle: "name" })).toBe("2014-05-06 03:12:22.123 +0530")
    expect(T.format({ zone: "GMT-3", zoneStyle: "offset" })).toBe("2014-05-05 18:42:22.123 -0300")
    expect(T.format({ zone: "+1" })).toBe("2014-05-05 22:42:22.123 +0100")
  })
})

describe("Timestamp arithmetic edges", () => {
  it.effect("from millis and seconds keep µs; minus of a number is a Timestamp; now comes from the Clock", () =>
    Effect.gen(function* () {
      expect(Timestamp.fromMillis(1.0015).micros).toBe(1002)
      expect(Timestamp.fromSeconds(-1.0000015).micros).toBe(-1000001)
      expect(T.millis).toBe(1399326142123.456)
      expect(T.seconds).toBe(1399326142.123456)
      expect(T.plus(0.0000004).micros).toBe(T.micros)
      expect(T.minus(1.5).micros).toBe(T.micros - 1_500_000)
      expect(T.minus(T.plus(2))).toBe(-2)
      yield* TestClock.setTime(1_234_567)
      expect((yield* Timestamp.now).micros).toBe(1_234_567_000)
    }))
})

describe("Timestamp parsing edges", () => {
  it("each field's range, leap days, and the reasons given", () => {
    expect(problem("2014-00-01 00:00:00")).toBe("TimestampParseError: field out of range")
    expect(problem("2014-13-01 00:00:00")).toBe("TimestampParseError: field out of range")
    expect(problem("2014-01-00 00:00:00")).toBe("TimestampParseError: field out of range")
    expect(problem("2014-01-32 00:00:00")).toBe("TimestampParseError: field out of range")
    expect(problem("2014-01-01 24:00:00")).toBe("TimestampParseError: field out of range")
    expect(problem("2014-01-01 00:60:00")).toBe("TimestampParseError: field out of range")
    expect(problem("2014-01-01 00:00:60")).toBe("TimestampParseError: field out of range")
    expect(problem("2014-04-31 00:00:00")).toBe("TimestampParseError: no such date")
    expect(problem("2014-02-29 00:00:00")).toBe("TimestampParseError: no such date")
    expect(problem("05/05/2014")).toBe("TimestampParseError: expected YYYY-MM-DD HH:MM:SS[.ffffff] [ZONE]")
    expect(utc("2016-02-29 23:59:59")).toEqual(right("2016-02-29 23:59:59.000000"))
    expect(utc("2014-12-31 23:59:59.9999995")).toEqual(right("2015-01-01 00:00:00.000000"))
    expect(utc("  2014-1-2 3:04  ")).toEqual(right("2014-01-02 03:04:00.000000"))
  })

  it("fractions with . or , to the µs; offsets with and without colons, up to ±18:00", () => {
    expect(utc("2014-05-05 21:42:22,25")).toEqual(right("2014-05-05 21:42:22.250000"))
    expect(utc("2014-05-05 21:42:22.123456789")).toEqual(right("2014-05-05 21:42:22.123457"))
    expect(utc("2014-05-05 21:42:22 +0530")).toEqual(right("2014-05-05 16:12:22.000000"))
    expect(utc("2014-05-05 21:42:22 -05:30")).toEqual(right("2014-05-06 03:12:22.000000"))
    expect(utc("2014-05-05 21:42:22 -7")).toEqual(right("2014-05-06 04:42:22.000000"))
    expect(utc("2014-05-05 21:42:22 UTC+18")).toEqual(right("2014-05-05 03:42:22.000000"))
    expect(utc("2014-05-05 21:42:22 GMT-18:00")).toEqual(right("2014-05-06 15:42:22.000000"))
    expect(problem("2014-05-05 21:42:22 +19:00")).toBe("TimestampParseError: offset out of range")
    expect(problem("2014-05-05 21:42:22 +05:60")).toBe("TimestampParseError: offset out of range")
    expect(utc("2014-05-05 21:42:22.5 America/Edmonton")).toEqual(right("2014-05-06 03:42:22.500000"))
    expect(utc("2014-05-05 21:42:22 +05:59")).toEqual(right("2014-05-05 15:43:22.000000"))
  })

  it("only whole names are UTC: a zone ending in \"ut\" or \"z\" is that zone; Newfoundland's NDT is in the default registry", () => {
    expect(utc("2014-07-01 12:00:00 Asia/Beirut")).toEqual(right("2014-07-01 09:00:00.000000"))
    expect(T.format({ zone: "Asia/Beirut" })).toBe("2014-05-06 00:42:22.123 EEST")
    expect(utc("2014-07-01 12:00:00 NDT")).toEqual(right("2014-07-01 14:30:00.000000"))
    expect(utc("2014-01-01 12:00:00 NST")).toEqual(right("2014-01-01 15:30:00.000000"))
  })

  it("a default zone, UTC spellings, a DST gap and overlap, the default registry, and what is no zone", () => {
    expect(utc("2014-05-05 21:42:22", { zone: "+02:00" })).toEqual(right("2014-05-05 19:42:22.000000"))
    expect(utc("2014-05-05 21:42:22 Z", { zone: "America/Edmonton" })).toEqual(right("2014-05-05 21:42:22.000000"))
    expect(utc("2014-05-05 21:42:22 etc/utc")).toEqual(right("2014-05-05 21:42:22.000000"))
    // 02:30 does not exist on 2014-03-09 in Edmonton (it is 03:30 MDT); 01:30 on 2014-11-02 is twice (the first, MDT).
    expect(utc("2014-03-09 02:30:00 America/Edmonton")).toEqual(right("2014-03-09 09:30:00.000000"))
    expect(utc("2014-11-02 01:30:00 America/Edmonton")).toEqual(right("2014-11-02 07:30:00.000000"))
    // Without a registry, CA, US and EU abbreviations resolve.
    expect(utc("2014-07-01 12:00:00 CEST")).toEqual(right("2014-07-01 10:00:00.000000"))
    expect(utc("2014-07-01 12:00:00 hst")).toEqual(right("2014-07-01 22:00:00.000000"))
    for (const zone of ["X", "ABCDEFG", "M5T", "Mars/Olympus"]) {
      expect(problem(`2014-07-01 12:00:00 ${zone}`), zone).toBe("UnknownZoneError: ")
    }
    expect(Either.getOrThrow(Either.flip(Timestamp.parse("2014-07-01 12:00:00 Mars/Olympus")))).toMatchObject({ zone: "Mars/Olympus" })
  })
})
