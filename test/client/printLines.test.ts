/** cpppo's `--print` lines for the cases results.test.ts leaves out: writes, bits, numeric paths, empty averages. */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { ClientError } from "../../src/client/errors.js"
import { parseOperation } from "../../src/client/operations.js"
import { formatAverage, formatResult, resultText, type OperationResult } from "../../src/client/results.js"

const op = (s: string) => Either.getOrThrow(parseOperation(s))
const result = (s: string, more: Partial<OperationResult>): OperationResult => ({ index: 0, operation: op(s), ok: true, status: 0, extStatus: [], ...more })

describe("cpppo print lines", () => {
  it("a failed write still shows the values it tried to write; a failed read shows None", () => {
    expect(formatResult(result("X[0-1]=(INT)1,2", { ok: false, status: 5, values: [1, 2], type: "INT" })))
      .toBe("                X[0][  0-1  ]+  0 <= [1, 2]: 'Status 5 (path destination unknown)'")
    expect(formatResult(result("X[0-1]=(INT)1,2", { ok: false, status: 5 })))
      .toBe("                X[0][  0-1  ]+  0 <= None: 'Status 5 (path destination unknown)'")
    expect(formatResult(result("X[0-1]", { ok: false, status: 5, values: [1, 2], type: "INT" })))
      .toBe("                X[0][  0-1  ]+  0 == None: 'Status 5 (path destination unknown)'")
  })

  it("a successful operation without values prints True; raw bytes print as a list", () => {
    expect(formatResult(result("X=(INT)3", {}))).toBe("                   X              <= True: 'OK'")
    expect(formatResult(result("@1/1/7", { raw: Uint8Array.of() }))).toBe("         @0x0001/1/7              == []: 'OK'")
  })

  it("numeric paths: the class in 4 upper-case hex digits, the attribute only when given, the element in brackets", () => {
    expect(formatResult(result("@0xab/2", { raw: Uint8Array.of(1) }))).toBe("           @0x00AB/2              == [1]: 'OK'")
    expect(formatResult(result("@0x6b/1/2[3]", { values: [7], type: "DINT" })))
      .toBe("      @0x006B/1/2[3][  3-3  ]+  0 == [7]: 'OK'")
  })

  it("a bit prints after its element; a write with a byte offset spans its elements", () => {
    expect(formatResult(result("D.5", { values: [true], type: "BOOL" }))).toBe("                 D.5              == [True]: 'OK'")
    expect(formatResult(result("A[2].3", { values: [false], type: "BOOL" }))).toBe("              A[2].3[  2-2  ]+  0 == [False]: 'OK'")
    expect(formatResult(result("T[0-9]+4=(INT)1,2", { values: [1, 2], type: "INT" })))
      .toBe("                T[0][  0-9  ]+  4 <= [1, 2]: 'OK'")
    // A read at an offset: its count is what came back.
    expect(formatResult(result("T[0-9]+4", { values: [1, 2, 3], type: "INT" })))
      .toBe("                T[0][  0-2  ]+  4 == [1, 2, 3]: 'OK'")
  })

  it("the result text: OK, else the transport error, else the status", () => {
    const error = new ClientError({ reason: "Closed", message: "connection closed" })
    expect(resultText(result("X", { ok: true, error }))).toBe("OK")
    expect(resultText(result("X", { ok: false, status: 8, error }))).toBe("connection closed")
    expect(resultText(result("X", { ok: false, status: 8 }))).toBe("Status 8 (service not supported)")
  })

  it("the average line with nothing done, or no time taken", () => {
    expect(formatAverage(0, 0)).toBe("Client Tag I/O Average   0.000 TPS (  0.000s ea).")
    expect(formatAverage(0, 2)).toBe("Client Tag I/O Average   0.000 TPS (  0.000s ea).")
    expect(formatAverage(4, 0)).toBe("Client Tag I/O Average   0.000 TPS (  0.000s ea).")
    expect(formatAverage(3, 2)).toBe("Client Tag I/O Average   1.500 TPS (  0.667s ea).")
  })
})

describe("print lines of fragmented writes", () => {
  it("a write at a byte offset shows the whole element range it belongs to, not the count of values sent", () => {
    const op = Either.getOrThrow(parseOperation("T[0-3]+4=(INT)1,2"))
    const r: OperationResult = { index: 0, operation: op, ok: true, status: 0, extStatus: [], type: "INT", values: [1, 2] }
    expect(formatResult(r)).toBe("                T[0][  0-3  ]+  4 <= [1, 2]: 'OK'")
  })
})
