/**
 * The session framer (src/server/framing.ts): whole frames out of any chunking, and on a frame
 * too long the frames completed before it in the same chunk, the error, and the refused frame's
 * header wherever it falls across chunks (the session echoes it in its status 0x65 reply).
 */
import { describe, expect, it } from "@effect/vitest"
import { sessionFramer } from "../../src/server/framing.js"

/** A frame of `command` with `data` (its header's length field set), context bytes 1..8. */
const frame = (command: number, data: Array<number>): Uint8Array => {
  const f = new Uint8Array(24 + data.length)
  f[0] = command
  f[2] = data.length & 0xff
  f[3] = data.length >> 8
  f.set([1, 2, 3, 4, 5, 6, 7, 8], 12)
  f.set(data, 24)
  return f
}
const cat = (...parts: Array<Uint8Array>): Uint8Array => Uint8Array.from(parts.flatMap((p) => Array.from(p)))
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex")

describe("sessionFramer", () => {
  it("returns whole frames as a plain array, across chunk boundaries, counting what it holds", () => {
    const f = sessionFramer(100)
    const a = frame(0x65, [1, 0, 0, 0])
    const b = frame(0x6f, [9, 9])
    expect(f.buffered()).toBe(0)
    const first = f.push(cat(a, b.subarray(0, 10)))
    expect(Array.isArray(first)).toBe(true)
    expect((first as Array<Uint8Array>).map(hex)).toEqual([hex(a)])
    expect(f.buffered()).toBe(10)
    expect((f.push(b.subarray(10)) as Array<Uint8Array>).map(hex)).toEqual([hex(b)])
    expect(f.buffered()).toBe(0)
  })

  it("a frame over the limit: the frames before it, the error, and its header", () => {
    const f = sessionFramer(40)
    const ok = frame(0x65, [1, 0, 0, 0])
    const big = frame(0x6f, new Array(20).fill(7))
    const r = f.push(cat(ok, big))
    expect(Array.isArray(r)).toBe(false)
    if (Array.isArray(r)) return
    const result = r as { frames: ReadonlyArray<Uint8Array>; error: string; header?: Uint8Array }
    expect(result.frames.map(hex)).toEqual([hex(ok)])
    expect(result.error).toBe("frame of 44 bytes exceeds the maximum of 40")
    expect(hex(result.header!)).toBe(hex(big.subarray(0, 24)))
  })

  it("the refused header assembled across chunks; after a refusal, no header and the same error", () => {
    const f = sessionFramer(30)
    const big = frame(0x70, new Array(10).fill(3))
    expect(f.push(big.subarray(0, 5))).toEqual([])
    const r = f.push(big.subarray(5)) as { frames: ReadonlyArray<Uint8Array>; error: string; header?: Uint8Array }
    expect(r.frames).toEqual([])
    expect(r.error).toBe("frame of 34 bytes exceeds the maximum of 30")
    expect(hex(r.header!)).toBe(hex(big.subarray(0, 24)))
    const again = f.push(frame(0x65, [1, 0, 0, 0])) as { frames: ReadonlyArray<Uint8Array>; error: string; header?: Uint8Array }
    expect(again.frames).toEqual([])
    expect(again.error).toBe("frame of 34 bytes exceeds the maximum of 30")
    expect("header" in again).toBe(false)
  })
})
