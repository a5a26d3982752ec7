/**
 * Machines built from regular expressions (cpppo's `regex`, `regex_bytes`, `string`, `integer`).
 *
 * The compiled table drives a tight loop over the source's buffered chunk (no generator step per
 * symbol); with tracing on, each symbol is yielded as a transition like any other machine.
 * As in cpppo, the regex states are always greedy: the machine consumes the longest run of
 * symbols that has a transition, without backtracking, then must be in an accepting state.
 *
 * @module
 */
import { Either } from "effect"
import { Dfa, type DfaOptions } from "./machine.js"
import { appendBytes, appendText, type Data, getPath, joinPath, PathKeys, setPath } from "./path.js"
import { EOF, NEED } from "./source.js"
import { type RunContext, NonTerminalSignal, resolveCount, State, StateInput, type StateOptions, type Step, WAIT } from "./state.js"
import { classOf, compile, type DfaTable, type RegexError } from "./table.js"

/** Options of {@link regex}. */
export interface RegexOptions extends StateOptions {
  /** Machine name (default: the pattern). */
  readonly name?: string
  /** Match UTF-8 bytes instead of code points (cpppo's `regex_bytes`). */
  readonly bytes?: boolean
  readonly repeat?: number | string
}

/** A machine compiled from a regular expression; collects what it consumes at `<context>.input`. */
export class RegexDfa extends Dfa {
  /** One state object per table state (names are the table indices), for tracing and `current`. */
  readonly nodes: ReadonlyArray<State>
  private readonly keys = new PathKeys()

  constructor(
    readonly pattern: string,
    readonly compiled: DfaTable,
    options: Omit<RegexOptions, "bytes"> = {}
  ) {
    const nodes = Array.from(
      { length: compiled.states },
      (_, i) => new StateInput(String(i), { terminal: compiled.finals[i] === 1 })
    )
    const init: DfaOptions = { ...options, initial: nodes[compiled.initial]! }
    super(options.name ?? pattern, init)
    this.nodes = nodes
  }

  /** Runs the table over the input. @internal */
  protected override *delegate(ctx: RunContext, path: string, ending: number): Generator<Step, void, void> {
    const t = this.compiled
    const src = ctx.src
    const text = src.kind === "text"
    const keys = this.keys.get(this.inputPathOf(path))
    const data = ctx.data
    this.cycle = 0
    this.final =
      this.repeat === undefined
        ? 1
        : resolveCount(this.repeat, { machine: this, source: src, path: this.contextPath(path), data })
    while (this.cycle < this.final) {
      this.cycle++
      let s = t.initial
      this.current = this.nodes[s]!
      ctx.last = this.current
      ctx.lastMachine = this
      if (ctx.trace) yield { machine: this, state: this.current }
      for (;;) {
        if (src.sent >= ending) break
        if (ctx.trace || src.pushed.length > 0) {
          // One symbol at a time: tracing, or symbols were pushed back.
          const sym = src.peek()
          if (sym === NEED) {
            if (t.hasOut[s] === 0) break
            yield ctx.trace ? { machine: this, state: null } : WAIT
            continue
          }
          if (sym === EOF) break
          const next = t.table[s * t.classes + classOf(t, sym)]!
          if (next < 0) break
          s = next
          this.current = this.nodes[s]!
          ctx.last = this.current
          // As with graph states, the transition is reported before the state consumes its symbol.
          if (ctx.trace) yield { machine: this, state: this.current }
          src.next()
          appendSymbol(data, keys, sym, text)
          continue
        }
        const chunk = src.current()
        if (chunk === undefined) {
          if (src.ended || t.hasOut[s] === 0) break
          yield WAIT
          continue
        }
        const room = ending - src.sent
        const r = typeof chunk === "string" ? scanText(t, s, chunk, src.pos, room) : scanBytes(t, s, chunk, src.pos, room)
        if (r.count > 0) {
          if (typeof chunk === "string") appendText(data, keys, chunk.slice(src.pos, r.pos))
          else appendBytes(data, keys, chunk, src.pos, r.pos)
          src.pos = r.pos
          src.sent += r.count
          s = r.state
          this.current = this.nodes[s]!
          ctx.last = this.current
        }
        if (r.pos < chunk.length || r.count >= room) break
      }
      if (t.finals[s] !== 1) {
        throw new NonTerminalSignal(this, this.current, `${this.name} stopped in non-terminal state ${this.current}`)
      }
    }
  }
}

interface Scan {
  readonly state: number
  readonly pos: number
  readonly count: number
}

