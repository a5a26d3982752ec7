/**
 * EPATH corners (src/cip/epath.ts) the vectors and round trips do not reach: each malformed
 * segment's refusal with its offset and message, the encoder's boundaries between the 8-, 16- and
 * 32-bit logical forms and the extended port, padding of odd data, a path of the same cache slot
 * as a longer one, route texts with bad ports, and how keys and data print.
 */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { decodeEPath, decodePathWithSize, encodeEPath, encodePathWithSize, formatEPath, parseRoutePath } from "../../src/cip/epath.js"
import type { EPath } from "../../src/cip/model.js"

const b = (...x: Array<number>) => Uint8Array.from(x)
const error = <A>(r: Either.Either<A, { reason: string; offset: number; message: string }>) => {
  if (Either.isRight(r)) throw new Error(`decoded: ${JSON.stringify(r.right)}`)
  return { reason: r.left.reason, offset: r.left.offset, message: r.left.message }
}

describe("segments refused", () => {
  it("a path longer than its buffer", () => {
    expect(error(decodeEPath(b(0x20, 0x01, 0x24), 1, 2))).toEqual({ reason: "Truncated", offset: 3, message: "EPATH of 4 bytes overruns the data" })
  })

  it("port segments: an extended port or a link address past the path", () => {
    expect(error(decodeEPath(b(0x0f, 0x12), 0, 1))).toEqual({ reason: "Truncated", offset: 0, message: "extended port overruns the path" })
    expect(error(decodeEPath(b(0x11, 0x05, 0x31, 0x30), 0, 2))).toEqual({ reason: "Truncated", offset: 0, message: "port link address overruns the path" })
    expect(decodeEPath(b(0x11, 0x03, 0x31, 0x2e, 0x32, 0x00), 0, 3)).toEqual(Either.right([{ _tag: "Port", port: 1, link: "1.2" }]))
    expect(decodeEPath(b(0x0f, 0x12, 0x00, 0x03), 0, 2)).toEqual(Either.right([{ _tag: "Port", port: 0x12, link: 3 }]))
    expect(decodeEPath(b(0x1f, 0x01, 0x34, 0x12, 0x41, 0x00), 0, 3)).toEqual(Either.right([{ _tag: "Port", port: 0x1234, link: "A" }]))
  })

  it("logical segments: 16- and 32-bit forms past the path, the reserved format", () => {
    expect(error(decodeEPath(b(0x21, 0x00), 0, 1))).toEqual({ reason: "Truncated", offset: 0, message: "16-bit logical segment overruns the path" })
    expect(error(decodeEPath(b(0x20, 0x01, 0x26, 0x00, 0x01, 0x00), 0, 3))).toEqual({ reason: "Truncated", offset: 2, message: "32-bit logical segment overruns the path" })
    expect(decodeEPath(b(0x26, 0x00, 0x01, 0x00, 0x02, 0x80), 0, 3)).toEqual(Either.right([{ _tag: "Instance", id: 0x80020001 }]))
    expect(error(decodeEPath(b(0x23, 0x01), 0, 1))).toEqual({ reason: "BadSegment", offset: 0, message: "reserved logical format in segment 0x23" })
    expect(error(decodeEPath(b(0x33, 0x00, 0x00, 0x00, 0x00, 0x00), 0, 3))).toEqual({ reason: "BadSegment", offset: 0, message: "reserved logical format in segment 0x33" })
  })

  it("symbolic, key and data segments past the path; a key of another format; an unknown type", () => {
    expect(error(decodeEPath(b(0x91, 0x03, 0x41, 0x42), 0, 2))).toEqual({ reason: "Truncated", offset: 0, message: "symbolic segment overruns the path" })
    expect(error(decodeEPath(b(0x34, 0x05, 0, 0, 0, 0, 0, 0, 0, 0), 0, 5))).toEqual({ reason: "BadSegment", offset: 0, message: "electronic key format 5 not supported" })
    expect(error(decodeEPath(b(0x34, 0x04, 0, 0, 0, 0, 0, 0), 0, 4))).toEqual({ reason: "Truncated", offset: 0, message: "electronic key overruns the path" })
    expect(error(decodeEPath(b(0x80, 0x02, 0x01, 0x02), 0, 2))).toEqual({ reason: "Truncated", offset: 0, message: "data segment overruns the path" })
    expect(error(decodeEPath(b(0x20, 0x01, 0xe0, 0x01), 0, 2))).toEqual({ reason: "BadSegment", offset: 2, message: "unknown EPATH segment type 0xe0" })
  })

  it("key and data segments decode with their fields", () => {
    expect(decodeEPath(b(0x34, 0x04, 0x01, 0x00, 0x0e, 0x00, 0x36, 0x00, 0x94, 0x0b), 0, 5)).toEqual(Either.right([
      { _tag: "Key", vendor: 1, deviceType: 14, productCode: 54, major: 20, compatibility: true, minor: 11 }
    ]))
    expect(decodeEPath(b(0x80, 0x01, 0xab, 0xcd, 0x20, 0x02), 0, 3)).toEqual(Either.right([{ _tag: "Data", data: b(0xab, 0xcd) }, { _tag: "Class", id: 2 }]))
  })

  it("a size-prefixed path: the size missing, or more words than the data", () => {
    expect(error(decodePathWithSize(b(), 0))).toEqual({ reason: "Truncated", offset: 0, message: "EPATH size" })
    expect(error(decodePathWithSize(b(0x01), 0, { padded: true }))).toEqual({ reason: "Truncated", offset: 0, message: "EPATH size" })
    expect(error(decodePathWithSize(b(0x02, 0x20, 0x01), 0))).toEqual({ reason: "BadLength", offset: 0, message: "EPATH size 2 words overruns the data" })
    expect(decodePathWithSize(b(0xff, 0x01, 0x00, 0x20, 0x06), 1, { padded: true })).toEqual(Either.right({ path: [{ _tag: "Class", id: 6 }], next: 5 }))
  })
})

