/**
 * Binary field machines off their fast path: a field split across chunks or read after pushed-back
 * symbols, from a text source, with a negative or over-limit length, input ending inside it; the
 * signed decoders at their extremes; names, terminal defaults and length-prefixed defaults.
 */
import { describe, expect, it } from "vitest"
import { Either } from "effect"
import {
  bytes, Dfa, DINT, getPath, INT, LINT, LREAL, lengthPrefixed, Parser, REAL, run, SINT, Source, State, UDINT, UINT, ULINT, USINT
} from "../../src/dfa/index.js"

const value = (r: ReturnType<typeof run>, path = "x") => (Either.isRight(r) ? getPath(r.right.data, path) : r.left.message)

describe("fields", () => {
  it("a field split across chunks waits, then decodes the bytes in order", () => {
    const p = new Parser(UDINT("x"), { kind: "bytes" })
    expect(p.feed(Uint8Array.of(0x78))).toEqual({ _tag: "NeedsInput", consumed: 1 })
    expect(p.feed(Uint8Array.of(0x56, 0x34))).toEqual({ _tag: "NeedsInput", consumed: 3 })
    const r = p.feed(Uint8Array.of(0x12, 0xaa))
    expect(r._tag).toBe("Right")
    expect(r._tag === "Right" && [r.right.data, r.right.consumed, r.right.terminal]).toEqual([{ x: 0x12345678 }, 4, true])
    expect(Array.from(p.source.remaining() as Uint8Array)).toEqual([0xaa])
  })

  it("pushed-back symbols come first, then the chunk", () => {
    const src = new Source("bytes")
    src.feed(Uint8Array.of(0x11, 0x22, 0x33, 0x44, 0x55))
    src.end()
    src.next()
    src.next()
    src.push(0x22)
    src.push(0x11)
    const r = run(UDINT("x"), src)
    expect(value(r)).toBe(0x44332211)
    expect(src.remaining()).toEqual(Uint8Array.of(0x55))
  })

  it("a pushed-back byte comes first even when the chunk alone holds the whole field", () => {
    const src = new Source("bytes")
    src.feed(Uint8Array.of(0x11, 0x22, 0x33, 0x44))
    src.end()
    src.next()
    src.push(0x99)
    expect(value(run(UINT("x"), src))).toBe(0x2299)
    expect(src.remaining()).toEqual(Uint8Array.of(0x33, 0x44))
    // A zero byte read one symbol at a time is a byte like any other, not a missing one.
    expect(value(run(UINT("x"), "\u0000\u0000"))).toBe(0)
    const zero = new Source("bytes")
    zero.feed(Uint8Array.of(0x00, 0x01))
    zero.next()
    zero.push(0x00)
    const p = new Parser(UINT("x"), { source: zero })
    const r = p.resume()
    expect(r._tag === "Right" && [r.right.data, r.right.consumed]).toEqual([{ x: 0x0100 }, 2])
  })

  it("over a text source each symbol is one byte (the code point's low byte)", () => {
    expect(value(run(UINT("x"), "AB"))).toBe(0x4241)
    expect(value(run(USINT("x"), "π"))).toBe(0xc0)
  })

  it("a negative or over-limit length, and input ending inside the field, are NonTerminal with the reason", () => {
    const neg = run(bytes("x", () => -1), Uint8Array.of(1, 2))
    expect(Either.isLeft(neg) && [neg.left.message, neg.left.machine, neg.left.state, neg.left.consumed]).toEqual(
      ["x needs -1 bytes, beyond its limit", "x", "x", 0])
    const limited = new Dfa("m", { initial: UDINT("x"), terminal: true, limit: 3 })
    const over = run(limited, Uint8Array.of(1, 2, 3, 4))
    expect(Either.isLeft(over) && [over.left.message, over.left.consumed]).toEqual(["x needs 4 bytes, beyond its limit", 0])
    const fits = run(new Dfa("m", { initial: UDINT("x"), terminal: true, limit: 4 }), Uint8Array.of(1, 0, 0, 0, 9))
    expect(Either.isRight(fits) && [fits.right.data, fits.right.consumed]).toEqual([{ x: 1 }, 4])
    const short = run(UDINT("x"), Uint8Array.of(1, 2))
    expect(Either.isLeft(short) && [short.left.message, short.left.consumed]).toEqual(["x needs 2 more bytes but input ended", 2])
    const none = run(UINT("x", { name: "word" }), new Uint8Array(0))
    expect(Either.isLeft(none) && [none.left.message, none.left.machine]).toEqual(["word needs 2 more bytes but input ended", "word"])
  })

  it("signed decoders at their extremes; unsigned ones never negative", () => {
    expect([value(run(SINT("x"), Uint8Array.of(0x80))), value(run(SINT("x"), Uint8Array.of(0x7f)))]).toEqual([-128, 127])
    expect([value(run(INT("x"), Uint8Array.of(0, 0x80))), value(run(INT("x"), Uint8Array.of(0xff, 0x7f)))]).toEqual([-32768, 32767])
    expect(value(run(DINT("x"), Uint8Array.of(0, 0, 0, 0x80)))).toBe(-2147483648)
    expect(value(run(UDINT("x"), Uint8Array.of(0xff, 0xff, 0xff, 0xff)))).toBe(4294967295)
    expect(value(run(UDINT("x"), Uint8Array.of(1, 2, 3, 4)))).toBe(0x04030201)
    expect(value(run(UINT("x"), Uint8Array.of(0xff, 0xff)))).toBe(65535)
  })

  it("64-bit and floating fields decode at any offset of the caller's chunk (a view into a larger buffer)", () => {
    const buf = new Uint8Array(2 + 1 + 8 + 4 + 8 + 8)
    const dv = new DataView(buf.buffer, 2)
    dv.setUint8(0, 7)
    dv.setFloat64(1, -1.5, true)
    dv.setFloat32(9, 0.25, true)
    dv.setBigInt64(13, -5n, true)
    dv.setBigUint64(21, 2n ** 63n + 1n, true)
    const [a, b, c, d, e] = [USINT("a"), LREAL("b"), REAL("c"), LINT("d"), ULINT("e")]
    a.onEpsilon(b)
    b.onEpsilon(c)
    c.onEpsilon(d)
    d.onEpsilon(e)
    const r = run(new Dfa("m", { initial: a, terminal: true }), buf.subarray(2))
    expect(Either.isRight(r) && [r.right.data, r.right.consumed]).toEqual([{ a: 7, b: -1.5, c: 0.25, d: -5n, e: 2n ** 63n + 1n }, 29])
  })

  it("a field is named by its context unless named, and terminal unless told otherwise", () => {
    expect(UINT("x").name).toBe("x")
    expect(UINT("x", { name: "n" }).name).toBe("n")
    expect(UINT("x").terminal).toBe(true)
    const r = run(UINT("x", { terminal: false }), Uint8Array.of(1, 0))
    expect(Either.isRight(r) && [r.right.terminal, r.right.data]).toEqual([false, { x: 1 }])
    // A field's length from a function sees the collected data.
    const f = bytes("x", ({ data }) => data["n"] as number)
    expect(value(run(f, Uint8Array.of(7, 8, 9), { n: 2 }))).toEqual(Uint8Array.of(7, 8))
  })

  it("length-prefixed: a UINT count by default, the context as name, terminal by default", () => {
    const m = lengthPrefixed("p")
    expect([m.name, m.terminal, m.context]).toEqual(["p", false, "p"])
    const r = run(m, Uint8Array.of(2, 0, 7, 8, 9))
    expect(Either.isRight(r) && [r.right.data, r.right.consumed, r.right.terminal]).toEqual([{ p: { length: 2, data: Uint8Array.of(7, 8) } }, 4, true])
    const named = lengthPrefixed("p", undefined, { name: "P", terminal: false })
    const q = run(named, Uint8Array.of(0, 0))
    expect(Either.isRight(q) && [named.name, q.right.terminal]).toEqual(["P", false])
    // Chained after a plain state, the field's value lands under the outer context.
    const start = new State("s")
    start.onEpsilon(lengthPrefixed("p", (c) => USINT(c)))
    const outer = run(new Dfa("o", { initial: start, context: "o", terminal: true }), Uint8Array.of(1, 5))
    expect(Either.isRight(outer) && outer.right.data).toEqual({ o: { p: { length: 1, data: Uint8Array.of(5) } } })
  })
})
