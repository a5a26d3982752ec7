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
export class Writer {
  buf: Uint8Array
  dv: DataView
  pos = 0
  constructor(initial = 64) {
    this.buf = new Uint8Array(initial)
    this.dv = new DataView(this.buf.buffer)
  }
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return
    let size = this.buf.length * 2
    while (size < this.pos + n) size *= 2
    const next = new Uint8Array(size)
    next.set(this.buf.subarray(0, this.pos))
    this.buf = next
    this.dv = new DataView(next.buffer)
  }
  u8(v: number): this { this.ensure(1); this.buf[this.pos++] = v & 0xff; return this }
  u16(v: number): this { this.ensure(2); this.dv.setUint16(this.pos, v & 0xffff, true); this.pos += 2; return this }
  u32(v: number): this { this.ensure(4); this.dv.setUint32(this.pos, v >>> 0, true); this.pos += 4; return this }
  bytes(b: Uint8Array): this { this.ensure(b.length); this.buf.set(b, this.pos); this.pos += b.length; return this }
  /** Reserve `n` bytes, returning their position (for lengths patched later). */
  skip(n: number): number { this.ensure(n); const at = this.pos; this.buf.fill(0, at, at + n); this.pos += n; return at }
  setU16(at: number, v: number): void { this.dv.setUint16(at, v & 0xffff, true) }
  setU8(at: number, v: number): void { this.buf[at] = v & 0xff }
  finish(): Uint8Array { return this.buf.subarray(0, this.pos) }
}
