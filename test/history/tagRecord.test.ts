/**
 * tagRecordOf: which history records are about a tag (`["SCADA", [0, 3]]` with values read or
 * written, or an error with its CIP status, extended status and gap mark), and which are not (a
 * serial or range of another shape, values that are not scalars, data that is no object).
 */
import { describe, expect, it } from "vitest"
import type { HistoryRecord } from "../../src/history/record.js"
import { tagRecordOf } from "../../src/history/tagRecord.js"
import { Timestamp } from "../../src/history/timestamp.js"

const time = Timestamp.fromMillis(0)
const of = (serial: unknown, data: unknown) => tagRecordOf({ time, serial, data } as HistoryRecord)

describe("tagRecordOf", () => {
  it("values read or written, with the type when recorded; the count is the values'", () => {
    expect(of(["SCADA", [2, 4]], { read: [1, 2, 3], type: "INT" })).toEqual({ name: "SCADA", start: 2, count: 3, values: [1, 2, 3], type: "INT" })
    // No type recorded: no `type` key at all (toStrictEqual tells a key holding undefined apart).
    expect(of(["Mode", [0, 0]], { write: ["RUN"] })).toStrictEqual({ name: "Mode", start: 0, count: 1, values: ["RUN"] })
    expect(of(["F", [0, 1]], { read: [true, false], type: 3 })).toStrictEqual({ name: "F", start: 0, count: 2, values: [true, false] })
    expect(of(["X", [0, 0]], { read: [1], write: [2] })).toMatchObject({ values: [1] })
  })

  it("an error: its message, status, extended status and gap mark, over the range", () => {
    // Without a status or extended status: no such keys.
    expect(of(["L", [0, 0]], { error: "lost", gap: true })).toStrictEqual({ name: "L", start: 0, count: 1, error: { message: "lost", gap: true } })
    expect(of(["L", [3, 5]], { error: "bad", status: 5, ext: [1, 2] })).toEqual({ name: "L", start: 3, count: 3, error: { message: "bad", gap: false, status: 5, extStatus: [1, 2] } })
    expect(of(["L", [0, 0]], { error: "x", status: 1.5, ext: [1, "2"], gap: "yes" })).toStrictEqual({ name: "L", start: 0, count: 1, error: { message: "x", gap: false } })
  })

  it("not a tag record: another serial or range shape, a negative or reversed range, non-scalar values, no data", () => {
    for (const [serial, data] of [
      ["SCADA", { read: [1] }], [["SCADA"], { read: [1] }], [["SCADA", [0, 0], 1], { read: [1] }], [[5, [0, 0]], { read: [1] }],
      [["S", [0]], { read: [1] }], [["S", [0, 0, 0]], { read: [1] }], [["S", { 0: 0, 1: 0, length: 2 }], { read: [1] }], [["S", 0], { read: [1] }], [["S", [0, 1.5]], { read: [1] }], [["S", [0.5, 1]], { read: [1] }],
      [["S", [-1, 0]], { read: [1] }], [["S", [3, 2]], { read: [1] }],
      [["S", [0, 0]], { read: [[1]] }], [["S", [0, 1]], { read: [1, [2]] }], [["S", [0, 0]], { read: [null] }], [["S", [0, 0]], null], [["S", [0, 0]], [1]],
      [["S", [0, 0]], "read"], [["S", [0, 0]], { error: 5 }], [["S", [0, 0]], {}]
    ] as const) {
      expect(of(serial, data), JSON.stringify([serial, data])).toBeUndefined()
    }
    expect(of(["S", [2, 2]], { read: [1] })).toMatchObject({ start: 2 })
  })
})
