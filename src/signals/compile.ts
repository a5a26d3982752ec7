/**
 * From a parsed expression to a closure that computes it (no `eval`, no `Function`): numbers and
 * strings are typed while compiling, so `"RUN" * 2` is refused with its position rather than
 * computed as NaN; each generator call becomes one instance (./generators.ts); a tag reference
 * becomes a read the caller binds (the engine reads this tick's value of a generated element, or
 * the tag's stored value).
 */
import { Either } from "effect"
import { GENERATORS, type Generator, type GeneratorDef } from "./generators.js"
import type { Argument, Expr, TagPath } from "./parser.js"

export type Value = number | string
export type Kind = "number" | "string"

/** A mistake found while compiling, at a 0-based position of the spec. */
export class CompileFail {
  constructor(readonly position: number, readonly reason: string) {}
}

/** What a tag reference reads, bound by the caller. */
export interface RefBinding {
  readonly read: () => Value
  readonly kind: Kind
  /** Identifies the element read (for the dependency graph). */
  readonly key: string
}

/** What compiling needs from outside. */
export interface CompileEnv {
  /** This instance's place among the copies of its target (`SCADA[0-9]`: 0..9 of 10). */
  readonly copy: number
  readonly copies: number
  /** The signal time now, seconds. */
  readonly time: () => number
  /** A fresh random stream for one generator instance. */
  readonly random: () => () => number
  /** Bind a tag reference, or say why it cannot be (undefined: references are not allowed here). */
  readonly ref?: (path: TagPath) => Either.Either<RefBinding, string>
}

/** A compiled expression. */
export interface Compiled {
  readonly evaluate: () => Value
  readonly kind: Kind
  /** The elements it reads (keys of {@link RefBinding}), with where each is named. */
  readonly refs: ReadonlyArray<{ readonly key: string; readonly pos: number }>
}

const CONSTANTS: Readonly<Record<string, number>> = { true: 1, false: 0, pi: Math.PI }

type NumFn = (xs: ReadonlyArray<number>) => number
/** Functions of numbers: name → [least, most arguments, function]. */
const MATH: Readonly<Record<string, readonly [number, number, NumFn]>> = {
  abs: [1, 1, (x) => Math.abs(x[0]!)],
  sqrt: [1, 1, (x) => Math.sqrt(x[0]!)],
  exp: [1, 1, (x) => Math.exp(x[0]!)],
  log: [1, 1, (x) => Math.log(x[0]!)],
  log10: [1, 1, (x) => Math.log10(x[0]!)],
  sin: [1, 1, (x) => Math.sin(x[0]!)],
  cos: [1, 1, (x) => Math.cos(x[0]!)],
  tan: [1, 1, (x) => Math.tan(x[0]!)],
  floor: [1, 1, (x) => Math.floor(x[0]!)],
  ceil: [1, 1, (x) => Math.ceil(x[0]!)],
  round: [1, 2, (x) => {
    const f = 10 ** Math.trunc(x[1] ?? 0)
    return Math.round(x[0]! * f) / f
  }],
  min: [1, Infinity, (x) => Math.min(...x)],
  max: [1, Infinity, (x) => Math.max(...x)],
  clamp: [3, 3, (x) => Math.min(x[2]!, Math.max(x[1]!, x[0]!))]
}

/** Names a call may use, for error messages. */
export const FUNCTION_NAMES: ReadonlyArray<string> = [...GENERATORS.keys(), ...Object.keys(MATH), "time"]

const truth = (v: Value) => (typeof v === "number" ? v !== 0 : v !== "")

const BINARY: Readonly<Record<string, (a: number, b: number) => number>> = {
  "+": (a, b) => a + b,
  "-": (a, b) => a - b,
  "*": (a, b) => a * b,
  "/": (a, b) => a / b,
  "%": (a, b) => a % b,
  "^": (a, b) => a ** b,
  "<": (a, b) => +(a < b),
  "<=": (a, b) => +(a <= b),
  ">": (a, b) => +(a > b),
  ">=": (a, b) => +(a >= b)
}

