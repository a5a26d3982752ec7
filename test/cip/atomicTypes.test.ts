/**
 * CIP elementary types (src/cip/types.ts): type codes and names, element sizes, the bytes of each
 * type's values (little-endian, integers wrapping as C casts do, strings cut to their capacity),
 * decoding with and without a count, and which values a type cannot hold unchanged.
 */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import {
  CipType, decodeValues, elementSize, encodedLength, encodedSize, encodeValues, INTEGER_RANGES, isTypeName, LOGIX_STRING_TEMPLATE,
  sameTypeSpec, stringCapacity, type TypeName, typeNameOf, TYPE_NAMES, typeSpecOf, typeSpecSize, unrepresentable
} from "../../src/cip/types.js"

const bytes = (...b: Array<number>) => Uint8Array.from(b)
const left = <A, E>(e: Either.Either<A, E>): E => {
  if (Either.isRight(e)) throw new Error("expected a Left")
  return e.left
}

describe("type codes and names", () => {
  it("each name has its CIP code; STRING is the Logix STRING structure", () => {
    const codes: Record<TypeName, number> = {
      BOOL: 0xc1, SINT: 0xc2, INT: 0xc3, DINT: 0xc4, LINT: 0xc5, USINT: 0xc6, UINT: 0xc7, UDINT: 0xc8, ULINT: 0xc9,
      REAL: 0xca, LREAL: 0xcb, SSTRING: 0xda, DWORD: 0xd3, STRING: 0x02a0
    }
    expect(TYPE_NAMES).toHaveLength(14)
    for (const n of TYPE_NAMES) {
      if (n === "STRING") {
        expect(typeSpecOf(n)).toEqual({ code: 0x02a0, handle: 0x0fce })
      } else {
        expect(typeSpecOf(n), n).toEqual({ code: codes[n] })
      }
      expect(typeNameOf(typeSpecOf(n)), n).toBe(n)
    }
    expect(CipType.STRING).toBe(0xd0)
    expect(LOGIX_STRING_TEMPLATE).toBe(0x0fce)
  })

  it("codes that are no type name, and structures other than STRING, have no name", () => {
    expect(typeNameOf({ code: 0xd0 })).toBeUndefined()
    expect(typeNameOf({ code: 0x02a0, handle: 0x1234 })).toBeUndefined()
    expect(typeNameOf({ code: 0x02a0 })).toBeUndefined()
    expect(typeNameOf({ code: 0 })).toBeUndefined()
  })

  it("names are exact (upper case) type names", () => {
    expect(isTypeName("DINT")).toBe(true)
    expect(isTypeName("STRING")).toBe(true)
    expect(isTypeName("dint")).toBe(false)
    expect(isTypeName("STRUCT")).toBe(false)
    expect(isTypeName("")).toBe(false)
  })

  it("the same wire type: same code, and the same handle (absent is 0)", () => {
    expect(sameTypeSpec({ code: 0xc4 }, { code: 0xc4 })).toBe(true)
    expect(sameTypeSpec({ code: 0xc4 }, { code: 0xc3 })).toBe(false)
    expect(sameTypeSpec({ code: 0x02a0, handle: 5 }, { code: 0x02a0, handle: 5 })).toBe(true)
    expect(sameTypeSpec({ code: 0x02a0, handle: 5 }, { code: 0x02a0, handle: 6 })).toBe(false)
    expect(sameTypeSpec({ code: 0x02a0 }, { code: 0x02a0, handle: 0 })).toBe(true)
    expect(sameTypeSpec({ code: 0x02a0, handle: 1 }, { code: 0x02a0 })).toBe(false)
    expect(typeSpecSize({ code: 0x02a0, handle: 1 })).toBe(4)
    expect(typeSpecSize({ code: 0xc4 })).toBe(2)
  })

  it("element sizes; SSTRING has none; string capacities", () => {
    const sizes: Record<TypeName, number | undefined> = {
      BOOL: 1, SINT: 1, USINT: 1, INT: 2, UINT: 2, DINT: 4, UDINT: 4, REAL: 4, DWORD: 4, LINT: 8, ULINT: 8, LREAL: 8, STRING: 88, SSTRING: undefined
    }
    for (const n of TYPE_NAMES) expect(elementSize(n), n).toBe(sizes[n])
    expect(stringCapacity("SSTRING")).toBe(255)
    expect(stringCapacity("STRING")).toBe(82)
  })
})

