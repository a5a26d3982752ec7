/**
 * `--print` output prints values as Python's `repr` does (cpppo is Python): each expectation here
 * is what CPython 3 prints for the same value.
 */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { pyString, pyStruct, pyValue } from "../../src/tags/pyRepr.js"
import { makeTypes } from "../../src/tags/tagStore.js"

describe("pyValue: floats as Python repr prints them", () => {
  it.each([
    [1, "1.0"], [100, "100.0"], [-2.5, "-2.5"], [0, "0.0"], [-0, "-0.0"], [0.5, "0.5"],
    [NaN, "nan"], [Infinity, "inf"], [-Infinity, "-inf"],
    [0.0001, "0.0001"], [0.00012, "0.00012"], [-0.00012, "-0.00012"], [0.00001, "1e-05"], [1.5e-5, "1.5e-05"],
    [-1.25e-7, "-1.25e-07"], [1e16, "1e+16"], [1.5e16, "1.5e+16"], [-1e22, "-1e+22"], [1.5e300, "1.5e+300"],
    [1e15, "1000000000000000.0"], [123456789012345.6, "123456789012345.6"], [1234.5678, "1234.5678"],
    [10.25, "10.25"], [3.14159, "3.14159"], [1e-300, "1e-300"]
  ])("REAL %d prints %s", (v, text) => {
    expect(pyValue(v, "REAL")).toBe(text)
    expect(pyValue(v, "LREAL")).toBe(text)
  })

  it("integers print without a point unless the type is REAL/LREAL; a fraction prints as a float anyway", () => {
    expect(pyValue(7, "INT")).toBe("7")
    expect(pyValue(-7)).toBe("-7")
    expect(pyValue(7, "REAL")).toBe("7.0")
    expect(pyValue(2.5, "DINT")).toBe("2.5")
    expect(pyValue(2.5)).toBe("2.5")
    expect(pyValue(12345678901234567890n)).toBe("12345678901234567890")
    expect(pyValue(true)).toBe("True")
    expect(pyValue(false)).toBe("False")
  })

  it("lists and dicts print as Python's, nested values as their own repr", () => {
    expect(pyValue([1, 2.5, true, "a"])).toBe("[1, 2.5, True, 'a']")
    expect(pyValue([])).toBe("[]")
    expect(pyValue({ Speed: 1.5, Name: "x", Faults: [0, 1] })).toBe("{'Speed': 1.5, 'Name': 'x', 'Faults': [0, 1]}")
    expect(pyValue({})).toBe("{}")
  })
})

describe("pyString: str repr", () => {
  it.each([
    ["hello", "'hello'"],
    ["", "''"],
    ["it's", `"it's"`],
    [`say "hi"`, `'say "hi"'`],
    [`both ' and "`, `'both \\' and "'`],
    ["back\\slash", "'back\\\\slash'"],
    ["a\nb\rc\td", "'a\\nb\\rc\\td'"],
    ["\x00\x1f\x7f\x9f", "'\\x00\\x1f\\x7f\\x9f'"],
    ["\x20~é", "' ~é'"],
    ["a\xa0b\xadc\xa1\xff", "'a\\xa0b\\xadc\xa1\xff'"]
  ])("%j prints %s", (s, text) => {
    expect(pyString(s)).toBe(text)
    expect(pyValue(s)).toBe(text)
  })
})

describe("pyStruct: a structure as pycomm3's dict, members as their types print", () => {
  const types = Either.getOrThrow(makeTypes([
    "Inner{Level:REAL,Count:DINT}",
    "Motor{Speed:REAL,Running:BOOL,Faults:DINT[2],Gains:LREAL[2],In:Inner,Name:STRING}"
  ]))
  const motor = types.byName("Motor")!

  it("REAL members print as floats even when whole, BOOL members as True/False, nested structures recursively", () => {
    expect(pyStruct({ Speed: 0, Running: true, Faults: [1, 2], Gains: [1, 0.5], In: { Level: 3, Count: 4 }, Name: "M1" }, motor))
      .toBe("{'Speed': 0.0, 'Running': True, 'Faults': [1, 2], 'Gains': [1.0, 0.5], 'In': {'Level': 3.0, 'Count': 4}, 'Name': 'M1'}")
  })

  it("prints only the members present, in declaration order; hidden hosts of BOOLs never", () => {
    expect(pyStruct({ Name: "x", Speed: 2 }, motor)).toBe("{'Speed': 2.0, 'Name': 'x'}")
    expect(pyStruct({}, motor)).toBe("{}")
    expect(motor.members.some((m) => m.hidden)).toBe(true)
    const hidden = motor.members.find((m) => m.hidden)!
    expect(pyStruct({ [hidden.name]: 5, Running: false } as never, motor)).toBe("{'Running': False}")
  })

  it("a value that is not a structure prints as its own repr", () => {
    expect(pyStruct(5, motor)).toBe("5")
    expect(pyStruct("s", motor)).toBe("'s'")
  })
})
