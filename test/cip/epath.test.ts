import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import fc from "fast-check"
import { runs } from "../propertyRuns.js"
import {
  decodeEPath, decodePathWithSize, encodeEPath, encodePathWithSize, formatEPath, parseRoutePath
} from "../../src/cip/epath.js"
import type { EPath, Segment } from "../../src/cip/model.js"
import { bytesToHex, hexToBytes, loadVectors } from "./vectors.js"

const pathVectors = loadVectors().filter((v) => v.layer === "epath" || v.layer === "route_path")

describe("EPATH vectors", () => {
  it.each(pathVectors.map((v) => [v.id, v] as const))("%s: consumes exactly the path, re-encodes compactly", (_id, v) => {
    const bytes = hexToBytes(v.hex!)
    const r = decodePathWithSize(bytes, 0, { padded: v.layer === "route_path" })
    if (Either.isLeft(r)) throw new Error(r.left.message)
    expect(r.right.next).toBe(v.consumed_bytes)
    expect(bytesToHex(encodePathWithSize(r.right.path, { padded: v.layer === "route_path" }))).toBe(v.produced_hex)
  })
  it("decodes the segment values of extpath_3 and extpath_8", () => {
    const p3 = Either.getOrThrow(decodePathWithSize(hexToBytes("0f2801290001022a0001020304201121001102242125002102303131003102"), 0))
    expect(p3.path).toEqual([
      { _tag: "Element", index: 1 }, { _tag: "Element", index: 0x0201 }, { _tag: "Element", index: 0x04030201 },
      { _tag: "Class", id: 0x11 }, { _tag: "Class", id: 0x0211 }, { _tag: "Instance", id: 0x21 }, { _tag: "Instance", id: 0x0221 },
      { _tag: "Attribute", id: 0x31 }, { _tag: "Attribute", id: 0x0231 }
    ])
    const p8 = Either.getOrThrow(decodePathWithSize(hexToBytes("0f001f0f03013133302e3135312e3133372e3130350021000400250002003003"), 0, { padded: true }))
    expect(p8.path).toEqual([
      { _tag: "Port", port: 0x0103, link: "130.151.137.105" },
      { _tag: "Class", id: 4 }, { _tag: "Instance", id: 2 }, { _tag: "Attribute", id: 3 }
    ])
  })
})

describe("EPATH bad input", () => {
  it("unknown segment type → BadSegment", () => {
    expect(Either.getLeft(decodeEPath(hexToBytes("6001"), 0, 1))).toMatchObject({ value: { reason: "BadSegment", offset: 0 } })
  })
  it("size that overruns the data → BadLength / Truncated", () => {
    expect(Either.getLeft(decodePathWithSize(hexToBytes("05200124"), 0))).toMatchObject({ value: { reason: "BadLength" } })
    // a segment that runs past the declared size
    expect(Either.getLeft(decodePathWithSize(hexToBytes("01910461626364"), 0))).toMatchObject({ value: { reason: "Truncated" } })
    expect(Either.getLeft(decodePathWithSize(hexToBytes("012100010000"), 0))).toMatchObject({ value: { reason: "Truncated" } })
  })
  it("random bytes never throw", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), fc.boolean(), (b, padded) => {
      const r = decodePathWithSize(b, 0, { padded })
      return Either.isLeft(r) || r.right.next <= b.length
    }), runs(5000))
  })
})

const id32 = fc.oneof(fc.integer({ min: 0, max: 0xff }), fc.integer({ min: 0x100, max: 0xffff }), fc.integer({ min: 0x10000, max: 0xffffffff }))
export const arbSegment: fc.Arbitrary<Segment> = fc.oneof(
  fc.record({ _tag: fc.constant("Port" as const), port: fc.integer({ min: 1, max: 0xffff }), link: fc.oneof(fc.integer({ min: 0, max: 255 }), fc.stringMatching(/^[0-9.]{2,15}$/)) }),
  fc.record({ _tag: fc.constant("Class" as const), id: id32 }),
  fc.record({ _tag: fc.constant("Instance" as const), id: id32 }),
  fc.record({ _tag: fc.constant("Attribute" as const), id: id32 }),
  fc.record({ _tag: fc.constant("ConnectionPoint" as const), id: id32 }),
  fc.record({ _tag: fc.constant("Element" as const), index: id32 }),
  fc.record({ _tag: fc.constant("Symbolic" as const), name: fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_:]{0,30}$/) }),
  fc.record({
    _tag: fc.constant("Key" as const), vendor: fc.integer({ min: 0, max: 0xffff }), deviceType: fc.integer({ min: 0, max: 0xffff }),
    productCode: fc.integer({ min: 0, max: 0xffff }), major: fc.integer({ min: 0, max: 127 }), compatibility: fc.boolean(), minor: fc.integer({ min: 0, max: 255 })
  }),
  fc.record({ _tag: fc.constant("Data" as const), data: fc.uint8Array({ maxLength: 10 }).map((d) => d.length % 2 ? d.subarray(1) : d) })
)
export const arbPath: fc.Arbitrary<EPath> = fc.array(arbSegment, { maxLength: 6 })