describe("a path in the cache slot of a longer one", () => {
  it("is decoded as itself, not as the longer path that starts with the same bytes", () => {
    // 91 01 41 00 ("A") and 91 01 41 00 28 3c ("A[60]") hash to the same cache slot.
    const long = b(0x91, 0x01, 0x41, 0x00, 0x28, 0x3c)
    expect(decodeEPath(long, 0, 3)).toEqual(Either.right([{ _tag: "Symbolic", name: "A" }, { _tag: "Element", index: 60 }]))
    expect(decodeEPath(long.slice(), 0, 2)).toEqual(Either.right([{ _tag: "Symbolic", name: "A" }]))
    expect(decodeEPath(long.slice(), 0, 3)).toEqual(Either.right([{ _tag: "Symbolic", name: "A" }, { _tag: "Element", index: 60 }]))
  })
})

describe("encoding", () => {
  it("the smallest logical form that holds the value: 8-bit to 255, 16-bit to 65535, then 32-bit", () => {
    expect(encodeEPath([{ _tag: "Class", id: 255 }])).toEqual(b(0x20, 0xff))
    expect(encodeEPath([{ _tag: "Class", id: 256 }])).toEqual(b(0x21, 0x00, 0x00, 0x01))
    expect(encodeEPath([{ _tag: "Instance", id: 0xffff }])).toEqual(b(0x25, 0x00, 0xff, 0xff))
    expect(encodeEPath([{ _tag: "Instance", id: 0x10000 }])).toEqual(b(0x26, 0x00, 0x00, 0x00, 0x01, 0x00))
    expect(encodeEPath([{ _tag: "Member", id: 3 }, { _tag: "ConnectionPoint", id: 4 }, { _tag: "Attribute", id: 0 }])).toEqual(b(0x28, 0x03, 0x2c, 0x04, 0x30, 0x00))
    expect(encodeEPath([{ _tag: "Element", index: 0x1234 }])).toEqual(b(0x29, 0x00, 0x34, 0x12))
  })

  it("ports from 15 up are extended (a UINT after the segment byte); 14 fits the segment byte", () => {
    expect(encodeEPath([{ _tag: "Port", port: 14, link: 2 }])).toEqual(b(0x0e, 0x02))
    expect(encodeEPath([{ _tag: "Port", port: 15, link: 2 }])).toEqual(b(0x0f, 0x0f, 0x00, 0x02))
    expect(encodeEPath([{ _tag: "Port", port: 15, link: "AB" }])).toEqual(b(0x1f, 0x02, 0x0f, 0x00, 0x41, 0x42))
    expect(encodeEPath([{ _tag: "Port", port: 1, link: "ABC" }])).toEqual(b(0x11, 0x03, 0x41, 0x42, 0x43, 0x00))
    const p: EPath = [{ _tag: "Port", port: 15, link: 2 }]
    expect(decodeEPath(encodeEPath(p), 0, 2)).toEqual(Either.right(p))
  })

  it("data segments: the word count, and a pad byte after odd data; keys with their compatibility bit", () => {
    expect(encodeEPath([{ _tag: "Data", data: b(1, 2, 3) }])).toEqual(b(0x80, 0x02, 1, 2, 3, 0))
    expect(encodeEPath([{ _tag: "Data", data: b(1, 2) }])).toEqual(b(0x80, 0x01, 1, 2))
    expect(encodeEPath([{ _tag: "Key", vendor: 1, deviceType: 14, productCode: 54, major: 20, compatibility: false, minor: 11 }]))
      .toEqual(b(0x34, 0x04, 0x01, 0x00, 0x0e, 0x00, 0x36, 0x00, 0x14, 0x0b))
  })

  it("a size-prefixed path without options has no pad byte", () => {
    expect(encodePathWithSize([{ _tag: "Class", id: 1 }])).toEqual(b(0x01, 0x20, 0x01))
    expect(encodePathWithSize([{ _tag: "Class", id: 1 }], {})).toEqual(b(0x01, 0x20, 0x01))
    expect(encodePathWithSize([{ _tag: "Class", id: 1 }], { padded: true })).toEqual(b(0x01, 0x00, 0x20, 0x01))
  })
})

