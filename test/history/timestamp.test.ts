import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import fc from "fast-check"
import {
  AmbiguousZoneError,
  makeZoneRegistry,
  Timestamp,
  TimestampParseError,
  UnknownRegionError,
  UnknownZoneError
} from "../../src/history/index.js"

const CA = Either.getOrThrow(makeZoneRegistry("CA"))
const parse = (text: string, options = {}) => Either.getOrThrowWith(Timestamp.parse(text, options), (e) => e)
const utc = (text: string, options = {}) => parse(text, options).toString()

describe("Timestamp rendering", () => {
  it("renders UTC with milliseconds by default", () => {
    expect(Timestamp.fromSeconds(1399326142).toString()).toBe("2014-05-05 21:42:22.000")
  })
  it("rounds to the precision first", () => {
    const t = Timestamp.fromSeconds(1399326142.999836)
    expect(t.format()).toBe("2014-05-05 21:42:23.000")
    expect(t.format({ precision: 5 })).toBe("2014-05-05 21:42:22.99984")
    expect(t.format({ precision: 6 })).toBe("2014-05-05 21:42:22.999836")
    expect(t.format({ ms: false })).toBe("2014-05-05 21:42:22")
    expect(t.format({ precision: 0 })).toBe("2014-05-05 21:42:23")
  })
  it("renders in a zone with abbreviation, name or offset", () => {
    const t = Timestamp.fromSeconds(1399326142)
    expect(t.format({ zone: "America/Edmonton" })).toBe("2014-05-05 15:42:22.000 MDT")
    expect(t.format({ zone: "America/Edmonton", zoneStyle: "name" })).toBe("2014-05-05 15:42:22.000 America/Edmonton")
    expect(t.format({ zone: "America/Edmonton", zoneStyle: "offset" })).toBe("2014-05-05 15:42:22.000 -0600")
    expect(Timestamp.fromSeconds(1388534400).format({ zone: "America/Edmonton" })).toBe("2013-12-31 17:00:00.000 MST")
    expect(t.format({ zone: "Europe/Berlin" })).toBe("2014-05-05 23:42:22.000 CEST")
    expect(t.format({ zone: "Asia/Kolkata" })).toBe("2014-05-06 03:12:22.000 IST")
  })
  it("renders negative (pre-1970) times", () => {
    expect(Timestamp.fromSeconds(-1.5).toString()).toBe("1969-12-31 23:59:58.500")
  })
})

describe("Timestamp arithmetic and comparison", () => {
  it("adds and subtracts seconds; ts − ts is seconds", () => {
    const a = parse("2014-05-05 21:42:22.000")
    const b = a.plus(90.5)
    expect(b.toString()).toBe("2014-05-05 21:43:52.500")
    expect(b.minus(a)).toBe(90.5)
    expect(b.minus(90.5).micros).toBe(a.micros)
  })
  it("compares values within 1 ms as equal", () => {
    const a = Timestamp.fromMillis(1000)
    expect(a.equals(new Timestamp(a.micros + 999))).toBe(true)
    expect(a.compare(new Timestamp(a.micros - 999))).toBe(0)
    expect(a.equals(new Timestamp(a.micros + 1000))).toBe(false)
    expect(a.compare(new Timestamp(a.micros + 1000))).toBe(-1)
    expect(a.compare(new Timestamp(a.micros - 5000))).toBe(1)
  })
})

