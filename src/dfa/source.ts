/**
 * Peekable, chainable symbol sources (cpppo's `peekable`/`chainable`).
 *
 * Symbols are Unicode code points for text and byte values for binary input. Input arrives in
 * chunks (`feed`); once `end` has been called no more will come. `peek` distinguishes "no symbol
 * yet, more may come" ({@link NEED}) from "no symbol, ever" ({@link EOF}), which is what lets a
 * machine suspend mid-sentence and resume when the next TCP chunk is fed.
 *
 * @module
 */
import { TextDecoder } from "node:util"

/** `peek`/`next` result: no symbol is buffered, but more input may still be fed. */
export const NEED = -1
/** `peek`/`next` result: no symbol is buffered and the source has ended. */
export const EOF = -2

/** What the symbols of a source are: code points of text, or bytes. */
export type SourceKind = "text" | "bytes"

/** A chunk of input: a string (symbols are code points) or bytes. */
export type Chunk = string | Uint8Array

const isHigh = (c: number): boolean => c >= 0xd800 && c <= 0xdbff
const isLow = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff

/**
 * A source of symbols with one-symbol lookahead, push-back and a count of symbols consumed.
 *
 * The fields marked internal are read directly by table-driven machines in their hot loop.
 */
export class Source {
  /** @internal chunks not yet fully consumed; `chunks[0]` is the current one */
  chunks: Array<Chunk> = []
  /** @internal position (UTF-16 unit or byte) inside `chunks[0]` */
  pos = 0
  /** @internal symbols pushed back, last pushed is returned first */
  pushed: Array<number> = []
  /** Net number of symbols consumed (cpppo's `sent`). */
  sent = 0
  /** True once {@link end} was called: no more chunks will be fed. */
  ended = false
  /** A high surrogate held back from the end of a text chunk until its partner arrives. */
  private pendingHigh = ""
  /** Decodes UTF-8 bytes fed to a text source, keeping a sequence split across chunks. */
  private decoder: TextDecoder | undefined

  constructor(readonly kind: SourceKind) {}

  /** A source over one whole input, already ended. */
  static of(input: Chunk): Source {
    const src = new Source(typeof input === "string" ? "text" : "bytes")
    src.feed(input)
    src.end()
    return src
  }

  /** Appends more input (cpppo's `chain`). Ignored after {@link end}. */
  feed(chunk: Chunk): void {
    if (this.ended) return
    if (this.kind === "text") {
      let text =
        typeof chunk === "string" ? chunk : (this.decoder ??= new TextDecoder()).decode(chunk, { stream: true })
      text = this.pendingHigh + text
      this.pendingHigh = ""
      // A surrogate pair split across chunks must reach the machine as one code point.
      if (text.length > 0 && isHigh(text.charCodeAt(text.length - 1))) {
        this.pendingHigh = text.slice(-1)
        text = text.slice(0, -1)
      }
      if (text.length > 0) this.chunks.push(text)
    } else {
      const bytes = typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk
      if (bytes.length > 0) this.chunks.push(bytes)
    }
  }

  /** Marks the end of input: afterwards an empty source reports {@link EOF}. */
  end(): void {
    if (this.ended) return
    if (this.decoder !== undefined) this.feed(this.decoder.decode())
    if (this.pendingHigh !== "") this.chunks.push(this.pendingHigh)
    this.pendingHigh = ""
    this.ended = true
  }

  /** @internal the current chunk after dropping exhausted ones, or undefined if none */
  current(): Chunk | undefined {
    for (;;) {
      const c = this.chunks[0]
      if (c === undefined) return undefined
      if (this.pos < c.length) return c
      this.chunks.shift()
      this.pos = 0
    }
  }

  /** The next symbol without consuming it, or {@link NEED} / {@link EOF}. */
  peek(): number {
    const n = this.pushed.length
    if (n > 0) return this.pushed[n - 1]!
    const c = this.current()
    if (c === undefined) return this.ended ? EOF : NEED
    if (typeof c !== "string") return c[this.pos]!
    const u = c.charCodeAt(this.pos)
    if (isHigh(u) && this.pos + 1 < c.length) {
      const l = c.charCodeAt(this.pos + 1)
      if (isLow(l)) return ((u - 0xd800) << 10) + (l - 0xdc00) + 0x10000
    }
    return u
  }

  /** Consumes and returns the next symbol, or returns {@link NEED} / {@link EOF} (consuming nothing). */
  next(): number {
    const sym = this.peek()
    if (sym < 0) return sym
    if (this.pushed.length > 0) this.pushed.pop()
    else this.pos += sym > 0xffff && this.kind === "text" ? 2 : 1
    this.sent++
    return sym
  }

  /** Pushes a symbol back; it will be the next one returned (un-counts it from {@link sent}). */
  push(sym: number): void {
    this.pushed.push(sym)
    this.sent--
  }

  /** How many symbols are buffered and not yet consumed. */
  available(): number {
    let n = this.pushed.length
    for (let i = 0; i < this.chunks.length; i++) {
      const c = this.chunks[i]!
      const from = i === 0 ? this.pos : 0
      n += typeof c === "string" ? countCodePoints(c, from) : c.length - from
    }
    return n
  }

  /** The buffered input not yet consumed, as text or bytes according to the source's kind. */
  remaining(): Chunk {
    if (this.kind === "text") {
      let s = ""
      for (let i = this.pushed.length - 1; i >= 0; i--) s += String.fromCodePoint(this.pushed[i]!)
      this.chunks.forEach((c, i) => (s += (c as string).slice(i === 0 ? this.pos : 0)))
      return s
    }
    const parts: Array<number> = []
    for (let i = this.pushed.length - 1; i >= 0; i--) parts.push(this.pushed[i]!)
    this.chunks.forEach((c, i) => {
      for (let j = i === 0 ? this.pos : 0; j < c.length; j++) parts.push((c as Uint8Array)[j]!)
    })
    return Uint8Array.from(parts)
  }
}

const countCodePoints = (s: string, from: number): number => {
  let n = 0
  for (let i = from; i < s.length; i++) {
    n++
    if (isHigh(s.charCodeAt(i)) && i + 1 < s.length && isLow(s.charCodeAt(i + 1))) i++
  }
  return n
}
