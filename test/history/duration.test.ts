import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import fc from "fast-check"
import { DurationParseError, formatDuration, parseDuration } from "../../src/history/index.js"

const seconds = (text: string) => Either.getOrThrowWith(parseDuration(text), (e) => e)

describe("duration", () => {
  it("parses compact and long forms", () => {
    expect(seconds("1w2d3h4m5.678s")).toBeCloseTo(7 * 86400 + 2 * 86400 + 3 * 3600 + 4 * 60 + 5.678, 9)
    expect(seconds("90")).toBe(90)
    expect(seconds("1 hour, 30 minutes")).toBe(5400)
    expect(seconds("2 days 1 sec")).toBe(172801)
    expect(seconds("250ms")).toBeCloseTo(0.25, 12)
    expect(seconds("3us")).toBeCloseTo(3e-6, 15)
    expect(seconds("7ns")).toBeCloseTo(7e-9, 18)
    expect(seconds("1y")).toBe(365 * 86400)
    expect(seconds("1h30")).toBe(3630)
    expect(seconds("-1m")).toBe(-60)
  })
  it("formats largest units first", () => {
    expect(formatDuration(90)).toBe("1m30s")
    expect(formatDuration(0)).toBe("0s")
    expect(formatDuration(0.5)).toBe("0.5s")
    expect(formatDuration(-90)).toBe("-1m30s")
    expect(formatDuration(9 * 86400 + 3 * 3600 + 4 * 60 + 5.678)).toBe("1w2d3h4m5.678s")
    expect(formatDuration(3600)).toBe("1h")
  })
  it("rejects bad input with a typed error", () => {
    for (const bad of ["", "5x", "1 2s", "h", "1..2s", "abc", "1 2"]) {
      const r = parseDuration(bad)
      expect(Either.isLeft(r) && r.left).toBeInstanceOf(DurationParseError)
    }
  })
  it.prop("parse ∘ format = id (to the µs)", [fc.integer({ min: -1e12, max: 1e12 })], ([us]) => {
    const s = us / 1e6
    expect(seconds(formatDuration(s))).toBeCloseTo(s, 5)
  })
})