describe("Timestamp parsing", () => {
  it("parses the history form, ISO forms, Z and numeric offsets", () => {
    expect(utc("2014-05-05 21:42:22")).toBe("2014-05-05 21:42:22.000")
    expect(utc("2014-05-05T21:42:22.5Z")).toBe("2014-05-05 21:42:22.500")
    expect(utc("2014-05-05 15:42:22 -0600")).toBe("2014-05-05 21:42:22.000")
    expect(utc("2014-05-05T23:42:22+02:00")).toBe("2014-05-05 21:42:22.000")
    expect(utc("2014-05-05")).toBe("2014-05-05 00:00:00.000")
    expect(parse("2014-05-05 21:42:22.123456").micros % 1_000_000).toBe(123456)
  })
  it("parses IANA zone names and a default zone for naive times", () => {
    expect(utc("2014-05-05 15:42:22 America/Edmonton")).toBe("2014-05-05 21:42:22.000")
    expect(utc("2014-05-05 15:42:22", { zone: "America/Edmonton" })).toBe("2014-05-05 21:42:22.000")
    expect(utc("2014-01-05 15:42:22", { zone: "America/Edmonton" })).toBe("2014-01-05 22:42:22.000")
  })
  it("maps CA abbreviations to the right offset on both sides of DST changes", () => {
    // spring forward 2014-03-09 02:00 MST → 03:00 MDT (09:00 UTC)
    expect(utc("2014-03-09 01:59:59 MST", { registry: CA })).toBe("2014-03-09 08:59:59.000")
    expect(utc("2014-03-09 03:00:00 MDT", { registry: CA })).toBe("2014-03-09 09:00:00.000")
    // fall back 2014-11-02: 01:30 happens twice; the abbreviation picks which
    expect(utc("2014-11-02 01:30:00 MDT", { registry: CA })).toBe("2014-11-02 07:30:00.000")
    expect(utc("2014-11-02 01:30:00 MST", { registry: CA })).toBe("2014-11-02 08:30:00.000")
    expect(utc("2014-07-01 12:00:00 PDT", { registry: CA })).toBe("2014-07-01 19:00:00.000")
    expect(utc("2014-01-01 12:00:00 PST", { registry: CA })).toBe("2014-01-01 20:00:00.000")
    expect(utc("2014-07-01 12:00:00 EDT", { registry: CA })).toBe("2014-07-01 16:00:00.000")
    expect(utc("2014-07-01 12:00:00 NDT", { registry: CA })).toBe("2014-07-01 14:30:00.000")
    expect(utc("2014-01-01 12:00:00 NST", { registry: CA })).toBe("2014-01-01 15:30:00.000")
    expect(utc("2014-07-01 12:00:00 CST", { registry: CA })).toBe("2014-07-01 18:00:00.000") // Regina
  })
  it("round-trips zone renderings across the fall-back overlap", () => {
    for (let s = 1414908000; s < 1414918800; s += 900) {
      const t = Timestamp.fromSeconds(s)
      const text = t.format({ zone: "America/Edmonton" })
      expect(parse(text, { registry: CA }).micros).toBe(t.micros)
    }
  })
  it("uses EU abbreviations", () => {
    const EU = Either.getOrThrow(makeZoneRegistry("EU"))
    expect(utc("2014-07-01 12:00:00 CEST", { registry: EU })).toBe("2014-07-01 10:00:00.000")
    expect(utc("2014-01-01 12:00:00 CET", { registry: EU })).toBe("2014-01-01 11:00:00.000")
    expect(utc("2014-07-01 12:00:00 EEST", { registry: EU })).toBe("2014-07-01 09:00:00.000")
    expect(utc("2014-07-01 12:00:00 IST", { registry: EU })).toBe("2014-07-01 11:00:00.000") // Irish
  })
  it("reports an ambiguous abbreviation as a typed error unless a preference is given", () => {
    const reg = Either.getOrThrow(makeZoneRegistry(["Asia/Kolkata", "Europe/Dublin"]))
    const r = Timestamp.parse("2014-07-01 12:00:00 IST", { registry: reg })
    expect(Either.isLeft(r) && r.left).toBeInstanceOf(AmbiguousZoneError)
    if (Either.isLeft(r) && r.left._tag === "AmbiguousZoneError") {
      expect(r.left.candidates.map((c) => c.offsetMinutes).sort()).toEqual([330, 60].sort())
    }
    expect(utc("2014-07-01 12:00:00 IST", { registry: reg, prefer: ["Asia/Kolkata"] })).toBe("2014-07-01 06:30:00.000")
    expect(utc("2014-07-01 12:00:00 IST", { registry: reg, prefer: ["Europe/Dublin"] })).toBe("2014-07-01 11:00:00.000")
  })
  it("rejects bad input with typed errors, never throwing", () => {
    const bad = (text: string) => Either.flip(Timestamp.parse(text, { registry: CA }))
    expect(Either.getOrThrow(bad("2014-02-30 00:00:00"))).toBeInstanceOf(TimestampParseError)
    expect(Either.getOrThrow(bad("yesterday"))).toBeInstanceOf(TimestampParseError)
    expect(Either.getOrThrow(bad("2014-05-05 25:00:00"))).toBeInstanceOf(TimestampParseError)
    expect(Either.getOrThrow(bad("2014-05-05 12:00:00 CEST"))).toBeInstanceOf(UnknownZoneError) // not in CA
    expect(Either.getOrThrow(bad("2014-05-05 12:00:00 Mars/Olympus"))).toBeInstanceOf(UnknownZoneError)
    expect(Either.getOrThrow(Either.flip(makeZoneRegistry("Atlantis")))).toBeInstanceOf(UnknownRegionError)
  })
  it.prop("format ∘ parse round-trips at µs precision, in UTC and in a zone", [fc.integer({ min: -2e15, max: 4e15 })], ([us]) => {
    const t = new Timestamp(us)
    expect(parse(t.format({ precision: 6 })).micros).toBe(us)
    expect(parse(t.format({ precision: 6, zone: "America/Edmonton", zoneStyle: "offset" })).micros).toBe(us)
    const ms = parse(t.toString())
    expect(ms.equals(t) || Math.abs(ms.micros - us) <= 500).toBe(true)
  })
  it.prop("never throws on arbitrary text", [fc.string()], ([s]) => {
    const r = Timestamp.parse(s)
    expect(Either.isLeft(r) || Either.isRight(r)).toBe(true)
  })
})

describe("Timestamp rendering edge cases", () => {
  it("renders fixed offsets and never throws on an unknown zone", () => {
    const t = Timestamp.fromSeconds(1399326142)
    expect(t.format({ zone: "+05:30" })).toBe("2014-05-06 03:12:22.000 +0530")
    expect(t.format({ zone: "-0600", zoneStyle: "none" })).toBe("2014-05-05 15:42:22.000")
    expect(t.format({ zone: "Mars/Olympus" })).toBe("2014-05-05 21:42:22.000 UTC")
    expect(t.format({ zone: "UTC", zoneStyle: "offset" })).toBe("2014-05-05 21:42:22.000 +0000")
  })
})
