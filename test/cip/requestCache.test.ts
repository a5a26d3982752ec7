/**
 * Requests decoded again (decodeRequestKept) are the requests on the wire: the same as a fresh
 * decode whatever was decoded before, from buffers changed in place afterwards, and for requests
 * holding views of their bytes (never kept).
 */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import fc from "fast-check"
import { decodeRequest, encodeRequest } from "../../src/cip/request.js"
import { decodeRequestKept } from "../../src/cip/requestCache.js"
import { runs } from "../propertyRuns.js"
import { request } from "./arbitraries.js"
import { hexToBytes } from "./vectors.js"

const same = (bytes: Uint8Array) => {
  const fresh = decodeRequest(bytes.slice())
  const kept = decodeRequestKept(bytes)
  expect(Either.isRight(kept)).toBe(Either.isRight(fresh))
  if (Either.isRight(kept) && Either.isRight(fresh)) expect(kept.right).toEqual(fresh.right)
}

describe("decoded requests kept for reuse", () => {
  it("a request decoded again is the request on the wire, whatever was decoded before and whatever changed in place", () => {
    fc.assert(fc.property(
      fc.array(request, { minLength: 1, maxLength: 10 }), fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 100 }),
      (pool, picks) => {
        const encoded = pool.map((r) => encodeRequest(r))
        for (const [k, at, v] of picks) {
          const buffer = encoded[k % pool.length]!.slice()
          same(buffer)
          // The buffer is reused: one byte changed (a write's data, an index, a name) and decoded again.
          buffer[at % buffer.length] = v
          same(buffer)
          same(encoded[k % pool.length]!)
        }
      }
    ), runs(300))
  })

  it("a Write Tag's data is the data of the buffer it was decoded from", () => {
    const write = encodeRequest({ _tag: "WriteTag", path: [{ _tag: "Symbolic", name: "X" }], type: { code: 0xc4 }, elements: 1, data: Uint8Array.of(1, 2, 3, 4) })
    const a = write.slice()
    const first = Either.getOrThrow(decodeRequestKept(a))
    const b = write.slice()
    b[b.length - 1] = 9
    const second = Either.getOrThrow(decodeRequestKept(b))
    a.fill(0) // the first buffer reused for other bytes
    if (second._tag !== "WriteTag" || first._tag !== "WriteTag") throw new Error("not a Write Tag")
    expect(Array.from(second.data)).toEqual([1, 2, 3, 9])
    expect(decodeRequestKept(write)).toEqual(decodeRequest(write))
  })
})

describe("which requests are kept", () => {
  const A = "91014100" // symbolic "A"
  const kept = (hex: string) => {
    const bytes = hexToBytes(hex)
    const first = decodeRequestKept(bytes)
    // A copy of the bytes (another frame of the same request): the request decoded the first time.
    return decodeRequestKept(bytes.slice()) === first
  }

  it("reads, attribute reads, and packets and Unconnected Sends of those are answered with the request kept", () => {
    expect(kept("4c02" + A + "0100")).toBe(true) // Read Tag
    expect(kept("5202" + A + "0100" + "00000000")).toBe(true) // Read Tag Fragmented
    expect(kept("4c03" + "206c25000001" + "00000000" + "6400")).toBe(true) // Read Template
    expect(kept("0102" + "20012401")).toBe(true) // Get Attributes All
    expect(kept("0e03" + "20f52401" + "3005")).toBe(true) // Get Attribute Single
    expect(kept("0302" + "20012401" + "0100" + "0100")).toBe(true) // Get Attribute List
    expect(kept("5503" + "206b25000000" + "0100" + "0100")).toBe(true) // Get Instance Attribute List
    expect(kept("0a02" + "20022401" + "0200" + "0600" + "0e00" + "4c02" + A + "0100" + "0e02" + "20012401")).toBe(true)
    expect(kept("5202" + "20062401" + "059d" + "0800" + "4c02" + A + "0100" + "0100" + "0100")).toBe(true)
    // The shortest request there is: a service and an empty path.
    expect(kept("0100")).toBe(true)
  })

  it("requests holding views of their bytes are decoded each time", () => {
    expect(kept("4d02" + A + "c400" + "0100" + "01000000")).toBe(false) // Write Tag
    expect(kept("5302" + A + "c400" + "0100" + "00000000" + "01000000")).toBe(false) // Write Tag Fragmented
    expect(kept("4e02" + A + "0100" + "01" + "fe")).toBe(false) // Read-Modify-Write
    expect(kept("1002" + "20012401" + "0100")).toBe(false) // Set Attribute Single
    expect(kept("7f00" + "0102")).toBe(false) // Generic
    expect(kept("4c04" + "80010a00" + A + "0100")).toBe(false) // a Data segment in the path
    // A packet or Unconnected Send holding one of those, and a route path with a Data segment.
    expect(kept("0a02" + "20022401" + "0200" + "0600" + "0e00" + "4c02" + A + "0100" + "4d02" + A + "c4000100" + "01000000")).toBe(false)
    expect(kept("5202" + "20062401" + "059d" + "0e00" + "4d02" + A + "c4000100" + "01000000" + "0100" + "0100")).toBe(false)
    expect(kept("5202" + "20062401" + "059d" + "0800" + "4c02" + A + "0100" + "0200" + "80010a00")).toBe(false)
  })

  it("requests longer than 1024 bytes are decoded each time; 1024 bytes are kept", () => {
    // A Read Tag of a symbolic name of `n` characters (n even: no pad byte) is 2 + 2 + n + 2 bytes.
    const read = (n: number) => "4c" + ((2 + n) / 2).toString(16).padStart(2, "0") + "91" + n.toString(16).padStart(2, "0") + "61".repeat(n) + "0100"
    expect(hexToBytes(read(250)).length).toBe(256)
    expect(kept(read(250))).toBe(true)
    // Lengths above 255 words need a packet: 4 reads of 250 characters fill 4 + 8 + 4 * 256.
    const packet = (reads: Array<string>) => {
      let offset = 2 + 2 * reads.length
      const table = reads.map((r) => { const o = offset; offset += r.length / 2; return o.toString(16).padStart(4, "0").replace(/(..)(..)/, "$2$1") })
      return "0a02" + "20022401" + reads.length.toString(16).padStart(2, "0") + "00" + table.join("") + reads.join("")
    }
    const at1024 = packet([read(250), read(250), read(250), read(234)])
    expect(hexToBytes(at1024).length).toBe(1024)
    expect(kept(at1024)).toBe(true)
    const at1026 = packet([read(250), read(250), read(250), read(236)])
    expect(hexToBytes(at1026).length).toBe(1026)
    expect(kept(at1026)).toBe(false)
  })

  it("a refused request is refused again, not kept", () => {
    const bytes = hexToBytes("4c02" + A + "01")
    const first = decodeRequestKept(bytes)
    expect(Either.isLeft(first)).toBe(true)
    expect(Either.isLeft(decodeRequestKept(bytes.slice()))).toBe(true)
    expect(Either.isLeft(decodeRequestKept(Uint8Array.of(0x4c)))).toBe(true)
    expect(Either.isLeft(decodeRequestKept(new Uint8Array(0)))).toBe(true)
  })
})