class Compiler {
  readonly refs: Array<{ key: string; pos: number }> = []
  constructor(private readonly env: CompileEnv) {}

  number(e: Expr, what: string): () => number {
    const c = this.expr(e)
    if (c.kind !== "number") throw new CompileFail(e.pos, `${what} must be a number, not a string`)
    return c.evaluate as () => number
  }

  expr(e: Expr): { evaluate: () => Value; kind: Kind } {
    switch (e._tag) {
      case "Number": {
        const v = e.value
        return { evaluate: () => v, kind: "number" }
      }
      case "String": {
        const v = e.value
        return { evaluate: () => v, kind: "string" }
      }
      case "Ref": return this.ref(e.path)
      case "Unary": {
        const arg = this.number(e.arg, `the operand of ${e.op}`)
        return { evaluate: e.op === "-" ? () => -arg() : e.op === "+" ? arg : () => +!arg(), kind: "number" }
      }
      case "Binary": {
        if (e.op === "==" || e.op === "!=") {
          const l = this.expr(e.left)
          const r = this.expr(e.right)
          if (l.kind !== r.kind) throw new CompileFail(e.pos, `${e.op} compares a ${l.kind} with a ${r.kind}`)
          return { evaluate: e.op === "==" ? () => +(l.evaluate() === r.evaluate()) : () => +(l.evaluate() !== r.evaluate()), kind: "number" }
        }
        if (e.op === "&&" || e.op === "||") {
          const l = this.expr(e.left)
          const r = this.expr(e.right)
          return { evaluate: e.op === "&&" ? () => +(truth(l.evaluate()) && truth(r.evaluate())) : () => +(truth(l.evaluate()) || truth(r.evaluate())), kind: "number" }
        }
        const l = this.number(e.left, `the left operand of ${e.op}`)
        const r = this.number(e.right, `the right operand of ${e.op}`)
        const f = BINARY[e.op]!
        return { evaluate: () => f(l(), r()), kind: "number" }
      }
      case "Cond": {
        const test = this.expr(e.test)
        const a = this.expr(e.then)
        const b = this.expr(e.otherwise)
        if (a.kind !== b.kind) throw new CompileFail(e.pos, `the two branches of ? : give a ${a.kind} and a ${b.kind}`)
        return { evaluate: () => (truth(test.evaluate()) ? a.evaluate() : b.evaluate()), kind: a.kind }
      }
      case "Call": return this.call(e)
    }
  }

  ref(path: TagPath): { evaluate: () => Value; kind: Kind } {
    const only = path.segments.length === 1 && path.segments[0]!.range === undefined ? path.segments[0]!.name : undefined
    if (only !== undefined && Object.hasOwn(CONSTANTS, only)) {
      const v = CONSTANTS[only]!
      return { evaluate: () => v, kind: "number" }
    }
    if (this.env.ref === undefined) throw new CompileFail(path.pos, `${path.text}: a tag cannot be used here (only constants)`)
    const b = this.env.ref(path)
    if (Either.isLeft(b)) throw new CompileFail(path.pos, b.left)
    this.refs.push({ key: b.right.key, pos: path.pos })
    return { evaluate: b.right.read, kind: b.right.kind }
  }

  call(e: Extract<Expr, { _tag: "Call" }>): { evaluate: () => Value; kind: Kind } {
    const name = e.name.toLowerCase()
    if (name === "time") {
      if (e.args.length > 0) throw new CompileFail(e.args[0]!.pos, "time() takes no arguments")
      const time = this.env.time
      return { evaluate: time, kind: "number" }
    }
    const math = Object.hasOwn(MATH, name) ? MATH[name] : undefined
    if (math !== undefined) {
      const [least, most, f] = math
      const named = e.args.find((a) => a.name !== undefined)
      if (named) throw new CompileFail(named.pos, `${name}() takes no named arguments`)
      if (e.args.length < least || e.args.length > most) {
        throw new CompileFail(e.pos, `${name}() takes ${least === most ? least : most === Infinity ? `${least} or more` : `${least} to ${most}`} arguments, not ${e.args.length}`)
      }
      const args = e.args.map((a, i) => this.number(a.value, `argument ${i + 1} of ${name}()`))
      return { evaluate: () => f(args.map((a) => a())), kind: "number" }
    }
    const def = GENERATORS.get(name)
    if (def === undefined) throw new CompileFail(e.pos, `unknown function ${JSON.stringify(e.name)} (one of ${FUNCTION_NAMES.join(" ")})`)
    return this.generator(def, e)
  }

