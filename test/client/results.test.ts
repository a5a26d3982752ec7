import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { ClientError } from "../../src/client/errors.js"
import { parseOperation } from "../../src/client/operations.js"
import { formatAverage, formatResult, pyValue, type OperationResult } from "../../src/client/results.js"

const op = (s: string) => Either.getOrThrow(parseOperation(s))
const okResult = (s: string, values: OperationResult["values"], type?: OperationResult["type"]): OperationResult => ({
  index: 0, operation: op(s), ok: true, status: 0, extStatus: [], ...(values ? { values } : {}), ...(type ? { type } : {})
})

describe("cpppo print format", () => {
  it("matches cpppo's lines", () => {
    expect(formatResult(okResult("SCADA[3]=4", [4], "INT"))).toBe("            SCADA[3][  3-3  ]+  0 <= [4]: 'OK'")
    expect(formatResult(okResult("SCADA[0-3]", [0, 0, 0, 4], "INT"))).toBe("            SCADA[0][  0-3  ]+  0 == [0, 0, 0, 4]: 'OK'")
    expect(formatResult(okResult("DINT1", [0], "DINT"))).toBe("               DINT1              == [0]: 'OK'")
    expect(formatResult({ index: 0, operation: op("DINT1"), ok: false, status: 8, extStatus: [] }))
      .toBe("               DINT1              == None: 'Status 8 (service not supported)'")
    expect(formatResult({ index: 0, operation: op("T[10-11]+4"), ok: true, status: 0, extStatus: [], type: "INT", values: [1] }))
      .toBe("               T[10][ 10-10 ]+  4 == [1]: 'OK'")
  })
  it("failures name the status and extended status, or the transport error", () => {
    const r: OperationResult = { index: 0, operation: op("X[5]"), ok: false, status: 0xff, extStatus: [0x2105] }
    expect(formatResult(r)).toBe("                X[5][  5-5  ]+  0 == None: 'Status 255 [0x2105] (general error: index or offset out of range)'")
    const t: OperationResult = { index: 0, operation: op("X"), ok: false, status: -1, extStatus: [], error: new ClientError({ reason: "Timeout", message: "no reply in 5s" }) }
    expect(formatResult(t)).toBe("                   X              == None: 'no reply in 5s'")
  })
  it("numeric paths print as cpppo's format_path", () => {
    expect(formatResult({ index: 0, operation: op("@1/1/7"), ok: true, status: 0, extStatus: [], raw: new Uint8Array([3, 65, 66, 67]) }))
      .toBe("         @0x0001/1/7              == [3, 65, 66, 67]: 'OK'")
  })
  it("values print like Python repr", () => {
    expect(pyValue(1, "REAL")).toBe("1.0")
    expect(pyValue(1.5, "REAL")).toBe("1.5")
    expect(pyValue(1e16, "LREAL")).toBe("1e+16")
    expect(pyValue(1.25e-5, "LREAL")).toBe("1.25e-05")
    expect(pyValue(0.0001, "LREAL")).toBe("0.0001")
    expect(pyValue(123456789012345, "LREAL")).toBe("123456789012345.0")
    expect(pyValue(-2.5e20, "LREAL")).toBe("-2.5e+20")
    expect(pyValue(true)).toBe("True")
    expect(pyValue("it's")).toBe("\"it's\"")
    expect(pyValue("a\nb")).toBe("'a\\nb'")
    expect(pyValue(12n)).toBe("12")
  })
  it("average line", () => {
    expect(formatAverage(1234567, 1000)).toBe("Client Tag I/O Average 1234.567 TPS (  0.001s ea).")
  })
})
