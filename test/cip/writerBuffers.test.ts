/**
 * The Writer's buffers (src/cip/bytes.ts): which buffer a writer writes into and how it grows —
 * the shared 64 KiB scratch when it is free, a private buffer of the size asked (at least 16)
 * when it is held, a fresh scratch after eight writers found it held (so an abandoned writer
 * cannot starve the encoders), growth by doubling from 64, the scratch handed back when a writer
 * outgrows it or finishes, and a caller's target array written in place.
 */
import { describe, expect, it } from "@effect/vitest"
import { Writer } from "../../src/cip/bytes.js"

/** The scratch is free after a borrowing writer finishes. */
const freeScratch = (): Uint8Array => {
  const w = new Writer()
  const scratch = w.buf
  w.finish()
  return scratch
}

describe("which buffer a writer takes", () => {
  it("the free scratch (64 KiB) for any size up to it; the same scratch again once handed back", () => {
    const scratch = freeScratch()
    expect(scratch.length).toBe(65_536)
    const w = new Writer(65_536)
    expect(w.buf).toBe(scratch)
    w.finish()
    const one = new Writer(1)
    expect(one.buf).toBe(scratch)
    one.finish()
  })

  it("while the scratch is held: a private buffer of the size asked, at least 16 bytes", () => {
    freeScratch()
    const holder = new Writer()
    expect(new Writer(10).buf.length).toBe(16)
    expect(new Writer(17).buf.length).toBe(17)
    expect(new Writer(100).buf.length).toBe(100)
    holder.finish()
  })

  it("a size above the scratch's always gets a private buffer, and leaves the scratch free", () => {
    const scratch = freeScratch()
    const big = new Writer(65_537)
    expect(big.buf.length).toBe(65_537)
    const next = new Writer()
    expect(next.buf).toBe(scratch)
    next.finish()
  })

  it("after eight writers found the scratch held, the ninth gets a fresh scratch", () => {
    const old = freeScratch()
    const holder = new Writer() // borrows the scratch and never finishes
    expect(holder.buf).toBe(old)
    const sizes: Array<number> = []
    for (let i = 0; i < 8; i++) sizes.push(new Writer().buf.length)
    expect(sizes).toEqual(Array(8).fill(64))
    const ninth = new Writer()
    expect(ninth.buf.length).toBe(65_536)
    expect(ninth.buf === old).toBe(false)
    // The fresh scratch is borrowed by the ninth: the next writer counts again from nothing.
    expect(new Writer().buf.length).toBe(64)
    const fresh = ninth.buf
    ninth.finish()
    const next = new Writer()
    expect(next.buf).toBe(fresh)
    next.finish()
  })
})

describe("growth", () => {
  it("doubles from 64 until the bytes fit; a write that exactly fills the buffer keeps it", () => {
    freeScratch()
    const holder = new Writer()
    const w = new Writer(16)
    const first = w.buf
    w.bytes(new Uint8Array(16).fill(1))
    expect(w.buf).toBe(first)
    w.u8(2)
    expect(w.buf.length).toBe(64)
    w.bytes(new Uint8Array(47).fill(3))
    expect(w.buf.length).toBe(64)
    w.u16(0x0504)
    expect(w.buf.length).toBe(128)
    w.bytes(new Uint8Array(1000).fill(6))
    expect(w.buf.length).toBe(2048)
    const out = w.finish()
    expect(out.length).toBe(16 + 1 + 47 + 2 + 1000)
    expect([out[15], out[16], out[17], out[63], out[64], out[65], out[66], out[1065]]).toEqual([1, 2, 3, 3, 4, 5, 6, 6])
    // A private buffer of 100 doubles to 200.
    const hundred = new Writer(100)
    hundred.skip(101)
    expect(hundred.buf.length).toBe(200)
    holder.finish()
  })

  it("a writer outgrowing the scratch hands it back at once", () => {
    const scratch = freeScratch()
    const w = new Writer()
    expect(w.buf).toBe(scratch)
    w.bytes(new Uint8Array(65_536).fill(9))
    expect(w.buf).toBe(scratch)
    w.u8(1)
    expect(w.buf.length).toBe(131_072)
    const back = new Writer()
    expect(back.buf).toBe(scratch)
    // The grown writer's buffer is its own: finishing it does not make it the scratch (the
    // scratch is still held by \`back\`, so the next writer gets a private buffer).
    expect(w.finish().length).toBe(65_537)
    expect(new Writer().buf.length).toBe(64)
    back.finish()
    const again = new Writer()
    expect(again.buf).toBe(scratch)
    again.finish()
  })
})

describe("a caller's target", () => {
  it("is written in place from its start; written() is the target itself when full, else a view of it", () => {
    const target = new Uint8Array(6).fill(0xee)
    const w = new Writer(0, target)
    expect(w.buf).toBe(target)
    w.u16(0x0201)
    const part = w.written()
    expect(part.buffer).toBe(target.buffer)
    expect(Array.from(part)).toEqual([1, 2])
    w.u32(0x06050403)
    expect(w.written()).toBe(target)
    expect(Array.from(target)).toEqual([1, 2, 3, 4, 5, 6])
    // Outgrown: a new array (64 bytes) holding what was written; the target is left as it was.
    w.u8(7)
    expect(w.buf === target).toBe(false)
    expect(w.buf.length).toBe(64)
    expect(Array.from(w.written())).toEqual([1, 2, 3, 4, 5, 6, 7])
    expect(Array.from(target)).toEqual([1, 2, 3, 4, 5, 6])
  })

  it("a target does not take or give back the scratch", () => {
    const scratch = freeScratch()
    const w = new Writer(0, new Uint8Array(4))
    w.u8(1)
    expect(Array.from(w.finish())).toEqual([1])
    const next = new Writer()
    expect(next.buf).toBe(scratch)
    const other = new Writer()
    expect(other.buf === scratch).toBe(false)
    next.finish()
  })
})
