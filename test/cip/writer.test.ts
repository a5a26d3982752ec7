import { describe, expect, it } from "@effect/vitest"
import { Writer } from "../../src/cip/bytes.js"

describe("Writer (shared scratch buffer)", () => {
  it("nested and abandoned writers never share bytes", () => {
    const a = new Writer()
    a.u32(0x11111111)
    const b = new Writer() // a still holds the scratch: b gets its own buffer
    b.u32(0x22222222)
    const abandoned: Array<Writer> = []
    for (let i = 0; i < 20; i++) { const w = new Writer(); w.u16(0x3333); abandoned.push(w) } // never finished
    const c = new Writer()
    c.u8(0x44)
    expect([...a.finish()]).toEqual([0x11, 0x11, 0x11, 0x11])
    expect([...b.finish()]).toEqual([0x22, 0x22, 0x22, 0x22])
    expect([...c.finish()]).toEqual([0x44])
    for (const w of abandoned) expect([...w.finish()]).toEqual([0x33, 0x33])
  })
  it("writes after finish continue privately; growth past the scratch size works", () => {
    const w = new Writer()
    w.u8(1)
    const first = w.finish()
    const other = new Writer()
    other.u8(9)
    w.u8(2)
    expect([...w.finish()]).toEqual([1, 2])
    expect([...first]).toEqual([1])
    expect([...other.finish()]).toEqual([9])
    const big = new Writer()
    big.bytes(new Uint8Array(70_000).fill(7))
    big.u16(0x0102)
    const out = big.finish()
    expect(out.length).toBe(70_002)
    expect(out[69_999]).toBe(7)
    expect(out[70_000]).toBe(2)
    const empty = new Writer()
    expect(empty.finish().length).toBe(0)
    empty.u32(5)
    expect([...empty.finish()]).toEqual([5, 0, 0, 0])
  })
})