describe("values to bytes", () => {
  it("every numeric type little-endian; integers wrap as C casts do; BOOL true is 0xFF", () => {
    expect(encodeValues("BOOL", [true, false, 1, 0, 2n])).toEqual(bytes(0xff, 0, 0xff, 0, 0xff))
    // Any other value is true when its number is not 0: the text "0" is false.
    expect(encodeValues("BOOL", ["0", "1", 0n])).toEqual(bytes(0, 0xff, 0))
    expect(encodeValues("LINT", [true, "-2"])).toEqual(bytes(1, 0, 0, 0, 0, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff))
    expect(encodeValues("SINT", [-1, 127, 128])).toEqual(bytes(0xff, 0x7f, 0x80))
    expect(encodeValues("USINT", [255, 256, true])).toEqual(bytes(0xff, 0, 1))
    expect(encodeValues("INT", [-2, 0x1234])).toEqual(bytes(0xfe, 0xff, 0x34, 0x12))
    expect(encodeValues("UINT", [0xfffe, 0x10001])).toEqual(bytes(0xfe, 0xff, 1, 0))
    expect(encodeValues("DINT", [-2, 0x12345678])).toEqual(bytes(0xfe, 0xff, 0xff, 0xff, 0x78, 0x56, 0x34, 0x12))
    expect(encodeValues("UDINT", [0xfffffffe])).toEqual(bytes(0xfe, 0xff, 0xff, 0xff))
    expect(encodeValues("DWORD", [0x80000001])).toEqual(bytes(1, 0, 0, 0x80))
    expect(encodeValues("REAL", [1.5])).toEqual(bytes(0, 0, 0xc0, 0x3f))
    expect(encodeValues("LREAL", [-2])).toEqual(bytes(0, 0, 0, 0, 0, 0, 0, 0xc0))
    expect(encodeValues("LINT", [-2n, 3, true, 2n ** 63n])).toEqual(bytes(
      0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 3, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80))
    expect(encodeValues("ULINT", [2n ** 64n - 1n, -1n, 2.9, false])).toEqual(bytes(
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
    expect(encodeValues("DINT", [])).toEqual(new Uint8Array(0))
  })

  it("Logix STRING: DINT LEN, Latin-1 bytes, 88 bytes per element, cut at 82 characters", () => {
    const b = encodeValues("STRING", ["Hé", "x".repeat(90)])
    expect(b).toHaveLength(176)
    expect(b.subarray(0, 7)).toEqual(bytes(2, 0, 0, 0, 0x48, 0xe9, 0))
    expect(b.subarray(88, 92)).toEqual(bytes(82, 0, 0, 0))
    expect(b[92 + 81]).toBe(0x78)
    expect(b[92 + 82]).toBe(0)
    expect(encodeValues("STRING", [5])).toEqual(Uint8Array.from({ length: 88 }, (_, i) => (i === 0 ? 1 : i === 4 ? 0x35 : 0)))
  })

  it("SSTRING: USINT length and Latin-1 bytes, cut at 255 characters", () => {
    expect(encodeValues("SSTRING", ["ab", "", "\u0101"])).toEqual(bytes(2, 0x61, 0x62, 0, 1, 0x01))
    const long = encodeValues("SSTRING", ["y".repeat(300)])
    expect(long).toHaveLength(256)
    expect(long[0]).toBe(255)
    expect(encodedSize("SSTRING", ["y".repeat(300), "ab"])).toBe(256 + 3)
    expect(encodedSize("DINT", [1, 2, 3])).toBe(12)
    expect(encodedSize("STRING", ["a"])).toBe(88)
  })
})

describe("bytes to values", () => {
  it("every numeric type, little-endian and signed as the type is", () => {
    expect(decodeValues("BOOL", bytes(0, 1, 0xff))).toEqual(Either.right([false, true, true]))
    expect(decodeValues("SINT", bytes(0xff, 0x7f))).toEqual(Either.right([-1, 127]))
    expect(decodeValues("USINT", bytes(0xff))).toEqual(Either.right([255]))
    expect(decodeValues("INT", bytes(0xfe, 0xff))).toEqual(Either.right([-2]))
    expect(decodeValues("UINT", bytes(0xfe, 0xff))).toEqual(Either.right([0xfffe]))
    expect(decodeValues("DINT", bytes(0xfe, 0xff, 0xff, 0xff))).toEqual(Either.right([-2]))
    expect(decodeValues("UDINT", bytes(0xfe, 0xff, 0xff, 0xff))).toEqual(Either.right([0xfffffffe]))
    expect(decodeValues("DWORD", bytes(1, 0, 0, 0x80))).toEqual(Either.right([0x80000001]))
    expect(decodeValues("REAL", bytes(0, 0, 0xc0, 0x3f))).toEqual(Either.right([1.5]))
    expect(decodeValues("LREAL", bytes(0, 0, 0, 0, 0, 0, 0, 0xc0))).toEqual(Either.right([-2]))
    expect(decodeValues("LINT", bytes(0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff))).toEqual(Either.right([-2n]))
    expect(decodeValues("ULINT", bytes(0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff))).toEqual(Either.right([2n ** 64n - 2n]))
  })

  it("without a count, as many whole elements as the bytes hold; with one, exactly that many or Truncated", () => {
    expect(decodeValues("INT", bytes(1, 0, 2, 0, 3))).toEqual(Either.right([1, 2]))
    expect(decodeValues("INT", bytes(1, 0, 2, 0, 3, 0), 2)).toEqual(Either.right([1, 2]))
    expect(decodeValues("INT", bytes(1, 0, 2, 0), 0)).toEqual(Either.right([]))
    expect(left(decodeValues("INT", bytes(1, 0, 2), 2))).toMatchObject({ reason: "Truncated", offset: 2, message: "not enough data for INT" })
    expect(left(decodeValues("DINT", bytes(1, 0, 0, 0, 2, 0, 0), 2))).toMatchObject({ reason: "Truncated", offset: 4 })
    expect(decodeValues("SINT", new Uint8Array(0))).toEqual(Either.right([]))
  })

  it("Logix STRING: LEN 0..82 and Latin-1 characters; another LEN is BadLength at its element", () => {
    const two = encodeValues("STRING", ["ab", "\u00ff"])
    expect(decodeValues("STRING", two)).toEqual(Either.right(["ab", "\u00ff"]))
    expect(decodeValues("STRING", two, 1)).toEqual(Either.right(["ab"]))
    const full = encodeValues("STRING", ["z".repeat(82)])
    expect(decodeValues("STRING", full)).toEqual(Either.right(["z".repeat(82)]))
    const bad = two.slice()
    new DataView(bad.buffer).setInt32(88, 83, true)
    expect(left(decodeValues("STRING", bad))).toMatchObject({ reason: "BadLength", offset: 88, message: "Logix STRING LEN 83 out of 0..82" })
    new DataView(bad.buffer).setInt32(88, -1, true)
    expect(left(decodeValues("STRING", bad))).toMatchObject({ reason: "BadLength", offset: 88, message: "Logix STRING LEN -1 out of 0..82" })
    expect(left(decodeValues("STRING", two.subarray(0, 87), 1))).toMatchObject({ reason: "Truncated", offset: 0 })
  })

  it("SSTRING: each element its own length; a length or characters past the end are Truncated", () => {
    expect(decodeValues("SSTRING", bytes(2, 0x61, 0x62, 0, 1, 0xe9))).toEqual(Either.right(["ab", "", "\u00e9"]))
    expect(decodeValues("SSTRING", bytes(2, 0x61, 0x62, 1, 0x63), 1)).toEqual(Either.right(["ab"]))
    expect(left(decodeValues("SSTRING", bytes(2, 0x61, 0x62), 2))).toMatchObject({ reason: "Truncated", offset: 3, message: "not enough data for SSTRING" })
    expect(left(decodeValues("SSTRING", bytes(1, 0x61, 3, 0x62, 0x63)))).toMatchObject({ reason: "Truncated", offset: 2 })
    expect(decodeValues("SSTRING", bytes(1, 0x61, 0), 2)).toEqual(Either.right(["a", ""]))
  })

  it("the bytes the first `count` elements take (SSTRING by their lengths), or undefined when short", () => {
    expect(encodedLength("DINT", new Uint8Array(12), 3)).toBe(12)
    expect(encodedLength("DINT", new Uint8Array(12), 2)).toBe(8)
    expect(encodedLength("DINT", new Uint8Array(11), 3)).toBeUndefined()
    expect(encodedLength("SSTRING", bytes(2, 0x61, 0x62, 0, 9), 2)).toBe(4)
    expect(encodedLength("SSTRING", bytes(2, 0x61, 0x62), 1)).toBe(3)
    expect(encodedLength("SSTRING", bytes(2, 0x61), 1)).toBeUndefined()
    expect(encodedLength("SSTRING", bytes(2, 0x61, 0x62), 2)).toBeUndefined()
    expect(encodedLength("SSTRING", new Uint8Array(0), 0)).toBe(0)
  })
})

describe("values a type cannot hold unchanged", () => {
  it("each integer type's inclusive range, at both ends and one past", () => {
    const ranges: Array<[TypeName, bigint, bigint]> = [
      ["SINT", -128n, 127n], ["USINT", 0n, 255n], ["INT", -32768n, 32767n], ["UINT", 0n, 65535n],
      ["DINT", -2147483648n, 2147483647n], ["UDINT", 0n, 4294967295n], ["DWORD", 0n, 4294967295n],
      ["LINT", -(2n ** 63n), 2n ** 63n - 1n], ["ULINT", 0n, 2n ** 64n - 1n]
    ]
    expect(Object.keys(INTEGER_RANGES).sort()).toEqual(ranges.map(([n]) => n).sort())
    for (const [n, lo, hi] of ranges) {
      const why = `out of range ${lo}..${hi}`
      expect(unrepresentable(n, lo), n).toBeUndefined()
      expect(unrepresentable(n, hi), n).toBeUndefined()
      expect(unrepresentable(n, lo - 1n), n).toBe(why)
      expect(unrepresentable(n, hi + 1n), n).toBe(why)
      if (hi < 2n ** 53n) {
        expect(unrepresentable(n, Number(hi)), n).toBeUndefined()
        expect(unrepresentable(n, Number(hi) + 1), n).toBe(why)
        expect(unrepresentable(n, Number(lo) - 1), n).toBe(why)
      }
    }
  })

  it("fractions for integers; REAL past its range; BOOLs and floats otherwise pass", () => {
    expect(unrepresentable("DINT", 1.5)).toBe("not an integer")
    expect(unrepresentable("LINT", 0.5)).toBe("not an integer")
    expect(unrepresentable("DINT", true)).toBeUndefined()
    expect(unrepresentable("REAL", 3.4028234663852886e38)).toBeUndefined()
    expect(unrepresentable("REAL", -3.4028234663852886e38)).toBeUndefined()
    expect(unrepresentable("REAL", 3.5e38)).toBe("out of REAL range")
    expect(unrepresentable("REAL", -3.5e38)).toBe("out of REAL range")
    expect(unrepresentable("REAL", Infinity)).toBeUndefined()
    expect(unrepresentable("LREAL", 1e300)).toBeUndefined()
    expect(unrepresentable("BOOL", 7)).toBeUndefined()
  })

  it("strings: too long for the type, or not Latin-1; a structure value is no atomic value", () => {
    expect(unrepresentable("STRING", "x".repeat(82))).toBeUndefined()
    expect(unrepresentable("STRING", "x".repeat(83))).toBe("longer than 82 characters")
    expect(unrepresentable("SSTRING", "x".repeat(255))).toBeUndefined()
    expect(unrepresentable("SSTRING", "x".repeat(256))).toBe("longer than 255 characters")
    expect(unrepresentable("STRING", "\u00ff\u0000")).toBeUndefined()
    expect(unrepresentable("STRING", "\u0100")).toBe("characters outside Latin-1")
    expect(unrepresentable("SSTRING", "a\u20acb")).toBe("characters outside Latin-1")
    expect(unrepresentable("DINT", "x".repeat(300))).toBeUndefined()
    expect(unrepresentable("DINT", { a: 1 })).toBe("a structure value is not a DINT")
  })
})
