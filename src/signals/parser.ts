/**
 * The grammar of signal specs, over the tokens of ./lexer.ts (pure functions, no `eval`):
 *
 * ```
 * signal  := target "=" expr
 * target  := path                          Level, SCADA[0-9], Motors[0-3].Speed, Program:Main.Level
 * path    := name index? ("." name index?)*
 * index   := "[" int ("-" int)? "]"
 * expr    := or ("?" expr ":" expr)?
 * or      := and ("||" and)*            and := cmp ("&&" cmp)*
 * cmp     := sum (("<"|"<="|">"|">="|"=="|"!=") sum)?
 * sum     := product (("+"|"-") product)*
 * product := unary (("*"|"/"|"%") unary)*
 * unary   := ("-"|"+"|"!") unary | power
 * power   := primary (("^"|"**") unary)?                        right-associative
 * primary := number | duration | string | name "(" args? ")" | path | "(" expr ")"
 * args    := arg ("," arg)*               arg := (name "=")? expr
 * ```
 *
 * Every node keeps its position, so later checks (unknown function, unknown tag, a cycle) name it.
 */
import { Data, Either } from "effect"
import { SignalSyntaxError, type Token, tokenize } from "./lexer.js"

/** One step of a tag path: a name and an optional element index or range. */
export interface PathSegment {
  readonly name: string
  /** `[i]` gives `[i, i]`; `[a-b]` gives `[a, b]`. */
  readonly range?: readonly [number, number]
  readonly pos: number
}

/** A tag path as written: `SCADA[0-9]`, `Motors[2].Speed`, `Program:Main.Level`. */
export interface TagPath {
  readonly segments: ReadonlyArray<PathSegment>
  readonly pos: number
  /** The path as written (without blanks). */
  readonly text: string
}

/** One argument of a call: positional, or named (`period=60s`). */
export interface Argument {
  readonly name?: string
  readonly value: Expr
  readonly pos: number
}

/** An expression node. */
export type Expr =
  | { readonly _tag: "Number"; readonly value: number; readonly unit?: string; readonly pos: number }
  | { readonly _tag: "String"; readonly value: string; readonly pos: number }
  | { readonly _tag: "Ref"; readonly path: TagPath; readonly pos: number }
  | { readonly _tag: "Call"; readonly name: string; readonly args: ReadonlyArray<Argument>; readonly pos: number }
  | { readonly _tag: "Unary"; readonly op: "-" | "+" | "!"; readonly arg: Expr; readonly pos: number }
  | { readonly _tag: "Binary"; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr; readonly pos: number }
  | { readonly _tag: "Cond"; readonly test: Expr; readonly then: Expr; readonly otherwise: Expr; readonly pos: number }

export type BinaryOp = "+" | "-" | "*" | "/" | "%" | "^" | "<" | "<=" | ">" | ">=" | "==" | "!=" | "&&" | "||"

/** A parsed signal: the target it writes and the expression that computes it. */
export interface SignalSpec {
  /** The spec as given. */
  readonly text: string
  readonly target: TagPath
  readonly expr: Expr
  /** The expression's text. */
  readonly source: string
}

/** A spec that does not parse, or does not make sense: the message names the position. */
export class SignalParseError extends Data.TaggedError("SignalParseError")<{
  readonly spec: string
  /** 0-based character position in `spec`. */
  readonly position: number
  readonly reason: string
}> {
  override get message(): string {
    return `bad signal ${JSON.stringify(this.spec)}: ${this.reason} at position ${this.position + 1}`
  }
}

class Fail {
  constructor(readonly position: number, readonly reason: string) {}
}

const describe = (t: Token): string =>
  t.kind === "end" ? "the end" : t.kind === "string" ? `string ${JSON.stringify(t.text)}` : JSON.stringify(t.text)

/** A recursive-descent parser over one token list; throws `Fail`, turned into a value at the edge. */
class Parser {
  private at = 0
  constructor(private readonly tokens: ReadonlyArray<Token>, private readonly text: string) {}

  peek(): Token {
    return this.tokens[this.at]!
  }
  next(): Token {
    const t = this.tokens[this.at]!
    if (t.kind !== "end") this.at++
    return t
  }
  isOp(text: string): boolean {
    const t = this.peek()
    return t.kind === "op" && t.text === text
  }
  expect(text: string, what?: string): Token {
    const t = this.peek()
    if (t.kind !== "op" || t.text !== text) throw new Fail(t.pos, `expected ${what ?? JSON.stringify(text)}, found ${describe(t)}`)
    return this.next()
  }
  end(): void {
    const t = this.peek()
    if (t.kind !== "end") throw new Fail(t.pos, `unexpected ${describe(t)}`)
  }

  integer(): number {
    const t = this.peek()
    if (t.kind !== "number" || t.unit !== undefined || !Number.isSafeInteger(t.value) || t.value! < 0) {
      throw new Fail(t.pos, `expected an element index, found ${describe(t)}`)
    }
    this.next()
    return t.value!
  }

  path(first: Token, allowRange: boolean): TagPath {
    const segments: Array<PathSegment> = []
    let name = first
    for (;;) {
      let range: readonly [number, number] | undefined
      if (this.isOp("[")) {
        this.next()
        const a = this.integer()
        let b = a
        if (this.isOp("-")) {
          const dash = this.next()
          if (!allowRange) throw new Fail(dash.pos, "a range of elements is only allowed in the target")
          b = this.integer()
          if (b < a) throw new Fail(dash.pos, `range ${a}-${b} runs backwards`)
        }
        this.expect("]")
        range = [a, b]
      }
      segments.push(range === undefined ? { name: name.text, pos: name.pos } : { name: name.text, range, pos: name.pos })
      if (!this.isOp(".")) break
      this.next()
      const member = this.peek()
      if (member.kind !== "name") throw new Fail(member.pos, `expected a member name after ".", found ${describe(member)}`)
      name = this.next()
    }
    const endPos = this.tokens[this.at - 1]!
    const textEnd = endPos.pos + (endPos.kind === "op" ? endPos.text.length : endPos.text.length)
    return { segments, pos: first.pos, text: this.text.slice(first.pos, textEnd).replace(/\s+/g, "") }
  }

