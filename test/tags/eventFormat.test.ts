/**
 * How tag events print: `-p` lines in cpppo's layout (name right-aligned in 20, the element range,
 * `==` read, `<=` write, `!!` error) and the web API's value text.
 */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { formatTagEvent, showValue, type TagEvent } from "../../src/tags/events.js"
import { makeTypes } from "../../src/tags/tagStore.js"

const ev = (e: Partial<TagEvent>): TagEvent => ({ name: "SCADA", type: "INT", kind: "read", start: 0, count: 1, at: 0, ...e })

describe("formatTagEvent", () => {
  it("reads, writes and errors in cpppo's column layout", () => {
    expect(formatTagEvent(ev({ values: [5] }))).toBe("               SCADA[    0-0    ] == [5]")
    expect(formatTagEvent(ev({ kind: "write", start: 12, count: 3, values: [1, 2, 3] }))).toBe("               SCADA[   12-14   ] <= [1, 2, 3]")
    expect(formatTagEvent(ev({ kind: "error", start: 2, count: 2, error: "SCADA[2-3] is outside 0..1" })))
      .toBe("               SCADA[    2-3    ] !! SCADA[2-3] is outside 0..1")
    expect(formatTagEvent(ev({ kind: "error" }))).toBe("               SCADA[    0-0    ] !! error")
    expect(formatTagEvent(ev({ name: "Program:MainProgram.Speed_Setpoint", start: 123456, count: 1, values: [] })))
      .toBe("Program:MainProgram.Speed_Setpoint[123456-123456] == []")
  })

  it("prints values as Python does: REAL as floats, strings quoted, BOOL as True", () => {
    expect(formatTagEvent(ev({ type: "REAL", values: [1, 2.5] }))).toBe("               SCADA[    0-0    ] == [1.0, 2.5]")
    expect(formatTagEvent(ev({ type: "SSTRING", values: ["a'b"] }))).toBe(`               SCADA[    0-0    ] == ["a'b"]`)
    expect(formatTagEvent(ev({ type: "BOOL", values: [true, false] }))).toBe("               SCADA[    0-0    ] == [True, False]")
    const { type: _type, ...untyped } = ev({ values: [3] })
    expect(formatTagEvent(untyped)).toBe("               SCADA[    0-0    ] == [3]")
  })

  it("with the store's types, a structure prints as pycomm3's dict (REAL members as floats)", () => {
    const types = Either.getOrThrow(makeTypes(["Motor{Speed:REAL,Count:DINT}"]))
    const e = ev({ type: "Motor", values: [{ Speed: 1, Count: 2 }] })
    expect(formatTagEvent(e, types)).toBe("               SCADA[    0-0    ] == [{'Speed': 1.0, 'Count': 2}]")
    // Without them the members print as plain values.
    expect(formatTagEvent(e)).toBe("               SCADA[    0-0    ] == [{'Speed': 1, 'Count': 2}]")
    // An atomic type is not looked up as a structure.
    expect(formatTagEvent(ev({ type: "REAL", values: [1] }), types)).toBe("               SCADA[    0-0    ] == [1.0]")
  })
})

describe("showValue (web API)", () => {
  it("quotes strings as JSON, prints numbers, booleans, lists and structures", () => {
    expect(showValue("a\"b")).toBe(`"a\\"b"`)
    expect(showValue(1.5)).toBe("1.5")
    expect(showValue(true)).toBe("true")
    expect(showValue(5n)).toBe("5")
    expect(showValue([1, "x", [2]] as never)).toBe(`[1, "x", [2]]`)
    expect(showValue({ Speed: 1.5, Faults: [0, 0], In: { A: "z" } } as never)).toBe(`{Speed: 1.5, Faults: [0, 0], In: {A: "z"}}`)
    expect(showValue([])).toBe("[]")
  })
})
