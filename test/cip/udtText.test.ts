/**
 * Structure definitions as users write them (`--udt 'Motor{Speed:REAL,Faults:DINT[4]}'`, or the
 * object form in configuration files): what is accepted, the one-line message for each mistake,
 * and the text form read back.
 */
import { describe, expect, it } from "@effect/vitest"
import { Either, Schema } from "effect"
import {
  decodeUdtDefinition, formatUdtText, LOGIX_IDENTIFIER, MAX_MEMBER_DIMS, parseUdtText, UdtDefinitionSchema
} from "../../src/cip/udt.js"

const ok = (t: string) => Either.getOrThrow(parseUdtText(t))
const bad = (t: string) => {
  const r = parseUdtText(t)
  if (Either.isRight(r)) throw new Error(`accepted ${t}`)
  return r.left
}

describe("parseUdtText", () => {
  it("members separated by , or ;, blanks allowed around everything, arrays as [n]", () => {
    expect(ok(" Motor { Speed : REAL ; Faults:DINT[ 4 ], Name:STRING } ")).toEqual({
      name: "Motor", members: [{ name: "Speed", type: "REAL" }, { name: "Faults", type: "DINT", dims: 4 }, { name: "Name", type: "STRING" }]
    })
    expect(ok(`M{x:SINT[${MAX_MEMBER_DIMS}]}`).members[0]!.dims).toBe(65535)
    expect(ok("M{x:SINT[1]}").members[0]!.dims).toBe(1)
  })

  it("names each mistake in one line", () => {
    const cases: ReadonlyArray<[string, string, string]> = [
      ["Motor", "Motor", "expected NAME{Member:TYPE[n],…}"],
      ["Motor{Speed:REAL", "Motor{Speed:REAL", "expected NAME{Member:TYPE[n],…}"],
      ["1M{x:INT}", "1M", `invalid structure name "1M"`],
      ["M{ }", "M", "a structure needs at least one member"],
      ["M{x}", "M", `member "x" is not Name:TYPE or Name:TYPE[n]`],
      ["M{x:INT,}", "M", `member "" is not Name:TYPE or Name:TYPE[n]`],
      ["M{x:INT[2}", "M", `member "x:INT[2" is not Name:TYPE or Name:TYPE[n]`],
      ["M{1x:INT}", "M", `invalid member name "1x"`],
      ["M{x:9T}", "M", `invalid type name "9T" for x`],
      ["M{x:INT[0]}", "M", "array size [0] of x is not 1..65535"],
      ["M{x:INT[65536]}", "M", "array size [65536] of x is not 1..65535"],
      ["M{x:INT[-1]}", "M", "array size [-1] of x is not 1..65535"],
      ["M{x:INT[2.5]}", "M", "array size [2.5] of x is not 1..65535"],
      ["M{x:INT[]}", "M", "array size [] of x is not 1..65535"],
      ["M{x:INT[99999999999999999999]}", "M", "array size [99999999999999999999] of x is not 1..65535"]
    ]
    for (const [text, udt, why] of cases) {
      const e = bad(text)
      expect([e._tag, e.udt, e.message]).toEqual(["UdtError", udt, `bad structure definition ${JSON.stringify(text)}: ${why}`])
    }
  })

  it("identifiers: a letter or _ first, at most 40 characters", () => {
    expect(LOGIX_IDENTIFIER.test("_a1")).toBe(true)
    expect(LOGIX_IDENTIFIER.test("a".repeat(40))).toBe(true)
    expect(LOGIX_IDENTIFIER.test("a".repeat(41))).toBe(false)
    expect(bad(`M{${"a".repeat(41)}:INT}`).message).toContain("invalid member name")
  })
})

describe("formatUdtText", () => {
  it("writes the canonical text, which reads back to the same definition", () => {
    const d = ok("Motor{Speed:REAL;Faults:DINT[4]}")
    expect(formatUdtText(d)).toBe("Motor{Speed:REAL,Faults:DINT[4]}")
    expect(ok(formatUdtText(d))).toEqual(d)
  })
})