/** Runs the table over a text chunk from `pos` until no transition, the chunk's end, or `room` symbols. */
const scanText = (t: DfaTable, state: number, chunk: string, pos: number, room: number): Scan => {
  const { table, classes, low, direct } = t
  const hasDirect = direct.length > 0
  const len = chunk.length
  let s = state
  let n = 0
  // Code units below 256 (never surrogates) are one symbol each: the common case, one load.
  while (pos < len) {
    let c = chunk.charCodeAt(pos)
    let w = 1
    let next: number
    if (c < 256) {
      if (n >= room) break
      next = hasDirect ? direct[(s << 8) | c]! : table[s * classes + low[c]!]!
    } else {
      if (n >= room) break
      if (c >= 0xd800 && c <= 0xdbff && pos + 1 < len) {
        const d = chunk.charCodeAt(pos + 1)
        if (d >= 0xdc00 && d <= 0xdfff) {
          c = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000
          w = 2
        }
      }
      next = table[s * classes + classOf(t, c)]!
    }
    if (next < 0) break
    s = next
    pos += w
    n++
  }
  return { state: s, pos, count: n }
}

/** Runs the table over a byte chunk (see {@link scanText}). */
const scanBytes = (t: DfaTable, state: number, chunk: Uint8Array, pos: number, room: number): Scan => {
  const { table, classes, low, direct } = t
  const end = room < chunk.length - pos ? pos + room : chunk.length
  let s = state
  const start = pos
  if (direct.length > 0) {
    while (pos < end) {
      const next = direct[(s << 8) | chunk[pos]!]!
      if (next < 0) break
      s = next
      pos++
    }
  } else {
    while (pos < end) {
      const next = table[s * classes + low[chunk[pos]!]!]!
      if (next < 0) break
      s = next
      pos++
    }
  }
  return { state: s, pos, count: pos - start }
}

const appendSymbol = (data: Data, keys: ReadonlyArray<string>, sym: number, text: boolean): void => {
  if (text) appendText(data, keys, String.fromCodePoint(sym))
  else appendBytes(data, keys, Uint8Array.of(sym), 0, 1)
}

/**
 * Builds a machine from a regular expression (JavaScript syntax, full Unicode; `.` matches any
 * code point). What it consumes is collected at `<context>.input`. Returns a {@link RegexError}
 * naming the position for a malformed pattern.
 */
export const regex = (pattern: string, options: RegexOptions = {}): Either.Either<RegexDfa, RegexError> =>
  Either.map(compile(pattern, options.bytes ?? false), (table) => {
    const { bytes: _bytes, ...rest } = options
    return new RegexDfa(pattern, table, rest)
  })

/** A regex machine that also stores what it matched as a string at `<context>` (cpppo's `string`). */
export class StringDfa extends RegexDfa {
  protected override readonly finishes = true
  protected override finish(data: Data, contextPath: string): void {
    const v = getPath(data, joinPath(contextPath, "input"))
    const s = typeof v === "string" ? v : Array.isArray(v) ? new TextDecoder().decode(Uint8Array.from(v as Array<number>)) : ""
    setPath(data, contextPath, s)
  }
}

/** A regex machine for `\d+` that stores the number at `<context>` (cpppo's `integer`), over text or bytes. */
export class IntegerDfa extends RegexDfa {
  protected override readonly finishes = true
  protected override finish(data: Data, contextPath: string): void {
    // Over a byte source the digits were collected as byte values: read them as ASCII.
    const v = getPath(data, joinPath(contextPath, "input"))
    const s = typeof v === "string" ? v : Array.isArray(v) ? String.fromCharCode(...(v as Array<number>)) : ""
    setPath(data, contextPath, s === "" ? 0 : Number.parseInt(s, 10))
  }
}

/**
 * A string machine (cpppo's `string`): by default `.*`, non-greedy, context `"string"`; the
 * collected text is stored at `<context>`.
 */
export const string = (options: RegexOptions & { readonly pattern?: string } = {}): Either.Either<StringDfa, RegexError> => {
  const { pattern = ".*", bytes = false, ...rest } = options
  return Either.map(
    compile(pattern, bytes),
    (t) => new StringDfa(pattern, t, { context: "string", greedy: false, ...rest })
  )
}

/** An integer machine (cpppo's `integer`): `\d+`, greedy, context `"integer"`; stores a number at `<context>`. */
export const integer = (options: Omit<RegexOptions, "bytes"> = {}): IntegerDfa => {
  const t = Either.getOrThrow(compile("\\d+"))
  return new IntegerDfa("\\d+", t, { context: "integer", greedy: true, ...options })
}
