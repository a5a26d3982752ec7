/**
 * Small helpers shared by the decoders: DataView over a view's own buffer (no copy), error
 * construction, and a growable writer for encoders.
 */
import { Either } from "effect"
import { CodecError } from "./errors.js"

/** A DataView over exactly the bytes of `b` (shares the underlying buffer). */
export const viewOf = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength)

export type Reason = CodecError["reason"]

export const err = (reason: Reason, offset: number, message: string): CodecError =>
  new CodecError({ reason, offset, message })

export const fail = <A>(reason: Reason, offset: number, message: string): Either.Either<A, CodecError> =>
  Either.left(err(reason, offset, message))

export const truncated = <A>(offset: number, what: string): Either.Either<A, CodecError> =>
  fail("Truncated", offset, `not enough data for ${what}`)

/** Lower-case hex of bytes (for messages, tests and JSON). */
export const toHex = (b: Uint8Array): string => {
  let s = ""
  for (let i = 0; i < b.length; i++) s += (b[i]! < 16 ? "0" : "") + b[i]!.toString(16)
  return s
}

/** Bytes of a hex string (whitespace ignored); undefined when not valid hex. */
export const fromHex = (hex: string): Uint8Array | undefined => {
  const h = hex.replace(/\s+/g, "")
  if (h.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(h)) return undefined
  const out = new Uint8Array(h.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16)
  return out
}

/**
 * A little-endian byte writer that grows as needed. Encoders write into one of these and take
 * `finish()` (a view of exactly the bytes written).
 */
// One shared scratch buffer for encoders: allocating a fresh typed array of more than 64 bytes costs
// an off-heap backing store each time, so a Writer borrows this one (when no other Writer holds it)
// and `finish()` copies out exactly the bytes written and gives it back. A Writer abandoned before
// `finish()` keeps its buffer; after a few constructions find the scratch still borrowed, a new
// scratch is made (never shared: correctness does not depend on callers finishing).
let scratch: Uint8Array | undefined = new Uint8Array(65_536)
let missed = 0

export class Writer {
  // Plain byte stores, no DataView: taking `.buffer` of a small (on-heap) Uint8Array forces V8 to
  // move it off-heap, which costs more than the whole encoding.
  buf: Uint8Array
  pos = 0
  private borrowed = false
  /** With `target`, the bytes are written into it from its start (a new array if it is outgrown). */
  constructor(initial = 64, target?: Uint8Array) {
    if (target !== undefined) {
      this.buf = target
      return
    }
    if (scratch === undefined && ++missed > 8) {
      scratch = new Uint8Array(65_536)
      missed = 0
    }
    if (scratch !== undefined && initial <= scratch.length) {
      this.buf = scratch
      scratch = undefined
      this.borrowed = true
    } else {
      this.buf = new Uint8Array(Math.max(16, initial))
    }
  }
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return
    let size = Math.max(64, this.buf.length * 2)
    while (size < this.pos + n) size *= 2
    const next = new Uint8Array(size)
    next.set(this.buf.subarray(0, this.pos))
    if (this.borrowed) { scratch = this.buf; this.borrowed = false }
    this.buf = next
  }
  u8(v: number): this { this.ensure(1); this.buf[this.pos++] = v & 0xff; return this }
  u16(v: number): this {
    this.ensure(2)
    const b = this.buf
    b[this.pos] = v & 0xff
    b[this.pos + 1] = (v >>> 8) & 0xff
    this.pos += 2
    return this
  }
  u32(v: number): this {
    this.ensure(4)
    const b = this.buf
    const p = this.pos
    b[p] = v & 0xff
    b[p + 1] = (v >>> 8) & 0xff
    b[p + 2] = (v >>> 16) & 0xff
    b[p + 3] = (v >>> 24) & 0xff
    this.pos += 4
    return this
  }
  bytes(b: Uint8Array): this { this.ensure(b.length); this.buf.set(b, this.pos); this.pos += b.length; return this }
  /** Reserve `n` zero bytes, returning their position (for lengths patched later). */
  skip(n: number): number {
    this.ensure(n)
    const at = this.pos
    for (let i = 0; i < n; i++) this.buf[at + i] = 0
    this.pos += n
    return at
  }
  setU16(at: number, v: number): void { this.buf[at] = v & 0xff; this.buf[at + 1] = (v >>> 8) & 0xff }
  setU8(at: number, v: number): void { this.buf[at] = v & 0xff }
  /** The bytes written, as a new array of exactly that length. */
  finish(): Uint8Array {
    return this.handOver(this.buf.slice(0, this.pos))
  }
  /**
   * The bytes written, copied into an array of exactly that length from `allocate` (a server
   * takes it from node's Buffer pool, which costs no allocation of its own per reply).
   */
  finishWith(allocate: (length: number) => Uint8Array): Uint8Array {
    const out = allocate(this.pos)
    out.set(this.buf.subarray(0, this.pos))
    return this.handOver(out)
  }
  /** The bytes written where they are (a view when the buffer is longer: no copy). */
  written(): Uint8Array {
    return this.pos === this.buf.length ? this.buf : this.buf.subarray(0, this.pos)
  }
  private handOver(out: Uint8Array): Uint8Array {
    if (this.borrowed) {
      scratch = this.buf
      missed = 0
      this.borrowed = false
      this.buf = out // later writes (unusual) continue in a private copy
    }
    return out
  }
}

/** Write a little-endian UINT / UDINT into `out` at `at`. */
export const putU16 = (out: Uint8Array, at: number, v: number): void => {
  out[at] = v & 0xff
  out[at + 1] = (v >>> 8) & 0xff
}
export const putU32 = (out: Uint8Array, at: number, v: number): void => {
  out[at] = v & 0xff
  out[at + 1] = (v >>> 8) & 0xff
  out[at + 2] = (v >>> 16) & 0xff
  out[at + 3] = (v >>> 24) & 0xff
}
/** Read a little-endian UINT / UDINT from `b` at `at`. */
export const getU16 = (b: Uint8Array, at: number): number => b[at]! | (b[at + 1]! << 8)
export const getU32 = (b: Uint8Array, at: number): number => (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16)) + b[at + 3]! * 0x1000000