describe("route paths", () => {
  it("a port that is not all digits is refused, whatever digits it holds", () => {
    for (const t of ["1a/0", "a1/0", "+1/0", "1 2/0"]) {
      expect(error(parseRoutePath(t)), t).toEqual({ reason: "BadValue", offset: 0, message: `bad port '${t.split("/")[0]}' in route path` })
    }
  })

  it("one JSON object is a one-segment route; link texts up to 255 characters", () => {
    expect(parseRoutePath('{"port":2,"link":"10.0.0.1"}')).toEqual(Either.right([{ _tag: "Port", port: 2, link: "10.0.0.1" }]))
    expect(parseRoutePath(` {"port":1,"link":3} `)).toEqual(Either.right([{ _tag: "Port", port: 1, link: 3 }]))
    expect(Either.isRight(parseRoutePath(JSON.stringify({ port: 1, link: "x".repeat(255) })))).toBe(true)
    expect(error(parseRoutePath(JSON.stringify({ port: 1, link: "x".repeat(256) })))).toEqual({
      reason: "BadValue", offset: 0, message: "route path: link address must be 1..255 Latin-1 characters"
    })
    expect(error(parseRoutePath('[{"symbolic":""}]'))).toEqual({ reason: "BadValue", offset: 0, message: "route path: symbolic name must be 1..255 Latin-1 characters" })
    expect(parseRoutePath('[{"class":2},{"instance":1}]')).toEqual(Either.right([{ _tag: "Class", id: 2 }, { _tag: "Instance", id: 1 }]))
    for (const link of ["true", "-1", "1.5", "null"]) {
      expect(error(parseRoutePath(`{"port":1,"link":${link}}`)), link).toEqual({
        reason: "BadSegment", offset: 0, message: `route path segment not understood: {"port":1,"link":${link}}`
      })
    }
    expect(error(parseRoutePath("[null]"))).toMatchObject({ reason: "BadSegment", message: "route path segment not understood: null" })
    expect(error(parseRoutePath("[3]"))).toMatchObject({ reason: "BadSegment", message: "route path segment not understood: 3" })
  })
})

describe("printing keys and data", () => {
  it("each after a space unless first; a key ends a logical run", () => {
    const key = { _tag: "Key", vendor: 1, deviceType: 14, productCode: 54, major: 20, compatibility: true, minor: 11 } as const
    expect(formatEPath([key])).toBe("key(1/14/54/20.11)")
    expect(formatEPath([{ _tag: "Symbolic", name: "A" }, key])).toBe("A key(1/14/54/20.11)")
    expect(formatEPath([key, { _tag: "Instance", id: 1 }])).toBe("key(1/14/54/20.11) @Instance=1")
    expect(formatEPath([{ _tag: "Data", data: b(1, 2) }])).toBe("data(2)")
    expect(formatEPath([{ _tag: "Class", id: 2 }, { _tag: "Data", data: b(1, 2, 3) }, { _tag: "Instance", id: 1 }])).toBe("@0x2 data(3) @Instance=1")
  })
})
