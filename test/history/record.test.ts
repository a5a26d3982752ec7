import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import { Either, Schema } from "effect"
import { formatComment, formatRecord, HistoryRecordJson, parseLine, pyJson, Timestamp } from "../../src/history/index.js"

describe("record lines", () => {
  it("formats like cpppo (Python json.dumps separators)", () => {
    const time = Timestamp.fromMillis(Date.UTC(2014, 6, 16, 4, 3, 44, 186))
    expect(formatRecord({ time, serial: ["SCADA", [0, 3]], data: { write: [0, 1, 2, 3] } }))
      .toBe(`2014-07-16 04:03:44.186\t["SCADA", [0, 3]]\t{"write": [0, 1, 2, 3]}\n`)
    expect(pyJson({ a: "x\ty", b: null, c: [true, 1.5] })).toBe(`{"a": "x\\ty", "b": null, "c": [true, 1.5]}`)
    expect(formatComment("one\ntwo")).toBe("# one\n# two\n")
  })
  it("parses records, skips blank and comment lines, flags corrupt ones", () => {
    const r = parseLine(`2014-07-16 04:03:44.186\t["SCADA", [0, 3]]\t{"write": [0, 1, 2, 3]}`)
    expect(r._tag).toBe("Record")
    if (r._tag === "Record") {
      expect(r.record.time.toString()).toBe("2014-07-16 04:03:44.186")
      expect(r.record.serial).toEqual(["SCADA", [0, 3]])
      expect(r.record.data).toEqual({ write: [0, 1, 2, 3] })
    }
    expect(parseLine("")._tag).toBe("Skip")
    expect(parseLine("   ")._tag).toBe("Skip")
    expect(parseLine("# a comment")._tag).toBe("Skip")
    expect(parseLine("2014-07-16 04:03:44.186 only spaces")).toEqual({ _tag: "Corrupt", problem: "fields" })
    expect(parseLine("2014-13-16 04:03:44.186\t1\t2")).toEqual({ _tag: "Corrupt", problem: "timestamp" })
    expect(parseLine("2014-07-16 04:03:44.186\t[1,\t2")).toEqual({ _tag: "Corrupt", problem: "serial" })
    expect(parseLine("2014-07-16 04:03:44.186\t1\t{\"a\":")).toEqual({ _tag: "Corrupt", problem: "data" })
  })
  it("accepts non-canonical timestamps (other precisions, ISO, zones)", () => {
    const r = parseLine("2014-07-15T22:03:44.186123-06:00\t1\t2")
    expect(r._tag === "Record" && r.record.time.format({ precision: 6 })).toBe("2014-07-16 04:03:44.186123")
  })
  it.prop("parseLine ∘ formatRecord = id", [fc.integer({ min: 0, max: 4e12 }), fc.jsonValue(), fc.jsonValue()], ([ms, serial, data]) => {
    const line = formatRecord({ time: Timestamp.fromMillis(ms), serial, data })
    const r = parseLine(line.slice(0, -1))
    expect(r._tag).toBe("Record")
    if (r._tag === "Record") {
      expect(r.record.time.micros).toBe(ms * 1000)
      expect(r.record.serial).toEqual(JSON.parse(JSON.stringify(serial)))
      expect(r.record.data).toEqual(JSON.parse(JSON.stringify(data)))
    }
  })
})

describe("record schema", () => {
  it("decodes and encodes a record's timestamp text", () => {
    const decoded = Schema.decodeUnknownSync(HistoryRecordJson)({ time: "2014-07-16 04:03:44.186", serial: ["T", [0, 0]], data: { read: [1] } })
    expect(decoded.time.micros).toBe(Date.UTC(2014, 6, 16, 4, 3, 44, 186) * 1000)
    expect(Schema.encodeSync(HistoryRecordJson)(decoded)).toEqual({ time: "2014-07-16 04:03:44.186", serial: ["T", [0, 0]], data: { read: [1] } })
    const bad = Schema.decodeUnknownEither(HistoryRecordJson)({ time: "never", serial: 1, data: 2 })
    expect(Either.isLeft(bad)).toBe(true)
    // The timestamp parser's own reason, at the time field.
    expect(Either.isLeft(bad) ? bad.left.message : "").toMatch(/\["time"\][\s\S]*invalid timestamp "never"/)
  })
})