  generator(def: GeneratorDef, e: Extract<Expr, { _tag: "Call" }>): { evaluate: () => Value; kind: Kind } {
    const args: Record<string, number> = {}
    const given = new Set<string>()
    const values: Array<Value> = []
    const positional = e.args.filter((a) => a.name === undefined)
    const params = def.params
    positional.forEach((a, i) => {
      if (def.variadic) {
        values.push(constant(a.value))
        return
      }
      const p = params[i]
      if (p === undefined) throw new CompileFail(a.pos, `${def.name}() takes at most ${params.length} arguments: ${params.map((q) => q.name).join(", ")}`)
      args[p.name] = constantNumber(a, `${def.name}(${p.name})`)
      given.add(p.name)
    })
    for (const a of e.args) {
      if (a.name === undefined) continue
      const key = a.name.toLowerCase()
      const p = params.find((q) => q.name === key)
      if (p === undefined) throw new CompileFail(a.pos, `${def.name}() has no parameter ${JSON.stringify(a.name)} (${params.map((q) => q.name).join(", ")})`)
      if (given.has(key)) throw new CompileFail(a.pos, `${def.name}(): ${key} given twice`)
      args[key] = constantNumber(a, `${def.name}(${key})`)
      given.add(key)
    }
    for (const p of params) if (!given.has(p.name)) args[p.name] = p.default ?? NaN
    const made = def.make(args, values, { copy: this.env.copy, copies: this.env.copies, random: this.env.random() })
    if (Either.isLeft(made)) throw new CompileFail(e.pos, `${def.name}(): ${made.left}`)
    const g: Generator = made.right
    const time = this.env.time
    const kinds = new Set(values.map((v) => typeof v))
    if (kinds.size > 1) throw new CompileFail(e.pos, `${def.name}(): mixes numbers and strings`)
    return { evaluate: () => g(time()), kind: kinds.has("string") ? "string" : "number" }
  }
}

/** The value of a constant expression (no tags, no generators), or a CompileFail. */
const constant = (e: Expr): Value => {
  const c = new Compiler({ copy: 0, copies: 1, time: () => 0, random: () => Math.random })
  const check = (x: Expr): void => {
    if (x._tag === "Call") {
      const n = x.name.toLowerCase()
      if (GENERATORS.has(n) || n === "time") throw new CompileFail(x.pos, `${x.name}(): an argument must be a constant, not a signal`)
      x.args.forEach((a) => check(a.value))
    } else if (x._tag === "Unary") check(x.arg)
    else if (x._tag === "Binary") { check(x.left); check(x.right) }
    else if (x._tag === "Cond") { check(x.test); check(x.then); check(x.otherwise) }
  }
  check(e)
  return c.expr(e).evaluate()
}

const constantNumber = (a: Argument, what: string): number => {
  const v = constant(a.value)
  if (typeof v !== "number" || Number.isNaN(v)) throw new CompileFail(a.value.pos, `${what} must be a number`)
  return v
}

/** Compile an expression in an environment. */
export const compile = (expr: Expr, env: CompileEnv): Either.Either<Compiled, CompileFail> => {
  const c = new Compiler(env)
  try {
    const { evaluate, kind } = c.expr(expr)
    return Either.right({ evaluate, kind, refs: c.refs })
  } catch (e) {
    if (e instanceof CompileFail) return Either.left(e)
    throw e
  }
}
