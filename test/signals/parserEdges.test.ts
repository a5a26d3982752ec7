/**
 * The signal grammar's edges: element indexes and ranges (what an index may be), member paths and
 * their text, each node's position, `? :` and calls without arguments, the source after `=`, and
 * the token named in each error (an operator, a string, the end).
 */
import { describe, expect, it } from "vitest"
import { Either } from "effect"
import { parseExpression, parseSignal } from "../../src/signals/index.js"

const refused = (text: string) => {
  const r = parseSignal(text)
  if (Either.isRight(r)) throw new Error(`expected ${JSON.stringify(text)} to be refused`)
  return `${r.left.reason} @${r.left.position}`
}
const expr = (text: string) => Either.getOrThrow(parseExpression(text))

describe("targets and references", () => {
  it("an element, a range, members: segments, positions and the text without blanks", () => {
    const t = Either.getOrThrow(parseSignal("Motors [ 2 ] . Speed [0 - 3] = 1")).target
    expect(t.segments).toEqual([{ name: "Motors", range: [2, 2], pos: 0 }, { name: "Speed", range: [0, 3], pos: 15 }])
    expect(t.text).toBe("Motors[2].Speed[0-3]")
    expect(t.pos).toBe(0)
    const ref = expr("1 + Motor . Speed")
    expect(ref).toMatchObject({ right: { _tag: "Ref", pos: 4, path: { text: "Motor.Speed", pos: 4, segments: [{ name: "Motor", pos: 4 }, { name: "Speed", pos: 12 }] } } })
    expect(expr("A[7]")).toMatchObject({ path: { text: "A[7]", segments: [{ name: "A", range: [7, 7] }] } })
  })

  it("an element index is a plain non-negative integer", () => {
    expect(refused("A[1.5]=1")).toBe('expected an element index, found "1.5" @2')
    expect(refused("A[2s]=1")).toBe('expected an element index, found "2s" @2')
    expect(refused("A[-1]=1")).toBe('expected an element index, found "-" @2')
    expect(refused("A[x]=1")).toBe('expected an element index, found "x" @2')
    expect(refused("A[1-x]=1")).toBe('expected an element index, found "x" @4')
    expect(refused("A[1=1")).toBe('expected "]", found "=" @3')
    expect(Either.getOrThrow(parseSignal("A[3-3]=1")).target.segments[0]!.range).toEqual([3, 3])
    expect(refused("A[0]=B[9999999999999999]")).toBe('expected an element index, found "9999999999999999" @7')
  })

  it("a member name must follow a dot", () => {
    expect(refused("A.=1")).toBe('expected a member name after ".", found "=" @2')
    expect(refused("A.'x'=1")).toBe('expected a member name after ".", found string "x" @2')
    expect(refused("A=B.")).toBe('expected a member name after ".", found the end @4')
  })

  it("the target must be a name, followed by =", () => {
    expect(refused("1=2")).toBe('expected the name of the tag to generate, found "1" @0')
    expect(refused("'A'=2")).toBe('expected the name of the tag to generate, found string "A" @0')
    expect(refused("A 2")).toBe('expected "=" after the target, found "2" @2')
    expect(refused("A=")).toBe("expected a value, found the end @2")
    expect(refused("A=1 'x'")).toBe('unexpected string "x" @4')
  })
})

describe("expressions", () => {
  it("each node keeps the position of its operator, name or literal", () => {
    expect(expr("1 + 2")).toMatchObject({ _tag: "Binary", op: "+", pos: 2, left: { pos: 0, value: 1 }, right: { pos: 4, value: 2 } })
    expect(expr(" -x")).toMatchObject({ _tag: "Unary", op: "-", pos: 1, arg: { _tag: "Ref", pos: 2 } })
    expect(expr("+x")).toMatchObject({ _tag: "Unary", op: "+" })
    expect(expr("a ? b : c")).toMatchObject({ _tag: "Cond", pos: 2, test: { pos: 0 }, then: { pos: 4 }, otherwise: { pos: 8 } })
    expect(expr("2 ** 3")).toMatchObject({ _tag: "Binary", op: "^", pos: 2 })
    expect(expr("'s'")).toEqual({ _tag: "String", value: "s", pos: 0 })
    expect(expr("5")).toEqual({ _tag: "Number", value: 5, pos: 0 })
    expect(expr("5ms")).toEqual({ _tag: "Number", value: 0.005, unit: "ms", pos: 0 })
    expect(expr("f( )")).toEqual({ _tag: "Call", name: "f", args: [], pos: 0 })
    expect(expr("f(a, b = 2)")).toMatchObject({ args: [{ pos: 2, value: { _tag: "Ref" } }, { name: "b", pos: 5, value: { value: 2 } }] })
  })

  it("every comparison operator binds below arithmetic, and none chains", () => {
    for (const op of ["<", "<=", ">", ">=", "==", "!="]) {
      expect(expr(`1 + 1 ${op} 2`)).toMatchObject({ _tag: "Binary", op, left: { op: "+" } })
      expect(Either.isLeft(parseExpression(`1 ${op} 2 == 3`))).toBe(true)
    }
    expect(expr("1 < 2 && 2 < 3")).toMatchObject({ op: "&&" }) // comparisons joined by && are fine
    expect(expr("a || b || c")).toMatchObject({ op: "||", left: { op: "||" } }) // left to right
    expect(expr("8 / 4 / 2")).toMatchObject({ op: "/", left: { op: "/" } })
  })

  it("errors name the token found: ? without :, a call left open, a stray operator", () => {
    expect(refused("A=1 ? 2")).toBe('expected ":" of "? :", found the end @7')
    expect(refused("A=1 ? 2 , 3")).toBe('expected ":" of "? :", found "," @8')
    expect(refused("A=f(1")).toBe('expected "," or ")", found the end @5')
    expect(refused("A=f(1 'x')")).toBe('expected "," or ")", found string "x" @6')
    expect(refused("A=(1")).toBe('expected ")", found the end @4')
    expect(refused("A=*2")).toBe('expected a value, found "*" @2')
    expect(refused("A=1 2")).toBe('unexpected "2" @4')
  })

  it("the source is the text after =, trimmed; the spec text is kept whole", () => {
    const s = Either.getOrThrow(parseSignal("  Level =   1 + 2   "))
    expect(s.source).toBe("1 + 2")
    expect(s.text).toBe("  Level =   1 + 2   ")
    expect(s.expr).toMatchObject({ pos: 14 })
  })
})
