/**
 * Record lines at their edges (README, "Writing and reading history"): the Python-compatible JSON
 * of every kind of value (non-finite numbers, bigints, holes, `toJSON`, functions and inherited
 * keys), comments over several lines, and the parser's fast path for canonical times against its
 * slow path (other forms, invalid dates and digits, dates changing between lines), leading blanks,
 * CR line ends, and the serials shared between records.
 */
import { describe, expect, it } from "vitest"
import { formatComment, formatRecord, parseLine, parseRecordLine, parseRecordTime, pyJson, serialKey } from "../../src/history/record.js"
import { Timestamp } from "../../src/history/timestamp.js"

const micros = (text: string) => parseRecordTime(text)?.micros

describe("pyJson", () => {
  it("every kind of value, with Python's separators", () => {
    expect(pyJson("a\"b")).toBe(`"a\\"b"`)
    expect(pyJson(-1.5)).toBe("-1.5")
    expect(pyJson(Number.NaN)).toBe("null")
    expect(pyJson(Number.POSITIVE_INFINITY)).toBe("null")
    expect(pyJson(true)).toBe("true")
    expect(pyJson(false)).toBe("false")
    expect(pyJson(12345678901234567890n)).toBe("12345678901234567890")
    expect(pyJson(null)).toBe("null")
    expect(pyJson(undefined)).toBe("null")
    expect(pyJson(Symbol("s"))).toBe("null")
    expect(pyJson(() => 1)).toBe("null")
    expect(pyJson([])).toBe("[]")
    expect(pyJson({})).toBe("{}")
    expect(pyJson([1, Number.NaN, undefined, "x", [2, 3], null, false, -Infinity])).toBe(`[1, null, null, "x", [2, 3], null, false, null]`)
    expect(pyJson({ a: 1, skip: undefined, f: () => 1, b: [true], c: { d: "e" } })).toBe(`{"a": 1, "b": [true], "c": {"d": "e"}}`)
    expect(pyJson({ t: Timestamp.fromMillis(0), d: new Date(0) })).toBe(`{"t": "1970-01-01 00:00:00.000", "d": "1970-01-01T00:00:00.000Z"}`)
    const inherited = Object.create({ hidden: 1 }) as Record<string, unknown>
    inherited["own"] = 2
    expect(pyJson(inherited)).toBe(`{"own": 2}`)
  })

  it("comments: one line per line, CRLF too; records end with a newline", () => {
    expect(formatComment("a\r\nb\nc")).toBe("# a\n# b\n# c\n")
    expect(formatComment("")).toBe("# \n")
    expect(formatRecord({ time: Timestamp.fromMillis(0), serial: null, data: [1] })).toBe("1970-01-01 00:00:00.000\tnull\t[1]\n")
    expect(serialKey(["T", [0, 1]])).toBe(`["T",[0,1]]`)
    expect(serialKey(undefined)).toBe("null")
  })
})

describe("record times: the canonical fast path and the rest", () => {
  it("canonical times, and dates changing between lines (the date is remembered)", () => {
    expect(micros("2014-07-16 04:03:44.186")).toBe(Date.UTC(2014, 6, 16, 4, 3, 44, 186) * 1000)
    expect(micros("2014-07-16 23:59:59.999")).toBe(Date.UTC(2014, 6, 16, 23, 59, 59, 999) * 1000)
    expect(micros("2014-07-17 00:00:00.000")).toBe(Date.UTC(2014, 6, 17) * 1000)
    expect(micros("2014-07-16 00:00:00.001")).toBe(Date.UTC(2014, 6, 16, 0, 0, 0, 1) * 1000)
    expect(micros("1999-12-31 12:00:00.000")).toBe(Date.UTC(1999, 11, 31, 12) * 1000)
    expect(micros("2016-02-29 10:00:00.500")).toBe(Date.UTC(2016, 1, 29, 10, 0, 0, 500) * 1000)
  })

  it("what the fast path refuses: out-of-range and non-digit fields, impossible dates, other forms (parsed slowly)", () => {
    for (const bad of [
      "2014-07-16 24:00:00.000", "2014-07-16 23:60:00.000", "2014-07-16 23:59:60.000", "2014-13-16 00:00:00.000",
      "2014-00-16 00:00:00.000", "2014-07-00 00:00:00.000", "2014-07-32 00:00:00.000", "2014-02-30 00:00:00.000",
      "2014-07-16 04:03:4x.186", "2014-07-16 04:03:44.18x", "2014-07-1x 04:03:44.186", "201x-07-16 04:03:44.186",
      "2014-07-16 0x:03:44.186", "2014-07-16 04:x3:44.186", "2014-0x-16 04:03:44.186", "x014-07-16 04:03:44.186",
      "2014/07/16 04:03:44.186", "2014/07-16 04:03:44.186", "2014-07/16 04:03:44.186", "2014-07-16_04:03:44.186", "2014-07-16 04-03:44.186",
      "2014-07-16 04:03-44.186", "2014-07-16 04:03:44-186",
      // Characters next to the digits (":" is 10 and "/" is -1 past "0"): in range if taken for digits.
      "2014-07-16 04:03:4:.186", "2014-07-16 04:03:44.18:", "2014-07-16 1/:03:44.186", "2014-07-1: 04:03:44.186"
    ]) {
      expect(parseRecordTime(bad), bad).toBeUndefined()
    }
    // Other forms go the slow way: other precisions, ISO, zones.
    expect(micros("2014-07-16 04:03:44")).toBe(Date.UTC(2014, 6, 16, 4, 3, 44) * 1000)
    expect(micros("2014-07-16 04:03:44.1864")).toBe(Date.UTC(2014, 6, 16, 4, 3, 44, 186) * 1000 + 400)
    expect(micros("2014-07-16T04:03:44.186")).toBe(Date.UTC(2014, 6, 16, 4, 3, 44, 186) * 1000)
    expect(micros("2014-07-15 22:03:44.186 -0600")).toBe(Date.UTC(2014, 6, 16, 4, 3, 44, 186) * 1000)
    // A valid date after an invalid one of the same day prefix is still parsed.
    expect(parseRecordTime("2014-02-30 00:00:00.000")).toBeUndefined()
    expect(micros("2014-02-28 00:00:00.000")).toBe(Date.UTC(2014, 1, 28) * 1000)
  })
})

