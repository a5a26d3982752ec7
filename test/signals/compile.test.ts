/**
 * Compiling signal expressions without an engine: each operator's value and result type, the
 * truth of numbers and strings, constants, the math functions and their argument counts, time(),
 * generator calls (positional, named, defaults, variadic), tag references bound by the caller,
 * and every refusal with its reason and position.
 */
import { describe, expect, it } from "vitest"
import { Either } from "effect"
import { compile, type CompileEnv, parseExpression, type RefBinding, type TagPath, type Value } from "../../src/signals/index.js"

let now = 0
const tags: Record<string, RefBinding> = {
  level: { read: () => 42, kind: "number", key: "level[0]" },
  text: { read: () => "RUN", kind: "string", key: "text[0]" },
  empty: { read: () => "", kind: "string", key: "empty[0]" }
}
const env: CompileEnv = {
  copy: 0,
  copies: 1,
  time: () => now,
  random: () => () => 0.5,
  ref: (path: TagPath) => {
    const b = tags[path.text.toLowerCase()]
    return b === undefined ? Either.left(`no tag named ${path.text}`) : Either.right(b)
  }
}

const compiled = (text: string, e: CompileEnv = env) => {
  const c = compile(Either.getOrThrow(parseExpression(text)), e)
  if (Either.isLeft(c)) throw new Error(`${text}: ${c.left.reason}`)
  return c.right
}
const value = (text: string): Value => compiled(text).evaluate()
const refused = (text: string, e: CompileEnv = env) => {
  const c = compile(Either.getOrThrow(parseExpression(text)), e)
  if (Either.isRight(c)) throw new Error(`expected ${text} to be refused`)
  return `${c.left.reason} @${c.left.position}`
}

describe("operators", () => {
  it("arithmetic and comparisons on numbers (comparisons give 1 or 0)", () => {
    expect(["7 + 2", "7 - 2", "7 * 2", "7 / 2", "7 % 2", "2 ^ 3", "-7", "+7", "!7", "!0"].map(value)).toEqual([9, 5, 14, 3.5, 1, 8, -7, 7, 0, 1])
    expect(["1 < 2", "2 < 2", "2 <= 2", "3 <= 2", "3 > 2", "2 > 2", "2 >= 2", "1 >= 2"].map(value)).toEqual([1, 0, 1, 0, 1, 0, 1, 0])
  })

  it("== and != compare numbers with numbers and strings with strings", () => {
    expect(["1 == 1", "1 == 2", "1 != 1", "1 != 2", "\"a\" == \"a\"", "\"a\" == \"b\"", "\"a\" != \"b\"", "Text == \"RUN\""].map(value)).toEqual([1, 0, 0, 1, 1, 0, 1, 1])
    expect(refused("1 == \"a\"")).toBe("== compares a number with a string @2")
    // A comparison's result is a number: an operand of arithmetic, compared with numbers.
    expect(value("abs(-3) + 1")).toBe(4) // a math function's result is a number too
    expect(["(1 == 1) + (1 != 2)", "(\"a\" != \"a\") == 0"].map(value)).toEqual([2, 1])
    expect([compiled("1 == 1").kind, compiled("\"a\" != \"b\"").kind]).toEqual(["number", "number"])
    expect(refused("\"a\" != 1")).toBe("!= compares a string with a number @4")
  })

  it("&& and || by truth: a number other than 0, a string other than empty", () => {
    expect(["1 && 2", "1 && 0", "0 && 1", "0 || 0", "0 || 3", "2 || 0"].map(value)).toEqual([1, 0, 0, 0, 1, 1])
    expect(["Text && 1", "Empty && 1", "Empty || Text", "Empty || Empty"].map(value)).toEqual([1, 0, 1, 0])
    expect(compiled("Text && Text").kind).toBe("number")
  })

  it("? : picks a branch by truth; both branches one type", () => {
    expect(["1 ? 10 : 20", "0 ? 10 : 20", "Text ? \"on\" : \"off\"", "Empty ? \"on\" : \"off\""].map(value)).toEqual([10, 20, "on", "off"])
    expect(compiled("1 ? \"a\" : \"b\"").kind).toBe("string")
    expect(refused("1 ? 2 : \"b\"")).toBe("the two branches of ? : give a number and a string @2")
  })

  it("arithmetic on a string is refused with the operand and its position", () => {
    expect(refused("\"a\" * 2")).toBe("the left operand of * must be a number, not a string @0")
    expect(refused("2 - Text")).toBe("the right operand of - must be a number, not a string @4")
    expect(refused("-Text")).toBe("the operand of - must be a number, not a string @1")
    expect(refused("!\"x\"")).toBe("the operand of ! must be a number, not a string @1")
  })
})

describe("names", () => {
  it("constants true, false and pi; a tag reference read at each evaluation, recorded with its position", () => {
    expect(["true", "false", "pi", "true + true"].map(value)).toEqual([1, 0, Math.PI, 2])
    const c = compiled("Level * 2 + Level")
    expect(c.evaluate()).toBe(126)
    expect(c.refs).toEqual([{ key: "level[0]", pos: 0 }, { key: "level[0]", pos: 12 }])
    expect(compiled("true").refs).toEqual([])
    expect(compiled("Text").kind).toBe("string")
  })

  it("a constant's name with a member or an index names a tag, not the constant", () => {
    const any: CompileEnv = { ...env, ref: (path: TagPath) => Either.right({ read: () => 7, kind: "number", key: path.text }) }
    expect(["pi.x", "pi[2]", "true.x", "pi"].map((t) => compiled(t, any).evaluate())).toEqual([7, 7, 7, Math.PI])
    expect(compiled("pi[2]", any).refs).toEqual([{ key: "pi[2]", pos: 0 }])
  })

  it("a reference the caller cannot bind, or no references allowed: refused with the position", () => {
    expect(refused("1 + Nope")).toBe("no tag named Nope @4")
    const { ref: _, ...noRefs } = env
    expect(refused("2 * Level", noRefs)).toBe("Level: a tag cannot be used here (only constants) @4")
    expect(compiled("pi", noRefs).evaluate()).toBe(Math.PI)
  })
})

