/**
 * The signal tokenizer's machine is built once per module load, by the first tokenize: its first
 * test here cuts one spec holding every kind of token that the machine's first character picks
 * (a digit, `.`, a letter, `_`, either quote, an operator, each kind of blank), so whatever the
 * build gets wrong shows in the tokens. Then the errors whose position is past the token's start
 * (an operator cut short, a name cut after `Program:`, the end of the text, a NUL character).
 */
import { describe, expect, it } from "vitest"
import { Either } from "effect"
import { tokenize } from "../../src/signals/index.js"

const tokens = (text: string) => Either.getOrThrow(tokenize(text)).map((k) => [k.kind, k.text, k.pos])
const refused = (text: string) => {
  const r = tokenize(text)
  if (Either.isRight(r)) throw new Error(`expected ${JSON.stringify(text)} to be refused`)
  return [r.left.reason, r.left.position]
}

describe("the token machine", () => {
  it("one spec with every kind of first character: digits, '.', letters, '_', both quotes, operators, blanks", () => {
    expect(tokens("\t_a1 \"q\"\r'z'\n.5 7ms<=Level")).toEqual([
      ["name", "_a1", 1], ["string", "q", 5], ["string", "z", 9], ["number", ".5", 13], ["number", "7ms", 16],
      ["op", "<=", 19], ["name", "Level", 21], ["end", "", 26]
    ])
    expect(tokens("_")).toEqual([["name", "_", 0], ["end", "", 1]])
    expect(tokens("\"\" ''")).toEqual([["string", "", 0], ["string", "", 3], ["end", "", 5]])
  })

  it("an error inside a token is reported where the token stops, not where it starts", () => {
    expect(refused("x &y")).toEqual(['unexpected character "y"', 3])
    expect(refused("a | b")).toEqual(['unexpected character " "', 3])
    expect(refused("Program:1")).toEqual(['unexpected character "1"', 8])
  })

  it("a token cut by the end of the text: unexpected end, at the end", () => {
    expect(refused("x &")).toEqual(["unexpected end", 3])
    expect(refused("|")).toEqual(["unexpected end", 1])
  })

  it("a NUL character is a character, not the end of the text", () => {
    expect(refused("a\0b")).toEqual(['unexpected character "\\u0000"', 1])
  })
})
