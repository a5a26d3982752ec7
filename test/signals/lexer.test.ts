/**
 * The signal tokenizer (a machine built with src/dfa): every unit and its scale, number forms,
 * names with a program scope, escapes in both quotes, every operator, blanks, and each error with
 * where it is reported (a string or number that cannot end: where it starts).
 */
import { describe, expect, it } from "vitest"
import { Either } from "effect"
import { tokenize } from "../../src/signals/index.js"

const tokens = (text: string) => Either.getOrThrow(tokenize(text)).map((k) => [k.kind, k.text, k.pos, k.value, k.unit].filter((x) => x !== undefined))
const refused = (text: string) => {
  const r = tokenize(text)
  if (Either.isRight(r)) throw new Error(`expected ${JSON.stringify(text)} to be refused`)
  return [r.left.reason, r.left.position, r.left.message]
}

describe("tokenize", () => {
  it("durations: each unit in seconds, in any case", () => {
    expect(tokens("1us 2ms 3s 4m 5min 6h 7d 8MS")).toEqual([
      ["number", "1us", 0, 0.000001, "us"], ["number", "2ms", 4, 0.002, "ms"], ["number", "3s", 8, 3, "s"], ["number", "4m", 11, 240, "m"],
      ["number", "5min", 14, 300, "min"], ["number", "6h", 19, 21600, "h"], ["number", "7d", 22, 604800, "d"], ["number", "8MS", 25, 0.008, "ms"],
      ["end", "", 28]
    ])
  })

  it("numbers with exponents and fractions; a dot alone is an operator", () => {
    expect(tokens("1e3 1.5e-2 .5e1 1. 2E+2")).toEqual([
      ["number", "1e3", 0, 1000], ["number", "1.5e-2", 4, 0.015], ["number", ".5e1", 11, 5], ["number", "1.", 16, 1], ["number", "2E+2", 19, 200], ["end", "", 23]
    ])
    expect(tokens("x.y")).toEqual([["name", "x", 0], ["op", ".", 1], ["name", "y", 2], ["end", "", 3]])
    expect(tokens("1 .")).toEqual([["number", "1", 0, 1], ["op", ".", 2], ["end", "", 3]])
  })

  it("names with a program scope; blanks of every kind dropped", () => {
    expect(tokens("Program:Main.X PROGRAM:p _a1")).toEqual([["name", "Program:Main", 0], ["op", ".", 12], ["name", "X", 13], ["name", "PROGRAM:p", 15], ["name", "_a1", 25], ["end", "", 28]])
    expect(tokens("a\tb\nc\r d")).toEqual([["name", "a", 0], ["name", "b", 2], ["name", "c", 4], ["name", "d", 7], ["end", "", 8]])
  })

  it("strings in either quote, escapes removed", () => {
    expect(tokens("'a\\\\b' \"q\\\"x\" 'it''s'")).toEqual([["string", "a\\b", 0], ["string", "q\"x", 7], ["string", "it", 14], ["string", "s", 18], ["end", "", 21]])
  })

  it("every operator, the longest first", () => {
    const ops = ["**", "<=", ">=", "==", "!=", "&&", "||", "-", "+", "*", "/", "%", "^", "(", ")", "<", ">", "!", "?", ":", ",", "=", "[", "]"]
    expect(tokens(ops.join(" ")).map((t) => t[1])).toEqual([...ops, ""])
    expect(tokens("a<=b").map((t) => t[1])).toEqual(["a", "<=", "b", ""])
    expect(tokens("***").map((t) => t[1])).toEqual(["**", "*", ""])
  })

  it("errors: where they are, the message counting from 1", () => {
    expect(refused("1e")).toEqual(['malformed number "1e"', 0, 'malformed number "1e" at position 1'])
    expect(refused("x + 'abc")).toEqual(["unterminated string", 4, "unterminated string at position 5"])
    expect(refused("\"abc")).toEqual(["unterminated string", 0, "unterminated string at position 1"])
    expect(refused("a é")).toEqual(['unexpected character "é"', 2, 'unexpected character "é" at position 3'])
    expect(refused("5xs")).toEqual(['unknown unit "xs" (one of us ms s m min h d)', 1, 'unknown unit "xs" (one of us ms s m min h d) at position 2'])
    expect(refused("a # b")).toEqual(['unexpected character "#"', 2, 'unexpected character "#" at position 3'])
  })
})