describe("functions", () => {
  it("each math function", () => {
    const got = ["abs(-3)", "sqrt(16)", "exp(0)", "log(1)", "log10(1000)", "sin(0)", "cos(0)", "tan(0)", "floor(2.7)", "ceil(2.1)", "round(2.5)",
      "round(3.14159, 2)", "round(1234, -2)", "min(3, 1, 2)", "max(3, 1, 2)", "clamp(5, 0, 3)", "clamp(-1, 0, 3)", "clamp(2, 0, 3)", "min(4)"].map(value)
    expect(got).toEqual([3, 4, 1, 0, 3, 0, 1, 0, 2, 3, 3, 3.14, 1200, 1, 3, 3, 0, 2, 4])
    expect(value("ABS(-1)")).toBe(1) // names in any case
  })

  it("argument counts, named arguments and string arguments refused", () => {
    expect(refused("sqrt()")).toBe("sqrt() takes 1 arguments, not 0 @0")
    expect(refused("abs(1, 2)")).toBe("abs() takes 1 arguments, not 2 @0")
    expect(refused("round(1, 2, 3)")).toBe("round() takes 1 to 2 arguments, not 3 @0")
    expect(refused("clamp(1, 2)")).toBe("clamp() takes 3 arguments, not 2 @0")
    expect(refused("min()")).toBe("min() takes 1 or more arguments, not 0 @0")
    expect(refused("abs(x=1)")).toBe("abs() takes no named arguments @4")
    expect(refused("max(1, \"a\")")).toBe("argument 2 of max() must be a number, not a string @7")
    expect(refused("sinus(1)")).toMatch(/^unknown function "sinus" \(one of sine .* abs sqrt .* time\) @0$/)
  })

  it("time() is the signal time now; it takes no arguments", () => {
    const c = compiled("time() * 2")
    now = 3
    expect(c.evaluate()).toBe(6)
    now = 5
    expect(c.evaluate()).toBe(10)
    now = 0
    expect(refused("time(1)")).toBe("time() takes no arguments @5")
  })
})

describe("generator calls", () => {
  it("positional, named and default parameters reach the generator; it runs on the signal time", () => {
    const at = (text: string, t: number) => {
      const c = compiled(text)
      now = t
      const v = c.evaluate()
      now = 0
      return v
    }
    expect(at("sine(2, 1, 4)", 1)).toBeCloseTo(3, 9) // amplitude, offset, period
    expect(at("sine(offset=1, period=4, amplitude=2)", 3)).toBeCloseTo(-1, 9)
    expect(at("SINE(Amplitude=2, period=4)", 1)).toBeCloseTo(2, 9) // names in any case
    expect(at("sine(period=2 * 2)", 1)).toBeCloseTo(1, 9) // a constant expression
    expect(at("ramp(rate=2)", 5)).toBe(10) // start 0 by default
    expect(at("sequence(\"A\", \"B\", every=1s)", 1)).toBe("B")
    expect(compiled("sequence(\"A\", \"B\")").kind).toBe("string")
    expect(compiled("sequence(1, 2)").kind).toBe("number")
  })

  it("each copy and random stream given to the instance", () => {
    const second: CompileEnv = { ...env, copy: 1, copies: 4 }
    expect(compiled("sine(period=4)", second).evaluate()).toBeCloseTo(1, 9) // a quarter period on
    expect(compiled("counter(every=1s)", second).evaluate()).toBe(1)
    const draws: CompileEnv = { ...env, random: () => () => 0.25 }
    expect(compiled("random(min=0, max=8)", draws).evaluate()).toBe(2)
  })

  it("refused: too many, unknown or repeated parameters, signals or strings as arguments, mixed kinds, bad values", () => {
    expect(refused("sine(1, 2, 3, 4, 5, 6, 7)")).toBe("sine() takes at most 6 arguments: amplitude, offset, period, phase, min, max @23")
    expect(refused("sine(amp=1)")).toBe("sine() has no parameter \"amp\" (amplitude, offset, period, phase, min, max) @5")
    expect(refused("sine(1, amplitude=2)")).toBe("sine(): amplitude given twice @8")
    expect(refused("sine(period=1, PERIOD=2)")).toBe("sine(): period given twice @15")
    expect(refused("sine(amplitude=noise())")).toBe("noise(): an argument must be a constant, not a signal @15")
    expect(refused("sine(amplitude=1 + abs(time()))")).toBe("time(): an argument must be a constant, not a signal @23")
    expect(refused("sine(amplitude=-(ramp()))")).toBe("ramp(): an argument must be a constant, not a signal @17")
    expect(refused("sine(amplitude=1 ? 2 : sine())")).toBe("sine(): an argument must be a constant, not a signal @23")
    expect(refused("sine(amplitude=(0 ? time() : 2))")).toBe("time(): an argument must be a constant, not a signal @20")
    expect(refused("sine(amplitude=\"a\")")).toBe("sine(amplitude) must be a number @15")
    expect(refused("sine(\"a\")")).toBe("sine(amplitude) must be a number @5")
    expect(refused("sine(amplitude=sqrt(-1))")).toBe("sine(amplitude) must be a number @15")
    expect(refused("sequence(1, \"a\")")).toBe("sequence(): mixes numbers and strings @0")
    expect(refused("sine(period=0)")).toBe("sine(): period must be a positive number (got 0) @0")
  })
})