describe("EPATH properties", () => {
  it("decode(encode(p)) == p", () => {
    fc.assert(fc.property(arbPath, fc.boolean(), (path, padded) => {
      const bytes = encodePathWithSize(path, { padded })
      const r = Either.getOrThrow(decodePathWithSize(bytes, 0, { padded }))
      expect(r.next).toBe(bytes.length)
      expect(r.path).toEqual(path)
      expect(encodeEPath(path).length % 2).toBe(0)
    }), runs(1000))
  })

  it("symbolic names decoded again are the names on the wire, whatever was decoded before", () => {
    // Names of one length, first and last byte (the same slot of the decoder's name cache) but
    // other bytes between, decoded in turn and from a buffer changed in place afterwards.
    const names = ["TagA1", "TagB1", "TxxA1", "TagA1", "tagA1", "TagA1"]
    const decoded = names.map((name) => {
      const bytes = encodeEPath([{ _tag: "Symbolic", name }])
      const first = Either.getOrThrow(decodeEPath(bytes, 0, bytes.length / 2))
      bytes[3] = 0x5a // the buffer is reused for other bytes: the name already decoded must not change
      const again = Either.getOrThrow(decodeEPath(bytes, 0, bytes.length / 2))
      return [first, again] as const
    })
    decoded.forEach(([first, again], i) => {
      expect(first).toEqual([{ _tag: "Symbolic", name: names[i] }])
      expect(again).toEqual([{ _tag: "Symbolic", name: names[i]!.slice(0, 1) + "Z" + names[i]!.slice(2) }])
    })
    fc.assert(fc.property(fc.array(fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,3}$/), { minLength: 1, maxLength: 40 }), (list) => {
      for (const name of list) {
        const bytes = encodeEPath([{ _tag: "Symbolic", name }])
        expect(Either.getOrThrow(decodeEPath(bytes, 0, bytes.length / 2))).toEqual([{ _tag: "Symbolic", name }])
      }
    }), runs(300))
  })
})

describe("decoded paths kept for reuse", () => {
  it("a path decoded again is the path on the wire, whatever was decoded before and whatever changed in place", () => {
    // A small pool of paths decoded in random order (repeats hit the decoder's path cache, others
    // replace entries of the same slot), each from a buffer that then takes another path's bytes.
    fc.assert(fc.property(fc.array(arbPath, { minLength: 1, maxLength: 12 }), fc.array(fc.nat(), { minLength: 1, maxLength: 200 }), (pool, picks) => {
      const encoded = pool.map((p) => encodeEPath(p))
      for (const k of picks) {
        const i = k % pool.length
        const buffer = encoded[i]!.slice()
        expect(Either.getOrThrow(decodeEPath(buffer, 0, buffer.length / 2))).toEqual(pool[i])
        const j = (i + 1) % pool.length
        if (encoded[j]!.length !== buffer.length) continue
        buffer.set(encoded[j]!)
        expect(Either.getOrThrow(decodeEPath(buffer, 0, buffer.length / 2))).toEqual(pool[j])
      }
    }), { numRuns: 300 })
    // Element indices 0..15 of one tag (a Multiple Service Packet of 16 reads): each its own path.
    for (let round = 0; round < 3; round++) {
      for (let index = 0; index < 16; index++) {
        const bytes = encodeEPath([{ _tag: "Symbolic", name: "DINTS" }, { _tag: "Element", index }])
        expect(Either.getOrThrow(decodeEPath(bytes, 0, bytes.length / 2))).toEqual([{ _tag: "Symbolic", name: "DINTS" }, { _tag: "Element", index }])
      }
    }
  })
})