  expr(): Expr {
    const test = this.binary(0)
    if (!this.isOp("?")) return test
    const q = this.next()
    const then = this.expr()
    this.expect(":", '":" of "? :"')
    const otherwise = this.expr()
    return { _tag: "Cond", test, then, otherwise, pos: q.pos }
  }

  /** Precedence climbing over the binary operators below `?:`. */
  binary(level: number): Expr {
    if (level >= LEVELS.length) return this.unary()
    let left = this.binary(level + 1)
    const ops = LEVELS[level]!
    for (;;) {
      const t = this.peek()
      if (t.kind !== "op" || !ops.includes(t.text)) return left
      this.next()
      const right = this.binary(level + 1)
      left = { _tag: "Binary", op: t.text as BinaryOp, left, right, pos: t.pos }
      // Comparisons do not chain: `a < b < c` is a mistake, not (a < b) < c.
      if (level === COMPARE && this.peek().kind === "op" && ops.includes(this.peek().text)) {
        throw new Fail(this.peek().pos, "comparisons do not chain; use && between them")
      }
    }
  }

  unary(): Expr {
    const t = this.peek()
    if (t.kind === "op" && (t.text === "-" || t.text === "+" || t.text === "!")) {
      this.next()
      return { _tag: "Unary", op: t.text, arg: this.unary(), pos: t.pos }
    }
    const base = this.primary()
    if (this.isOp("^") || this.isOp("**")) {
      const op = this.next()
      return { _tag: "Binary", op: "^", left: base, right: this.unary(), pos: op.pos }
    }
    return base
  }

  primary(): Expr {
    const t = this.peek()
    switch (t.kind) {
      case "number":
        this.next()
        return t.unit !== undefined ? { _tag: "Number", value: t.value!, unit: t.unit, pos: t.pos } : { _tag: "Number", value: t.value!, pos: t.pos }
      case "string":
        this.next()
        return { _tag: "String", value: t.text, pos: t.pos }
      case "name": {
        this.next()
        if (this.isOp("(")) return this.call(t)
        return { _tag: "Ref", path: this.path(t, false), pos: t.pos }
      }
      case "op":
        if (t.text === "(") {
          this.next()
          const inner = this.expr()
          this.expect(")")
          return inner
        }
        throw new Fail(t.pos, `expected a value, found ${describe(t)}`)
      case "end":
        throw new Fail(t.pos, "expected a value, found the end")
    }
  }

  call(name: Token): Expr {
    this.expect("(")
    const args: Array<Argument> = []
    if (!this.isOp(")")) {
      for (;;) {
        const t = this.peek()
        const named = t.kind === "name" && this.tokens[this.at + 1]?.kind === "op" && this.tokens[this.at + 1]?.text === "="
        if (named) {
          this.next()
          this.next()
          args.push({ name: t.text, value: this.expr(), pos: t.pos })
        } else {
          const value = this.expr()
          if (args.some((a) => a.name !== undefined)) throw new Fail(t.pos, "a positional argument after a named one")
          args.push({ value, pos: t.pos })
        }
        if (!this.isOp(",")) break
        this.next()
      }
    }
    this.expect(")", '"," or ")"')
    return { _tag: "Call", name: name.text, args, pos: name.pos }
  }
}

const LEVELS: ReadonlyArray<ReadonlyArray<string>> = [["||"], ["&&"], ["<", "<=", ">", ">=", "==", "!="], ["+", "-"], ["*", "/", "%"]]
const COMPARE = 2

const parseWith = <A>(text: string, f: (p: Parser, tokens: ReadonlyArray<Token>) => A): Either.Either<A, SignalParseError> => {
  const tokens = tokenize(text)
  if (Either.isLeft(tokens)) {
    return Either.left(new SignalParseError({ spec: text, position: tokens.left.position, reason: tokens.left.reason }))
  }
  try {
    return Either.right(f(new Parser(tokens.right, text), tokens.right))
  } catch (e) {
    if (e instanceof Fail) return Either.left(new SignalParseError({ spec: text, position: e.position, reason: e.reason }))
    if (e instanceof RangeError) {
      // Nesting deep enough to exhaust the stack: a mistake in the spec, not a crash.
      return Either.left(new SignalParseError({ spec: text, position: 0, reason: "expression nested too deeply" }))
    }
    throw e
  }
}

/** Parse an expression alone (`Level * 0.3 + noise(0, 1)`). */
export const parseExpression = (text: string): Either.Either<Expr, SignalParseError> =>
  parseWith(text, (p) => {
    const e = p.expr()
    p.end()
    return e
  })

/** Parse a signal spec: `TARGET = EXPRESSION` (`Level=sine(amplitude=40, offset=50, period=60s)`). */
export const parseSignal = (text: string): Either.Either<SignalSpec, SignalParseError> =>
  parseWith(text, (p) => {
    const first = p.peek()
    if (first.kind !== "name") throw new Fail(first.pos, `expected the name of the tag to generate, found ${describe(first)}`)
    p.next()
    const target = p.path(first, true)
    const eq = p.expect("=", '"=" after the target')
    const rest = p.peek()
    const expr = p.expr()
    p.end()
    void eq
    return { text, target, expr, source: text.slice(rest.pos).trim() }
  })

export { SignalSyntaxError }