describe("parseRecordLine", () => {
  it("leading blanks, CR line ends, blank and comment lines, and each problem", () => {
    const line = `2014-07-16 04:03:44.186\t["T", [0, 0]]\t{"read": [1]}`
    expect(parseRecordLine(` \t${line}`)).toMatchObject({ serial: ["T", [0, 0]], data: { read: [1] } })
    expect(parseRecordLine(`${line}\r`)).toMatchObject({ data: { read: [1] } })
    expect(parseRecordLine("\r")).toBeUndefined()
    expect(parseRecordLine(" \t \r")).toBeUndefined()
    expect(parseRecordLine("\t# indented comment")).toBeUndefined()
    expect(parseRecordLine("x\r")).toBe("fields")
    expect(parseRecordLine("x")).toBe("fields") // one character: not taken for a lone CR
    expect(parseRecordLine("  y")).toBe("fields")
    expect(parseRecordLine("2014-07-16 04:03:44.186\tonly one tab")).toBe("fields")
    expect(parseRecordLine("\t\t")).toBeUndefined()
    expect(parseRecordLine(" x\t1\t2")).toBe("timestamp")
    expect(parseRecordLine("2014-07-16 04:03:44.186\t\t1")).toBe("serial")
    expect(parseRecordLine("2014-07-16 04:03:44.186\t1\t")).toBe("data")
    expect(parseRecordLine("2014-07-16 04:03:44.186\t1\t2\t3")).toBe("data")
    expect(parseLine("# x")).toEqual({ _tag: "Skip" })
  })

  it("serials are parsed once and shared between records; null serials too; the cache is bounded", () => {
    const at = (i: number, serial: string) => parseRecordLine(`2014-07-16 04:03:44.186\t${serial}\t${i}`) as { serial: unknown; data: unknown }
    const a = at(1, `["Shared", [0, 0]]`)
    const b = at(2, `["Shared", [0, 0]]`)
    expect(b.serial).toBe(a.serial)
    expect(b.data).toBe(2)
    expect(at(3, "null").serial).toBeNull()
    expect(at(4, "null").serial).toBeNull()
    expect(at(5, "0").serial).toBe(0)
    // After 4,096 other serials the cache starts again: the same text gives a new (equal) value.
    for (let i = 0; i < 4096; i++) at(i, `["S${i}", [0, 0]]`)
    const c = at(6, `["Shared", [0, 0]]`)
    expect(c.serial).toEqual(a.serial)
    expect(c.serial).not.toBe(a.serial)
  })

  it("the cache keeps 4,096 serials, alternating ones too, and starts again with the next", () => {
    const serialOf = (text: string) => (parseRecordLine(`2014-07-16 04:03:44.186\t${text}\t0`) as { serial: unknown }).serial
    const a = serialOf(`["Alt", [0, 0]]`)
    serialOf(`["Other", [0, 0]]`)
    expect(serialOf(`["Alt", [0, 0]]`)).toBe(a)
    // Find the moment the cache starts again (a probe parsed anew), then count from there.
    const probe = `["Probe", [0, 0]]`
    let kept = serialOf(probe)
    let i = 0
    for (; i < 5000; i++) {
      serialOf(`["U${i}", [0, 0]]`)
      const again = serialOf(probe)
      if (again !== kept) break
      kept = again
    }
    expect(i).toBeLessThan(5000)
    kept = serialOf(probe) // the cache now holds U<i> and the probe: 4,094 more fill it
    for (let k = 1; k <= 4094; k++) serialOf(`["V${k}", [0, 0]]`)
    expect(serialOf(probe)).toBe(kept)
    serialOf(`["V4095", [0, 0]]`) // the 4,097th: the cache starts again
    expect(serialOf(probe)).not.toBe(kept)
    expect(serialOf(probe)).toEqual(["Probe", [0, 0]])
  })
})
