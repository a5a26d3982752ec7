/**
 * The tokens of signal specs and expressions, cut by a machine built with our own DFA library
 * (src/dfa): a decision state that picks, by the first character, a regex-built machine for a
 * number (with an optional unit glued to it: `60s`, `250ms`), a name (`Level`,
 * `Program:Main`), a quoted string, an operator, or a run of blanks. One run of the machine over
 * the shared Source is one token; the position of each token is the Source's count of symbols
 * consumed before it, so every error names where it happened.
 */
import { Data, Either } from "effect"
import { Dfa, regex, run, Source, State, StateDrop, type Data as DfaData } from "../dfa/index.js"

/** What a token is. */
export type TokenKind = "number" | "name" | "string" | "op" | "end"

/** One token: its kind, its text (a string's value without quotes), where it starts (0-based). */
export interface Token {
  readonly kind: TokenKind
  readonly text: string
  readonly pos: number
  /** A number's value (a duration's in seconds). */
  readonly value?: number
  /** The unit a number carried (`s`, `ms`, …), if any. */
  readonly unit?: string
}

/** A mistake in a spec, at a 0-based character position. */
export class SignalSyntaxError extends Data.TaggedError("SignalSyntaxError")<{
  readonly position: number
  readonly reason: string
}> {
  override get message(): string {
    return `${this.reason} at position ${this.position + 1}`
  }
}

/** Seconds per unit of a duration literal. */
export const UNITS: Readonly<Record<string, number>> = { us: 1e-6, ms: 1e-3, s: 1, m: 60, min: 60, h: 3600, d: 86400 }

const OPERATORS = "\\*\\*|<=|>=|==|!=|&&|\\|\\||[-+*/%^()<>!?:,=\\[\\]]"

/**
 * The token machine. Built once, lazily: compiling its regexes (refa: parse, NFA, DFA,
 * minimize) costs milliseconds, and a machine runs one parse at a time, synchronously, so one
 * instance serves every parse in turn.
 */
let machine: Dfa | undefined
const tokenMachine = (): Dfa => {
  if (machine !== undefined) return machine
  const re = (pattern: string, context: string) => Either.getOrThrow(regex(pattern, { context, terminal: true }))
  const number = re("\\d+(\\.\\d*)?([eE][-+]?\\d+)?", "number")
  // `.5` is a number; a `.` alone (member access: `Motor.Speed`) is taken by this machine too, and
  // told apart after. It takes no unit, so the name after a `.` stays a name.
  const fraction = re("\\.(\\d+([eE][-+]?\\d+)?)?", "number")
  const unit = re("[A-Za-z]+", "unit")
  const name = re("([Pp][Rr][Oo][Gg][Rr][Aa][Mm]:)?[A-Za-z_][A-Za-z0-9_]*", "name")
  const dquoted = re('"([^"\\\\]|\\\\.)*"', "string")
  const squoted = re("'([^'\\\\]|\\\\.)*'", "string")
  const op = re(OPERATORS, "op")
  const blank = new StateDrop("blank", { terminal: true })
  blank.onSet(" \t\r\n", blank)
  number.onRange("a", "z", unit).onRange("A", "Z", unit)
  const start = new State("token")
  start
    .onSet(" \t\r\n", blank)
    .onRange("0", "9", number)
    .on(".", fraction)
    .onRange("a", "z", name)
    .onRange("A", "Z", name)
    .on("_", name)
    .on('"', dquoted)
    .on("'", squoted)
    .onAny(op)
  machine = new Dfa("token", { initial: start, terminal: true })
  return machine
}

const input = (data: DfaData, key: string): string | undefined => {
  const v = data[key] as { input?: unknown } | undefined
  return v !== undefined && typeof v.input === "string" ? v.input : undefined
}

const unescape = (quoted: string): string => quoted.slice(1, -1).replace(/\\(.)/gs, "$1")

/** Cut `text` into tokens (the last is `end`), or say where it cannot be cut. */
export const tokenize = (text: string): Either.Either<ReadonlyArray<Token>, SignalSyntaxError> => {
  const lexer = tokenMachine()
  const src = Source.of(text)
  const tokens: Array<Token> = []
  for (;;) {
    const pos = src.sent
    if (src.peek() < 0) {
      tokens.push({ kind: "end", text: "", pos })
      return Either.right(tokens)
    }
    const r = run(lexer, src)
    if (Either.isLeft(r) || r.right.consumed === 0) {
      const at = Either.isLeft(r) ? pos + Math.max(0, r.left.consumed) : pos
      const ch = Array.from(text)[at] ?? ""
      const data = Either.isLeft(r) ? r.left.data : {}
      const what = input(data, "string") !== undefined ? "unterminated string"
        : input(data, "number") !== undefined ? `malformed number ${JSON.stringify(input(data, "number"))}`
        : ch === "" ? "unexpected end" : `unexpected character ${JSON.stringify(ch)}`
      // A string or number that cannot end is reported where it starts.
      return Either.left(new SignalSyntaxError({ position: what.startsWith("unexpected") ? at : pos, reason: what }))
    }
    const data = r.right.data
    const num = input(data, "number")
    const name = input(data, "name")
    const str = input(data, "string")
    const op = input(data, "op")
    if (num !== undefined) {
      if (num === ".") {
        tokens.push({ kind: "op", text: ".", pos })
        continue
      }
      const unitText = input(data, "unit")
      const value = Number(num)
      if (unitText !== undefined) {
        const scale = UNITS[unitText.toLowerCase()]
        if (scale === undefined) {
          return Either.left(new SignalSyntaxError({ position: pos + num.length, reason: `unknown unit ${JSON.stringify(unitText)} (one of ${Object.keys(UNITS).join(" ")})` }))
        }
        tokens.push({ kind: "number", text: num + unitText, pos, value: value * scale, unit: unitText.toLowerCase() })
      } else {
        tokens.push({ kind: "number", text: num, pos, value })
      }
    } else if (name !== undefined) tokens.push({ kind: "name", text: name, pos })
    else if (str !== undefined) tokens.push({ kind: "string", text: unescape(str), pos })
    else if (op !== undefined) tokens.push({ kind: "op", text: op, pos })
    // else: blanks, dropped
  }
}
