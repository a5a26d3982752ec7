/**
 * Compiling a regular expression to a table-driven DFA with `refa`: parse (JS syntax), NFA → DFA,
 * minimize, then number the states and lay the transitions out as `table[state * classes + class]`
 * over symbol classes (maximal symbol ranges every state treats alike). For byte machines the
 * code point DFA is rewritten over UTF-8 byte sequences and determinized again.
 *
 * @module
 */
import { Data, Either } from "effect"
import { CharSet, DFA, JS, NFA } from "refa"
import { utf8Sequences } from "./utf8.js"

/** A malformed or unsupported regular expression. */
export class RegexError extends Data.TaggedError("RegexError")<{
  readonly message: string
  readonly pattern: string
  /** Index in the pattern where the problem was found (-1 if unknown). */
  readonly position: number
}> {}

/** Cap on DFA states while compiling (subset construction can blow up); beyond it: a RegexError. */
const MAX_NODES = 50_000
/** Tables up to this many states also get a direct per-state table for symbols below 256 (1 KiB per state). */
const DIRECT_MAX_STATES = 4096

/** A compiled DFA: dense transition table over symbol classes. */
export interface DfaTable {
  readonly states: number
  readonly initial: number
  /** 1 where the state accepts. */
  readonly finals: Uint8Array
  /** 1 where the state has at least one outgoing transition. */
  readonly hasOut: Uint8Array
  readonly classes: number
  /** `next = table[state * classes + class]`, -1 for none. */
  readonly table: Int32Array
  /** Class of each symbol below 256 (fast path). */
  readonly low: Int32Array
  /** Sorted starts of the symbol intervals (for symbols ≥ 256) and their classes. */
  readonly starts: Int32Array
  readonly startClass: Int32Array
  /**
   * `direct[(state << 8) | sym]` for symbols below 256: one load per symbol in the hot loop
   * (built when the table is small enough, else empty).
   */
  readonly direct: Int32Array
  /** Class of each BMP code point (one load instead of a search; empty for byte tables). */
  readonly bmp: Uint16Array
}

/** The class of a symbol. */
export const classOf = (t: DfaTable, sym: number): number => {
  if (sym < 0x10000) return t.bmp.length > 0 ? t.bmp[sym]! : t.low[sym & 0xff]!
  const s = t.starts
  let lo = 0
  let hi = s.length - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (s[mid]! <= sym) lo = mid
    else hi = mid - 1
  }
  return t.startClass[lo]!
}

const build = (dfa: DFA, maxChar: number): DfaTable => {
  const order: Array<DFA.Node> = [dfa.initial]
  const index = new Map<DFA.Node, number>([[dfa.initial, 0]])
  for (let i = 0; i < order.length; i++) {
    for (const [, to] of order[i]!.out.entries()) {
      if (!index.has(to)) {
        index.set(to, order.length)
        order.push(to)
      }
    }
  }
  // Interval boundaries of all transitions; each interval is one class.
  const cuts = new Set<number>([0])
  for (const n of order) {
    for (const [r] of n.out.entries()) {
      cuts.add(r.min)
      if (r.max + 1 <= maxChar) cuts.add(r.max + 1)
    }
  }
  const starts = Int32Array.from([...cuts].sort((a, b) => a - b))
  const classes = starts.length
  const table = new Int32Array(order.length * classes).fill(-1)
  const finals = new Uint8Array(order.length)
  const hasOut = new Uint8Array(order.length)
  order.forEach((n, s) => {
    finals[s] = dfa.finals.has(n) ? 1 : 0
    for (const [r, to] of n.out.entries()) {
      hasOut[s] = 1
      // Classes whose interval lies inside r.
      let c = upperIndex(starts, r.min)
      for (; c < classes && starts[c]! <= r.max; c++) table[s * classes + c] = index.get(to)!
    }
  })
  const startClass = Int32Array.from(starts, (_, i) => i)
  const low = new Int32Array(256)
  for (let i = 0; i < 256; i++) low[i] = i <= maxChar ? classOfSlow(starts, i) : 0
  const direct = new Int32Array(order.length <= DIRECT_MAX_STATES ? order.length * 256 : 0)
  if (direct.length > 0) {
    for (let st = 0; st < order.length; st++) {
      for (let i = 0; i < 256; i++) direct[(st << 8) | i] = i <= maxChar ? table[st * classes + low[i]!]! : -1
    }
  }
  const bmp = new Uint16Array(maxChar > 0xff && classes <= 0xffff ? 0x10000 : 0)
  for (let c = 0; c < starts.length && bmp.length > 0; c++) {
    const from = starts[c]!
    if (from > 0xffff) break
    bmp.fill(c, from, c + 1 < starts.length ? Math.min(starts[c + 1]!, 0x10000) : 0x10000)
  }
  return { states: order.length, initial: 0, finals, hasOut, classes, table, low, starts, startClass, direct, bmp }
}

