/**
 * Durations at their edges (README, durations of `--since`, `--duration`, rotation): signs, bare
 * and leading-dot numbers, units in any case, the reason each bad input gives, and formatting at
 * every precision (clamped to 0…9), with zero padding of fractions, years, and non-finite values.
 */
import { describe, expect, it } from "vitest"
import { Either } from "effect"
import { formatDuration, parseDuration } from "../../src/history/duration.js"

const seconds = (text: string) => Either.getOrThrowWith(parseDuration(text), (e) => e)
const reason = (text: string) => Either.match(parseDuration(text), { onLeft: (e) => e.reason, onRight: (s) => `ok ${s}` })

describe("parseDuration edges", () => {
  it("signs, numbers without a unit or with a dot first or last, units in any case, commas and blanks", () => {
    expect(seconds("+5s")).toBe(5)
    expect(seconds("  -1h 30m  ")).toBe(-5400)
    expect(seconds(".5s")).toBe(0.5)
    expect(seconds("5.s")).toBe(5)
    expect(seconds("2.5")).toBe(2.5)
    expect(seconds("1 HOUR, 2 Min,3S")).toBe(3723)
    expect(seconds("1wk 1d")).toBe(8 * 86400)
    expect(seconds("2 hrs")).toBe(7200)
    expect(seconds("1µs")).toBeCloseTo(1e-6, 15)
    expect(seconds("1m1ms")).toBeCloseTo(60.001, 12)
    expect(seconds("0")).toBe(0)
  })

  it("each bad input says why", () => {
    expect(reason("")).toBe("empty")
    expect(reason("   ")).toBe("empty")
    expect(reason("-")).toBe("empty")
    expect(reason("+")).toBe("empty")
    expect(reason(",")).toBe(`unexpected ","`)
    expect(reason("5x")).toBe(`unknown unit "x"`)
    expect(reason("1h 2x")).toBe(`unknown unit "x"`)
    expect(reason("1 2s")).toBe("only the last term may omit its unit")
    expect(reason("1h !")).toBe(`unexpected "!"`)
    expect(reason("h")).toBe(`unexpected "h"`)
    expect(reason("--1s")).toBe(`unexpected "-1s"`)
    // After a failure the next parse starts afresh.
    expect(seconds("3s")).toBe(3)
  })
})

describe("formatDuration edges", () => {
  it("precision: default 6, clamped to 0…9, truncated; fractions padded; trailing zeros dropped", () => {
    expect(formatDuration(1.05)).toBe("1.05s")
    expect(formatDuration(0.000001)).toBe("0.000001s")
    expect(formatDuration(0.0000004)).toBe("0s")
    expect(formatDuration(1.23456789, 3)).toBe("1.235s")
    expect(formatDuration(1.5, 0)).toBe("2s")
    expect(formatDuration(1.5, -3)).toBe("2s")
    expect(formatDuration(1.123456789012, 12)).toBe("1.123456789s")
    expect(formatDuration(1.123456789012, 2.9)).toBe("1.12s")
    expect(formatDuration(59.9999999)).toBe("1m")
  })

  it("every unit, zero units left out, signs, and non-finite values", () => {
    expect(formatDuration(365 * 86400 + 7 * 86400 + 86400 + 3600 + 60 + 1)).toBe("1y1w1d1h1m1s")
    expect(formatDuration(2 * 365 * 86400 + 60)).toBe("2y1m")
    expect(formatDuration(14 * 86400)).toBe("2w")
    expect(formatDuration(60)).toBe("1m")
    expect(formatDuration(-0.5)).toBe("-0.5s")
    expect(formatDuration(-0.0000001)).toBe("0s")
    expect(formatDuration(Number.NaN)).toBe("NaN")
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe("Infinity")
    expect(formatDuration(Number.NEGATIVE_INFINITY)).toBe("-Infinity")
  })
})
