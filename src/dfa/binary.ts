/**
 * Binary field machines like cpppo's `USINT`, `UINT`, `UDINT`, …: each consumes a fixed (or
 * data-given) number of bytes and stores the decoded value at `<path>.<context>`. They are states,
 * so they chain into larger machines with (epsilon) transitions, and they copy whole runs of
 * bytes out of the buffered chunk instead of stepping symbol by symbol.
 *
 * @module
 */
import { Dfa } from "./machine.js"
import { PathKeys, setKeys } from "./path.js"
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

/**
 * Decodes a field's bytes: `n` bytes of `b` starting at offset `o`. The bytes may be a view of the
 * caller's input chunk, so a decoder that keeps bytes must copy them.
 */
export type FieldDecoder = (b: Uint8Array, o: number, n: number) => unknown

/** A machine that consumes `length` bytes and stores `decode(bytes)` at `<path>.<context>`. */
export class Field extends State {
  private readonly keys = new PathKeys()
  protected override readonly delegates = true
  constructor(
    context: string,
    /** Byte count: a number, a data path relative to this field's context, or a function. */
    readonly length: Limit,
    readonly decode: FieldDecoder,
    options: FieldOptions = {}
  ) {
    super(options.name ?? context, { terminal: true, ...options, context })
  }

  /** Collects the bytes, waiting for more input as needed. @internal */
  protected override *delegate(ctx: RunContext, path: string, ending: number): Generator<Step, void, void> {
    const src = ctx.src
    const ctxPath = this.contextPath(path)
    const n =
      typeof this.length === "number"
        ? this.length
        : resolveCount(this.length, { machine: this, source: src, path: ctxPath, data: ctx.data })
    if (n < 0 || src.sent + n > ending) {
      throw new NonTerminalSignal(this, this, `${this.name} needs ${n} bytes, beyond its limit`)
    }
    // Fast path: the whole field is in the current chunk; decode it in place.
    const first = src.pushed.length > 0 || src.kind === "text" ? undefined : src.current()
    if (first instanceof Uint8Array && first.length - src.pos >= n) {
      const value = this.decode(first, src.pos, n)
      src.pos += n
      src.sent += n
      setKeys(ctx.data, this.keys.get(ctxPath), value)
      return
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
    setKeys(ctx.data, this.keys.get(ctxPath), this.decode(buf, 0, n))
  }
}

/** Builds a fixed-size little-endian number field factory. */
const numeric =
  (size: number, read: FieldDecoder) =>
  (context: string, options: FieldOptions = {}): Field =>
    new Field(context, size, read, options)

const u16 = (b: Uint8Array, o: number): number => b[o]! | (b[o + 1]! << 8)
const u32 = (b: Uint8Array, o: number): number => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16)) + b[o + 3]! * 0x1000000
const view = (b: Uint8Array, o: number, n: number): DataView => new DataView(b.buffer, b.byteOffset + o, n)

/** Unsigned 8-bit. */
export const USINT = numeric(1, (b, o) => b[o]!)
/** Signed 8-bit. */
export const SINT = numeric(1, (b, o) => (b[o]! << 24) >> 24)
/** Unsigned 16-bit little-endian. */
export const UINT = numeric(2, u16)
/** Signed 16-bit little-endian. */
export const INT = numeric(2, (b, o) => (u16(b, o) << 16) >> 16)
/** Unsigned 32-bit little-endian. */
export const UDINT = numeric(4, u32)
/** Signed 32-bit little-endian. */
export const DINT = numeric(4, (b, o) => u32(b, o) | 0)
/** Unsigned 64-bit little-endian (a bigint). */
export const ULINT = numeric(8, (b, o, n) => view(b, o, n).getBigUint64(0, true))
/** Signed 64-bit little-endian (a bigint). */
export const LINT = numeric(8, (b, o, n) => view(b, o, n).getBigInt64(0, true))
/** IEEE 754 single, little-endian. */
export const REAL = numeric(4, (b, o, n) => view(b, o, n).getFloat32(0, true))
/** IEEE 754 double, little-endian. */
export const LREAL = numeric(8, (b, o, n) => view(b, o, n).getFloat64(0, true))

/**
 * A fixed-length byte field: `length` bytes (a number, a data path relative to this field's
 * context such as `"..length"`, or a function) stored as a `Uint8Array` at `<context>`.
 */
export const bytes = (context: string, length: Limit, options: FieldOptions = {}): Field =>
  new Field(context, length, (b, o, n) => b.slice(o, o + n), options)

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