describe("which decoded paths are kept", () => {
  // Kept: a path of 1..48 bytes without a Data segment, found again by its bytes wherever they
  // are (offset, buffer, what follows them). The decoded path itself is shared, so identity shows it.
  const path = (name: string, member: number) => encodeEPath([{ _tag: "Symbolic", name }, { _tag: "Element", index: member }])
  const at = (bytes: Uint8Array, offset: number, trailer: ReadonlyArray<number>) => {
    const b = new Uint8Array(offset + bytes.length + trailer.length)
    b.set(bytes, offset)
    b.set(trailer, offset + bytes.length)
    return b
  }
  const decode = (b: Uint8Array, offset: number, words: number) => Either.getOrThrow(decodeEPath(b, offset, words))

  it("a path asked again, at another offset of another buffer with other bytes after it, is the path decoded before", () => {
    const bytes = path("KeptPathTag", 3)
    const words = bytes.length / 2
    const first = decode(bytes, 0, words) // ends exactly at the buffer's end
    expect(decode(at(bytes, 6, [0xff, 0x00, 0x91]), 6, words)).toBe(first)
    expect(decode(at(bytes, 2, [0x28, 0x07]), 2, words)).toBe(first)
    expect(decode(at(bytes, 60, []), 60, words)).toBe(first) // far into a big frame: its length is what counts
    // One byte different: another path, decoded.
    const other = bytes.slice()
    other[2] = 0x4c // "K" → "L"
    expect(decode(other, 0, words)).toEqual([{ _tag: "Symbolic", name: "LeptPathTag" }, { _tag: "Element", index: 3 }])
    expect(decode(bytes.slice(), 0, words)).toBe(first)
  })

  it("up to 48 bytes: a 48-byte path is kept, a 50-byte one and one with a Data segment are decoded each time", () => {
    const sized = (n: number) => {
      for (let len = 1; len < 60; len++) {
        const b = path("B".repeat(len), 1)
        if (b.length === n) return b
      }
      throw new Error(`no ${n}-byte path`)
    }
    const b48 = sized(48)
    expect(decode(b48.slice(), 0, 24)).toBe(decode(b48.slice(), 0, 24))
    const b50 = sized(50)
    const a50 = decode(b50.slice(), 0, 25)
    const again50 = decode(b50.slice(), 0, 25)
    expect(again50).toEqual(a50)
    expect(again50).not.toBe(a50)
    const data = encodeEPath([{ _tag: "Symbolic", name: "WithData" }, { _tag: "Data", data: Uint8Array.of(1, 2) }])
    const d1 = decode(data.slice(), 0, data.length / 2)
    const d2 = decode(data.slice(), 0, data.length / 2)
    expect(d2).toEqual(d1)
    expect(d2).not.toBe(d1)
  })

  it("a path that runs past its buffer is refused, never served from what was kept", () => {
    const bytes = path("CutShort", 2)
    const words = bytes.length / 2
    decode(bytes, 0, words)
    const r = decodeEPath(bytes.subarray(0, bytes.length - 2), 0, words)
    expect(Either.isLeft(r) && r.left.reason).toBe("Truncated")
  })
})

describe("route paths and formatting", () => {
  it("parses text and JSON route paths", () => {
    expect(Either.getOrThrow(parseRoutePath("1/0"))).toEqual([{ _tag: "Port", port: 1, link: 0 }])
    expect(Either.getOrThrow(parseRoutePath("1/0/2/10.0.0.1"))).toEqual([
      { _tag: "Port", port: 1, link: 0 }, { _tag: "Port", port: 2, link: "10.0.0.1" }
    ])
    expect(Either.getOrThrow(parseRoutePath('[{"port":1,"link":0}]'))).toEqual([{ _tag: "Port", port: 1, link: 0 }])
    expect(Either.getOrThrow(parseRoutePath(""))).toEqual([])
    expect(Either.getOrThrow(parseRoutePath("none"))).toEqual([])
    expect(Either.isLeft(parseRoutePath("1/0/3"))).toBe(true)
    expect(Either.isLeft(parseRoutePath("[{"))).toBe(true)
    expect(bytesToHex(encodePathWithSize(Either.getOrThrow(parseRoutePath("1/0")), { padded: true }))).toBe("01000100")
  })
  it("formats paths for people", () => {
    expect(formatEPath([{ _tag: "Symbolic", name: "SCADA" }, { _tag: "Element", index: 3 }])).toBe("SCADA[3]")
    expect(formatEPath([{ _tag: "Symbolic", name: "A" }, { _tag: "Symbolic", name: "B" }])).toBe("A.B")
    expect(formatEPath([{ _tag: "Class", id: 0x6b }, { _tag: "Instance", id: 8 }, { _tag: "Element", index: 0 }])).toBe("@0x6b/8[0]")
  })
})