describe("decodeUdtDefinition (text or object)", () => {
  it("takes the text or the object form to the same definition", () => {
    const want = { name: "Motor", members: [{ name: "Speed", type: "REAL" }, { name: "Faults", type: "DINT", dims: 4 }] }
    expect(Either.getOrThrow(decodeUdtDefinition("Motor{Speed:REAL,Faults:DINT[4]}"))).toEqual(want)
    expect(Either.getOrThrow(decodeUdtDefinition(want))).toEqual(want)
  })

  it("a bad text gets the parser's own message", () => {
    const r = decodeUdtDefinition("M{x:INT[0]}")
    expect(Either.isLeft(r) && [r.left.udt, r.left.message]).toEqual(["M", `bad structure definition "M{x:INT[0]}": array size [0] of x is not 1..65535`])
  })

  it("a bad object names its structure, and what is wrong where (not the text form's \"Expected string\")", () => {
    const msg = (input: unknown) => {
      const r = decodeUdtDefinition(input)
      if (Either.isRight(r)) throw new Error("accepted")
      return [r.left.udt, r.left.message]
    }
    expect(msg({ name: "M", members: [] })).toEqual(["M", `bad structure definition {"name":"M","members":[]}: members: Expected an array of at least 1 item(s), actual []`])
    expect(msg({ name: "M", members: [{ name: "x", type: "INT", dims: 0 }] })).toEqual(["M",
      `bad structure definition {"name":"M","members":[{"name":"x","type":"INT","dims":0}]}: members.0.dims: Expected a number between 1 and 65535, actual 0`])
    expect(msg({ name: "1M", members: [{ name: "x", type: "INT" }] })[1]).toBe(
      `bad structure definition {"name":"1M","members":[{"name":"x","type":"INT"}]}: name: a Logix identifier: a letter or _ first, then letters, digits or _, at most 40 characters`)
    expect(msg({ members: [] })).toEqual(["?", `bad structure definition {"members":[]}: name: is missing`])
    expect(msg(42)[0]).toBe("?")
    expect(msg(42)[1]).toMatch(/^bad structure definition 42: Expected \{ readonly name: .+, actual 42$/)
    expect(msg(null)[0]).toBe("?")
  })

  it("the Schema encodes a definition from text back to its text", () => {
    const fromText = UdtDefinitionSchema.members[1]
    const d = Schema.decodeUnknownSync(fromText)("M{a:INT[2]}")
    expect(Schema.encodeSync(fromText)(d)).toBe("M{a:INT[2]}")
  })
})

describe("what the patterns and the schema hold to", () => {
  it("a structure name or member with text before it, or text after the closing brace, is refused", () => {
    expect(bad("A B{x:INT}").message).toBe(`bad structure definition "A B{x:INT}": expected NAME{Member:TYPE[n],…}`)
    expect(bad("M{x:INT}y").message).toBe(`bad structure definition "M{x:INT}y": expected NAME{Member:TYPE[n],…}`)
    expect(bad("M{a b:INT}").message).toBe(`bad structure definition "M{a b:INT}": member "a b:INT" is not Name:TYPE or Name:TYPE[n]`)
    expect(bad("M{x:INT,  y  }").message).toBe(`bad structure definition "M{x:INT,  y  }": member "y" is not Name:TYPE or Name:TYPE[n]`)
  })

  it("an object member's dims is a number when present: an explicit undefined is refused", () => {
    const r = decodeUdtDefinition({ name: "M", members: [{ name: "x", type: "INT", dims: undefined }] })
    expect(Either.isLeft(r) && r.left.message).toMatch(/^bad structure definition .*members\.0\.dims: Expected number, actual undefined$/)
  })

  it("the text schema fails with the parser's message", () => {
    const fromText = UdtDefinitionSchema.members[1]
    const r = Schema.decodeUnknownEither(fromText)("Motor")
    expect(Either.isLeft(r) && r.left.message).toContain(`bad structure definition "Motor": expected NAME{Member:TYPE[n],…}`)
  })
})
