/**
 * What the poller takes (reads of symbolic tags: the element and the count of a range, nothing
 * else) and refuses, saying why; and which elements it reports as changed (NaN to NaN is no
 * change, NaN to a number and back is).
 */
import { describe, expect, it } from "vitest"
import { Either } from "effect"
import { parseOperation } from "../../src/client/operations.js"
import { changedRuns, pollOperations } from "../../src/poll/poller.js"

describe("changedRuns", () => {
  it("NaN stays NaN: no change; NaN to a number, or a number to NaN, is one", () => {
    expect(changedRuns([Number.NaN, 1], [Number.NaN, 1])).toEqual([])
    expect(changedRuns([Number.NaN], [5])).toEqual([[0, 1]])
    expect(changedRuns([5], [Number.NaN])).toEqual([[0, 1]])
    expect(changedRuns([1, Number.NaN, 3], [1, 2, Number.NaN])).toEqual([[1, 2]])
    expect(changedRuns(["a", "b"], ["a", "c"])).toEqual([[1, 1]])
    expect(changedRuns([1, 2, 3], [1, 2])).toEqual([[0, 2]])
  })
})

describe("pollOperations", () => {
  it("builds reads with the element and the count of a range, nothing else", () => {
    const ops = Either.getOrThrow(pollOperations(["Level", "SCADA[2-7]", "SCADA[3]", "Program:Main.Speed"]))
    expect(ops.map((o) => ({ ...o, target: undefined }))).toEqual([
      { method: "read", target: undefined },
      { method: "read", target: undefined, element: 2, elements: 6 },
      { method: "read", target: undefined, element: 3 },
      { method: "read", target: undefined }
    ])
    expect(ops.every((o) => o.target._tag === "Symbolic")).toBe(true)
  })

  it("refuses a write, a byte offset, a class/instance path, and text that is no tag, saying why", () => {
    const why = (tags: Array<string>) => Either.match(pollOperations(tags), { onLeft: (e) => e.message, onRight: () => "accepted" })
    expect(why(["Level", "SCADA[1]=5"])).toBe('"SCADA[1]=5": poll only reads; it never writes to the controller')
    expect(why(["SCADA+4"])).toBe('"SCADA+4": poll reads tags (NAME, NAME[i], NAME[a-b], NAME.MEMBER)')
    expect(why(["@1/1/7"])).toBe('"@1/1/7": poll reads tags (NAME, NAME[i], NAME[a-b], NAME.MEMBER)')
    const parsed = parseOperation("SCADA[1")
    expect(Either.isLeft(parsed) && why(["SCADA[1"])).toBe(Either.isLeft(parsed) && parsed.left.message) // the parser's reason
    expect(pollOperations(["SCADA[1"])).toMatchObject({ _tag: "Left", left: { _tag: "PollConfigError" } })
  })
})
