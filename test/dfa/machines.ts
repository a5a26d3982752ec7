/**
 * The machines the shared behaviour cases describe in words, built with the library; used by the
 * vector tests and the examples' checks.
 */
import { Either } from "effect"
import { Decide, Dfa, getPath, integer, State, StateDrop, StateInput, string, regex } from "../../src/dfa/index.js"

/** The README's BASIC `ab+` graph: E (no input) -a-> A -b-> B((terminal)) -b-> B. */
export const abPlusStates = (): State => {
  const E = new State("E")
  const A = new StateInput("A")
  const B = new StateInput("B", { terminal: true })
  E.on("a", A)
  A.on("b", B)
  B.on("b", B)
  return E
}

/** BASIC: the `ab+` graph in a Dfa with context `basic`. */
export const basic = (options: { terminal?: boolean; greedy?: boolean; context?: string } = {}): Dfa =>
  new Dfa("ab+", { initial: abPlusStates(), context: options.context ?? "basic", terminal: options.terminal ?? false, greedy: options.greedy ?? true })

/** CSV: `ab+` (terminal) then a dropped `,` and spaces, and an epsilon back into `ab+`. */
export const csv = (): Dfa => {
  const ab = new Dfa("ab+", { initial: abPlusStates(), terminal: true })
  const SEP = new StateDrop("SEP")
  ab.on(",", SEP)
  SEP.on(" ", SEP)
  SEP.onEpsilon(ab)
  return new Dfa("CSV", { initial: ab, context: "csv" })
}

/** comparo: 'a', spaces, integer i1, spaces, integer i2, then decisions less/greater/equal. */
export const comparo = (): Dfa => {
  const init = new State("init")
  const a = new StateDrop("a")
  const sp1 = new StateDrop("sp1")
  const sp2 = new StateDrop("sp2")
  const i1 = integer({ context: "i1", terminal: true, name: "i1" })
  const i2 = integer({ context: "i2", terminal: true, name: "i2" })
  const less = new State("less", { terminal: true })
  const greater = new State("greater", { terminal: true })
  const equal = new State("equal", { terminal: true })
  init.on("a", a)
  a.on(" ", sp1)
  sp1.on(" ", sp1).onRange("0", "9", i1)
  i1.on(" ", sp2)
  sp2.on(" ", sp2).onRange("0", "9", i2)
  const num = (data: object, path: string): number => Number(getPath(data as never, path))
  i2.onEpsilon(new Decide("lt", less, ({ path, data }) => num(data, `${path}.i1`) < num(data, `${path}.i2`)))
  i2.onEpsilon(new Decide("gt", greater, ({ path, data }) => num(data, `${path}.i1`) > num(data, `${path}.i2`)))
  i2.onEpsilon(equal)
  return new Dfa("comparo", { initial: init, context: "comparo" })
}

/** x3: a Dfa around one terminal input state (any symbol), repeated 3 times. */
export const repeat3 = (): Dfa =>
  new Dfa("x3", { initial: new StateInput("c", { terminal: true }), context: "r", repeat: 3 })

/** A regex machine (the pattern is known good). */
export const re = (pattern: string, options: Parameters<typeof regex>[1] = {}) => Either.getOrThrow(regex(pattern, options))

/** A string machine (the pattern is known good). */
export const str = (options: Parameters<typeof string>[0] = {}) => Either.getOrThrow(string(options))
