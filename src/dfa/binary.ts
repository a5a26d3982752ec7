/**
 * Binary field machines like cpppo's `USINT`, `UINT`, `UDINT`, …: each consumes a fixed (or
 * data-given) number of bytes and stores the decoded value at `<path>.<context>`. They are states,
 * so they chain into larger machines with (epsilon) transitions, and they copy whole runs of
 * bytes out of the buffered chunk instead of stepping symbol by symbol.
 *
 * @module
 */
import { Dfa } from "./machine.js"
import { joinPath, setPath } from "./path.js"
import {
  type Limit,
  NonTerminalSignal,
  resolveCount,
  type RunContext,
  State,
  type StateOptions,
  type Step,
  WAIT
} from "./state.js"

/** Options of a field: like a state's, but terminal by default. */
export interface FieldOptions extends StateOptions {
  /** Machine name (default: the context). */
  readonly name?: string
}

/** A machine that consumes `length` bytes and stores `decode(bytes)` at `<path>.<context>`. */
export class Field extends State {
  constructor(
    context: string,
    /** Byte count: a number, a data path relative to this field's context, or a function. */
    readonly length: Limit,
    readonly decode: (bytes: Uint8Array) => unknown,
    options: FieldOptions = {}
  ) {
    super(options.name ?? context, { terminal: true, ...options, context })
  }

  /** Collects the bytes, waiting for more input as needed. @internal */
  protected override *delegate(ctx: RunContext, path: string, ending: number): Generator<Step, void, void> {
    const src = ctx.src
    const ctxPath = joinPath(path, this.context)
    const n = resolveCount(this.length, { machine: this, source: src, path: ctxPath, data: ctx.data })
    if (n < 0 || src.sent + n > ending) {
      throw new NonTerminalSignal(this, this, `${this.name} needs ${n} bytes, beyond its limit`)
    }
    const buf = new Uint8Array(n)
    let got = 0
    while (got < n) {
      const chunk = src.pushed.length > 0 || src.kind === "text" ? undefined : src.current()
      if (chunk instanceof Uint8Array) {
        const take = Math.min(n - got, chunk.length - src.pos)
        buf.set(chunk.subarray(src.pos, src.pos + take), got)
        src.pos += take
        src.sent += take
        got += take
        continue
      }
      const sym = src.peek()
      if (sym >= 0) {
        buf[got++] = src.next() & 0xff
        continue
      }
      if (src.ended) throw new NonTerminalSignal(this, this, `${this.name} needs ${n - got} more bytes but input ended`)
      yield ctx.trace ? { machine: this, state: null } : WAIT
    }
    setPath(ctx.data, ctxPath, this.decode(buf))
  }
}

const view = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength)

/** Builds a fixed-size little-endian number field factory. */
const numeric =
  (size: number, read: (v: DataView) => number | bigint) =>
  (context: string, options: FieldOptions = {}): Field =>
    new Field(context, size, (b) => read(view(b)), options)

/** Unsigned 8-bit. */
export const USINT = numeric(1, (v) => v.getUint8(0))
/** Signed 8-bit. */
export const SINT = numeric(1, (v) => v.getInt8(0))
/** Unsigned 16-bit little-endian. */
export const UINT = numeric(2, (v) => v.getUint16(0, true))
/** Signed 16-bit little-endian. */
export const INT = numeric(2, (v) => v.getInt16(0, true))
/** Unsigned 32-bit little-endian. */
export const UDINT = numeric(4, (v) => v.getUint32(0, true))
/** Signed 32-bit little-endian. */
export const DINT = numeric(4, (v) => v.getInt32(0, true))
/** Unsigned 64-bit little-endian (a bigint). */
export const ULINT = numeric(8, (v) => v.getBigUint64(0, true))
/** Signed 64-bit little-endian (a bigint). */
export const LINT = numeric(8, (v) => v.getBigInt64(0, true))
/** IEEE 754 single, little-endian. */
export const REAL = numeric(4, (v) => v.getFloat32(0, true))
/** IEEE 754 double, little-endian. */
export const LREAL = numeric(8, (v) => v.getFloat64(0, true))

/**
 * A fixed-length byte field: `length` bytes (a number, a data path relative to this field's
 * context such as `"..length"`, or a function) stored as a `Uint8Array` at `<context>`.
 */
export const bytes = (context: string, length: Limit, options: FieldOptions = {}): Field =>
  new Field(context, length, (b) => b, options)

/**
 * A length-prefixed byte field: a little-endian count (by default a `UINT`) at
 * `<context>.length`, then that many bytes at `<context>.data`.
 */
export const lengthPrefixed = (
  context: string,
  prefix: (context: string) => Field = (c) => UINT(c),
  options: FieldOptions = {}
): Dfa => {
  const length = prefix("length")
  length.onEpsilon(bytes("data", "..length"))
  return new Dfa(options.name ?? context, { terminal: true, ...options, context, initial: length })
}