const upperIndex = (starts: Int32Array, v: number): number => classOfSlow(starts, v)
const classOfSlow = (starts: Int32Array, v: number): number => {
  let c = 0
  while (c + 1 < starts.length && starts[c + 1]! <= v) c++
  return c
}

/** Rewrites a code point DFA over UTF-8 bytes (an NFA of byte chains), determinized and minimized. */
const toBytes = (dfa: DFA): DFA => {
  interface ByteNode {
    readonly out: Map<ByteNode, CharSet>
    final: boolean
  }
  const nodes = new Map<DFA.Node, ByteNode>()
  const nodeOf = (n: DFA.Node): ByteNode => {
    let b = nodes.get(n)
    if (b === undefined) {
      b = { out: new Map(), final: dfa.finals.has(n) }
      nodes.set(n, b)
    }
    return b
  }
  const link = (from: ByteNode, to: ByteNode, lo: number, hi: number): void => {
    const set = CharSet.fromRange(0xff, { min: lo, max: hi })
    const prev = from.out.get(to)
    from.out.set(to, prev === undefined ? set : prev.union(set))
  }
  // Intermediate nodes are shared by (target, remaining byte ranges), so the byte NFA stays small
  // and determinizes without blowing up.
  const ids = new Map<DFA.Node, number>()
  const mids = new Map<string, ByteNode>()
  const midOf = (to: DFA.Node, rest: ReadonlyArray<readonly [number, number]>): ByteNode => {
    if (rest.length === 0) return nodeOf(to)
    if (!ids.has(to)) ids.set(to, ids.size)
    const key = `${ids.get(to)}:${rest.map(([l, h]) => `${l}-${h}`).join(",")}`
    let m = mids.get(key)
    if (m === undefined) {
      m = { out: new Map(), final: false }
      mids.set(key, m)
      const [[lo, hi], ...tail] = rest as [readonly [number, number], ...Array<readonly [number, number]>]
      link(m, midOf(to, tail), lo, hi)
    }
    return m
  }
  const seen = new Set<DFA.Node>()
  const stack: Array<DFA.Node> = [dfa.initial]
  while (stack.length > 0) {
    const n = stack.pop()!
    if (seen.has(n)) continue
    seen.add(n)
    const from = nodeOf(n)
    for (const [r, to] of n.out.entries()) {
      stack.push(to)
      for (const seq of utf8Sequences(r.min, r.max)) {
        const [[lo, hi], ...tail] = seq as [readonly [number, number], ...Array<readonly [number, number]>]
        link(from, midOf(to, tail), lo, hi)
      }
    }
  }
  const bytes = DFA.fromTransitionIterator<ByteNode>(
    { initial: nodeOf(dfa.initial), getOut: (n) => n.out, isFinal: (n) => n.final, stableOut: true },
    { maxCharacter: 0xff },
    new DFA.LimitedNodeFactory(MAX_NODES)
  )
  bytes.minimize()
  return bytes
}

/**
 * Compiles `pattern` (JavaScript syntax; `.` matches any code point, as in cpppo's greenery) to a
 * transition table over code points, or over UTF-8 bytes when `bytes` is set.
 */
export const compile = (pattern: string, bytes = false): Either.Either<DfaTable, RegexError> => {
  try {
    const parser = JS.Parser.fromLiteral({ source: pattern, flags: "su" })
    const { expression, maxCharacter } = parser.parse({ assertions: "throw", backreferences: "throw" })
    const nfa = NFA.fromRegex(expression, { maxCharacter })
    let dfa = DFA.fromFA(nfa, new DFA.LimitedNodeFactory(MAX_NODES))
    dfa.minimize()
    if (bytes) dfa = toBytes(dfa)
    return Either.right(build(dfa, bytes ? 0xff : maxCharacter))
  } catch (e) {
    const err = e as { message?: unknown; index?: unknown }
    return Either.left(
      new RegexError({
        message: typeof err.message === "string" ? err.message : String(e),
        pattern,
        position: typeof err.index === "number" ? err.index : -1
      })
    )
  }
}
