/**
 * How a poll change is recorded in history (`pollRecord`, the shape `--historize` writes) and
 * printed (`formatPollChange`, cpppo's line): values with and without their type, a CIP error with
 * and without status words, a gap, and the element range of each.
 */
import { describe, expect, it } from "vitest"
import type { PollChange } from "../../src/poll/poller.js"
import { formatPollChange, pollRecord } from "../../src/poll/record.js"

const at = 1_764_489_600_000
const change = (c: Partial<PollChange> & Pick<PollChange, "kind">): PollChange =>
  ({ tag: "SCADA", start: 0, count: 1, values: [], at, ...c })

describe("pollRecord", () => {
  it("values: the serial is the tag and its first and last element; the type when the controller said it", () => {
    expect(pollRecord(change({ kind: "values", start: 4, count: 2, values: [7, 8], type: "INT" })))
      .toEqual({ serial: ["SCADA", [4, 5]], data: { read: [7, 8], type: "INT" } })
    expect(pollRecord(change({ kind: "values", tag: "Level", values: [1.5] })))
      .toEqual({ serial: ["Level", [0, 0]], data: { read: [1.5] } })
  })

  it("an error keeps its reason, status and extended status words (none when there are none)", () => {
    expect(pollRecord(change({ kind: "error", start: 2, count: 3, reason: "Path destination unknown", status: 5, extStatus: [0x1234] })))
      .toEqual({ serial: ["SCADA", [2, 4]], data: { error: "Path destination unknown", status: 5, ext: [0x1234] } })
    expect(pollRecord(change({ kind: "error", reason: "bad", status: 4, extStatus: [] })))
      .toEqual({ serial: ["SCADA", [0, 0]], data: { error: "bad", status: 4 } })
    expect(pollRecord(change({ kind: "error" }))).toEqual({ serial: ["SCADA", [0, 0]], data: { error: "error" } })
  })

  it("a gap is an error marked gap: true, its reason or 'connection lost'; a count of 0 still names one element", () => {
    expect(pollRecord(change({ kind: "gap", start: 3, count: 0, reason: "connection reset" })))
      .toEqual({ serial: ["SCADA", [3, 3]], data: { error: "connection reset", gap: true } })
    expect(pollRecord(change({ kind: "gap", count: 6 })))
      .toEqual({ serial: ["SCADA", [0, 5]], data: { error: "connection lost", gap: true } })
  })
})

describe("formatPollChange", () => {
  it("names the range only when it is not the whole single element, right-aligned in 20 columns", () => {
    expect(formatPollChange(change({ kind: "values", tag: "Level", values: [2], type: "REAL" }))).toBe(`${"Level".padStart(20)} == [2.0]: 'OK'`)
    expect(formatPollChange(change({ kind: "values", start: 3, values: [5], type: "INT" }))).toBe(`${"SCADA[3]".padStart(20)} == [5]: 'OK'`)
    expect(formatPollChange(change({ kind: "values", start: 0, count: 2, values: [true, false] }))).toBe(`${"SCADA[0-1]".padStart(20)} == [True, False]: 'OK'`)
  })

  it("an error or a gap prints None and why", () => {
    expect(formatPollChange(change({ kind: "error", reason: "Path destination unknown", status: 5 })))
      .toBe(`${"SCADA".padStart(20)} == None: 'Path destination unknown'`)
    expect(formatPollChange(change({ kind: "error" }))).toBe(`${"SCADA".padStart(20)} == None: 'error'`)
    expect(formatPollChange(change({ kind: "gap", count: 2, reason: "timed out" }))).toBe(`${"SCADA[0-1]".padStart(20)} == None: 'gap: timed out'`)
    expect(formatPollChange(change({ kind: "gap" }))).toBe(`${"SCADA".padStart(20)} == None: 'gap: connection lost'`)
  })
})
