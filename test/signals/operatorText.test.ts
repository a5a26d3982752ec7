/**
 * A quoted string is a value, never an operator, whatever its text: the parser takes an operator
 * only from an operator token. Each place that looks for one (a member `.` or `[`, a binary or
 * unary operator, a chained comparison, a call's `=`, `,` and `)`) is given a string holding that
 * operator's text, and must read a string there.
 */
import { describe, expect, it } from "vitest"
import { Either } from "effect"
import { parseExpression } from "../../src/signals/index.js"

const refused = (text: string) => {
  const r = parseExpression(text)
  if (Either.isRight(r)) throw new Error(`expected ${JSON.stringify(text)} to be refused, got ${JSON.stringify(r.right)}`)
  return `${r.left.reason} @${r.left.position}`
}

describe("strings with an operator's text", () => {
  it("are values where a value is expected", () => {
    expect(Either.getOrThrow(parseExpression("'-'"))).toEqual({ _tag: "String", value: "-", pos: 0 })
    expect(Either.getOrThrow(parseExpression("\"!\""))).toEqual({ _tag: "String", value: "!", pos: 0 })
  })

  it("do not continue a tag path, an expression or a comparison", () => {
    expect(refused("X '['")).toBe('unexpected string "[" @2')
    expect(refused("X '.' Y")).toBe('unexpected string "." @2')
    expect(refused("1 '+' 2")).toBe('unexpected string "+" @2')
    expect(refused("a < b '<' c")).toBe('unexpected string "<" @6')
  })

  it("do not name an argument, separate arguments or close a call", () => {
    expect(refused("sine('amplitude' = 1)")).toBe('expected "," or ")", found "=" @17')
    expect(refused("sine(amplitude '=' 1)")).toBe('expected "," or ")", found string "=" @15')
    expect(refused("sine(1 ',' 2)")).toBe('expected "," or ")", found string "," @7')
    expect(refused("sine(1 ')'")).toBe('expected "," or ")", found string ")" @7')
  })
})
