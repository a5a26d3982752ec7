/**
 * Numbers in client operations (README "Operations"): decimal, `0x…`, `0o…` or `0b…`, and leading
 * zeros stay decimal (`010` is ten, as cpppo reads it, not eight).
 */
import { describe, expect, it } from "vitest"
import { Either } from "effect"
import { parseOperation } from "../../src/client/operations.js"

const ok = (s: string) => Either.getOrThrow(parseOperation(s))

describe("numbers in operations", () => {
  it("leading zeros stay decimal, in paths, elements and values; 0x, 0o and 0b are hex, octal and binary", () => {
    expect(ok("@1/010/3").target).toEqual({ _tag: "Numeric", classId: 1, instance: 10, attribute: 3 })
    expect(ok("@0x10/0o10/0b10").target).toEqual({ _tag: "Numeric", classId: 16, instance: 8, attribute: 2 })
    expect(ok("SCADA[010]")).toMatchObject({ element: 10 })
    expect(ok("SCADA[0]=(DINT)010,0x10,0o10,0b10")).toMatchObject({ values: [10, 16, 8, 2] })
  })
})
