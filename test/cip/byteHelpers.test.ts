/**
 * The byte helpers every codec uses: hex text both ways, little-endian reads and writes at an
 * offset, the Writer's methods (skip zeroes what a reused buffer held; lengths patched later),
 * and the error constructors' fields.
 */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { err, fail, fromHex, getU16, getU32, putU16, putU32, toHex, truncated, viewOf, Writer } from "../../src/cip/bytes.js"

describe("hex", () => {
  it("toHex: two lower-case digits per byte", () => {
    expect(toHex(Uint8Array.of(0, 1, 0x0f, 0x10, 0xab, 0xff))).toBe("00010f10abff")
    expect(toHex(new Uint8Array(0))).toBe("")
  })
  it("fromHex: either case, whitespace ignored; odd length or a non-hex digit is undefined", () => {
    expect(Array.from(fromHex("00 0f\n10\tAB ff")!)).toEqual([0, 0x0f, 0x10, 0xab, 0xff])
    expect(Array.from(fromHex("")!)).toEqual([])
    expect(Array.from(fromHex("ab12")!)).toEqual([0xab, 0x12])
    expect(fromHex("abc")).toBeUndefined()
    expect(fromHex("zz")).toBeUndefined()
    expect(fromHex("0g")).toBeUndefined()
    expect(fromHex("-1")).toBeUndefined()
  })
})

describe("little-endian reads and writes", () => {
  it("put/get at an offset, unsigned, touching only their bytes", () => {
    const b = new Uint8Array(8).fill(0xee)
    putU16(b, 1, 0xbeef)
    putU32(b, 3, 0xdeadbeef)
    expect(Array.from(b)).toEqual([0xee, 0xef, 0xbe, 0xef, 0xbe, 0xad, 0xde, 0xee])
    expect(getU16(b, 1)).toBe(0xbeef)
    expect(getU32(b, 3)).toBe(0xdeadbeef)
    expect(getU32(Uint8Array.of(0xff, 0xff, 0xff, 0xff), 0)).toBe(0xffffffff)
    expect(getU32(Uint8Array.of(1, 2, 3, 0x80), 0)).toBe(0x80030201)
    putU16(b, 0, 0x12345)
    expect([b[0], b[1], b[2]]).toEqual([0x45, 0x23, 0xbe])
  })
  it("viewOf sees exactly a subarray's bytes", () => {
    const whole = Uint8Array.of(1, 2, 3, 4, 5, 6)
    const dv = viewOf(whole.subarray(2, 5))
    expect(dv.byteLength).toBe(3)
    expect(dv.getUint8(0)).toBe(3)
    expect(dv.getUint16(1, true)).toBe(0x0504)
  })
})

describe("Writer", () => {
  it("writes u8/u16/u32 little-endian, masking to their width", () => {
    const w = new Writer()
    w.u8(0x1ff).u16(0x12345).u32(0x1_2345_6789)
    expect(toHex(w.finish())).toBe("ff" + "4523" + "89674523")
  })
  it("skip reserves zero bytes even in a reused buffer, and returns their position for setU8/setU16", () => {
    const dirty = new Writer()
    dirty.bytes(new Uint8Array(16).fill(0xaa))
    dirty.finish()
    const w = new Writer()
    w.u8(1)
    const at = w.skip(3)
    expect(at).toBe(1)
    w.u8(2)
    expect(toHex(w.finish())).toBe("01" + "000000" + "02")
    const v = new Writer()
    v.u8(9)
    const len = v.skip(2)
    const one = v.skip(1)
    v.u32(0)
    v.setU16(len, 0x1234_5)
    v.setU8(one, 0x1ff)
    expect(toHex(v.finish())).toBe("09" + "4523" + "ff" + "00000000")
  })
  it("grows from a small private buffer, keeping what was written", () => {
    // Hold the shared scratch so the next writers get their own small buffers.
    const holder = new Writer()
    const small = new Writer(1)
    for (let i = 0; i < 300; i++) small.u8(i)
    small.u16(0xabcd).u32(0x01020304)
    const out = small.finish()
    expect(out.length).toBe(306)
    expect(Array.from(out.subarray(0, 3))).toEqual([0, 1, 2])
    expect(out[299]).toBe(299 & 0xff)
    expect(toHex(out.subarray(300))).toBe("cdab" + "04030201")
    const sk = new Writer(2)
    sk.u8(5)
    sk.skip(100)
    expect(sk.finish().length).toBe(101)
    expect(holder.finish().length).toBe(0)
  })
  it("finishWith copies exactly the bytes written into the buffer given", () => {
    const w = new Writer()
    w.u16(0x0201).u8(3)
    let asked = -1
    const out = w.finishWith((n) => { asked = n; return new Uint8Array(n) })
    expect(asked).toBe(3)
    expect(Array.from(out)).toEqual([1, 2, 3])
    // The scratch is handed back: the next writer starts clean at position 0.
    const next = new Writer()
    expect(next.pos).toBe(0)
    next.u8(7)
    expect(Array.from(next.finish())).toEqual([7])
    expect(Array.from(out)).toEqual([1, 2, 3])
  })
  it("a writer larger than the scratch gets its own buffer", () => {
    const w = new Writer(100_000)
    expect(w.buf.length).toBe(100_000)
    const x = new Writer(10)
    expect(x.buf.length).toBeGreaterThanOrEqual(65_536)
    x.finish()
    w.finish()
  })
})

describe("errors", () => {
  it("carry reason, offset and message", () => {
    expect(err("BadValue", 7, "m")).toMatchObject({ _tag: "CodecError", reason: "BadValue", offset: 7, message: "m" })
    const f = fail<number>("BadLength", 3, "x")
    expect(Either.isLeft(f) && [f.left.reason, f.left.offset, f.left.message]).toEqual(["BadLength", 3, "x"])
    const t = truncated<number>(9, "a widget")
    expect(Either.isLeft(t) && [t.left.reason, t.left.offset, t.left.message]).toEqual(["Truncated", 9, "not enough data for a widget"])
  })
})
