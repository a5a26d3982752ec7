import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { parseExpression, parseSignal, tokenize } from "../../src/signals/index.js"

const error = (text: string) => {
  const r = parseSignal(text)
  if (Either.isRight(r)) throw new Error(`expected ${JSON.stringify(text)} to be refused`)
  return r.left
}

describe("signal spec grammar", () => {
  it("parses a generator call with named arguments and a duration", () => {
    const s = Either.getOrThrow(parseSignal("Level=sine(amplitude=40, offset=50, period=60s)"))
    expect(s.target.text).toBe("Level")
    expect(s.source).toBe("sine(amplitude=40, offset=50, period=60s)")
    expect(s.expr).toMatchObject({
      _tag: "Call", name: "sine",
      args: [{ name: "amplitude", value: { value: 40 } }, { name: "offset", value: { value: 50 } }, { name: "period", value: { value: 60, unit: "s" } }]
    })
  })

  it("parses targets with element ranges, members and program scope", () => {
    expect(Either.getOrThrow(parseSignal("SCADA[0-9] = 1")).target.segments).toEqual([{ name: "SCADA", range: [0, 9], pos: 0 }])
    expect(Either.getOrThrow(parseSignal("Motors[2].Speed=1")).target.text).toBe("Motors[2].Speed")
    expect(Either.getOrThrow(parseSignal("Program:Main.Level = 2")).target.segments.map((s) => s.name)).toEqual(["Program:Main", "Level"])
  })

  it("binds operators by precedence, power to the right, unary minus below power", () => {
    const show = (text: string): string => {
      const go = (e: ReturnType<typeof parseExpression> extends Either.Either<infer A, unknown> ? A : never): string => {
        switch (e._tag) {
          case "Number": return String(e.value)
          case "String": return JSON.stringify(e.value)
          case "Ref": return e.path.text
          case "Call": return `${e.name}(${e.args.map((a) => (a.name ? `${a.name}=` : "") + go(a.value)).join(",")})`
          case "Unary": return `(${e.op}${go(e.arg)})`
          case "Binary": return `(${go(e.left)}${e.op}${go(e.right)})`
          case "Cond": return `(${go(e.test)}?${go(e.then)}:${go(e.otherwise)})`
        }
      }
      return go(Either.getOrThrow(parseExpression(text)))
    }
    expect(show("Level * 0.3 + noise(0,1)")).toBe("((Level*0.3)+noise(0,1))")
    expect(show("1 + 2 * 3 - 4 / 2 % 3")).toBe("((1+(2*3))-((4/2)%3))")
    expect(show("-2 ^ 2 ^ 3")).toBe("(-(2^(2^3)))")
    expect(show("2 ** 3")).toBe("(2^3)")
    expect(show("a > 1 && b <= 2 || !c")).toBe("(((a>1)&&(b<=2))||(!c))")
    expect(show("Level > 80 ? 1 : Level < 20 ? -1 : 0")).toBe("((Level>80)?1:((Level<20)?(-1):0))")
    expect(show("SCADA[3] + Motor.Speed")).toBe("(SCADA[3]+Motor.Speed)")
    expect(show("sequence(\"RUN\", 'STOP', every=5s)")).toBe("sequence(\"RUN\",\"STOP\",every=5)")
  })

  it("names the position of every syntax error", () => {
    expect(error("Level=sine(amplitude=40,").message).toBe('bad signal "Level=sine(amplitude=40,": expected a value, found the end at position 25')
    expect(error("Level=sine(40 50)").message).toBe('bad signal "Level=sine(40 50)": expected "," or ")", found "50" at position 15')
    expect(error("Level sine(1)").position).toBe(6)
    expect(error("Level=2 @ 3").message).toContain('unexpected character "@" at position 9')
    expect(error("Level=1 + 2)").message).toContain('unexpected ")" at position 12')
    expect(error("Level=\"abc").message).toContain("unterminated string at position 7")
    expect(error("Level=5 parsecs").position).toBe(8)
    expect(error("Level=5q").message).toContain('unknown unit "q"')
    expect(error("SCADA[5-2]=1").message).toContain("range 5-2 runs backwards at position 8")
    expect(error("Flow=SCADA[1-2]").message).toContain("a range of elements is only allowed in the target at position 13")
    expect(error("A=1 < 2 < 3").message).toContain("comparisons do not chain")
    expect(error("A=f(x=1, 2)").message).toContain("a positional argument after a named one at position 10")
    expect(error("=1").message).toContain("expected the name of the tag to generate")
    expect(error("A={n}").message).toContain('unexpected character "{" at position 3')
  })

  it("refuses deep nesting as an error, not a crash", () => {
    const r = parseSignal(`A=${"(".repeat(100_000)}1${")".repeat(100_000)}`)
    expect(Either.isLeft(r) && r.left.reason).toBe("expression nested too deeply")
  })

  it("tokenizes with the DFA machine: positions, durations in seconds, quoted strings", () => {
    const t = Either.getOrThrow(tokenize("x = 250ms + .5 * 'it\\'s'"))
    expect(t.map((k) => [k.kind, k.text, k.pos, k.value])).toEqual([
      ["name", "x", 0, undefined], ["op", "=", 2, undefined], ["number", "250ms", 4, 0.25], ["op", "+", 10, undefined],
      ["number", ".5", 12, 0.5], ["op", "*", 15, undefined], ["string", "it's", 17, undefined], ["end", "", 24, undefined]
    ])
  })
})
