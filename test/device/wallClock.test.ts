/**
 * The Wall Clock Time object (0x8B/1) with the requests pylogix and pycomm3 send: Get Attribute
 * List of attribute 11, Set Attribute List of attribute 6 (and pylogix's DST flag, 10).
 */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { toHex } from "../../src/cip/bytes.js"
import { encodeReply } from "../../src/cip/reply.js"
import { decodeRequest } from "../../src/cip/request.js"
import { fixture, hex } from "./helpers.js"

const u64 = (v: bigint) => { const b = Buffer.alloc(8); b.writeBigUInt64LE(v); return b.toString("hex") }

const clock = () => {
  let ms = 1_700_000_000_000
  const f = fixture([], { now: () => ms })
  const answer = (cip: string) => toHex(encodeReply(f.sync(Either.getOrThrow(decodeRequest(hex(cip))))))
  return { answer, advance: (by: number) => { ms += by } }
}

// Get Attribute List @0x8B/1, 1 attribute: 11 (pylogix GetPLCTime, pycomm3 get_plc_time)
const GET_TIME = "0302208b2401" + "0100" + "0b00"

describe("Wall Clock Time object (0x8B)", () => {
  it("reads the host's time until set, then runs from the value set", () => {
    const c = clock()
    expect(c.answer(GET_TIME)).toBe("83000000" + "0100" + "0b00" + "0000" + u64(1_700_000_000_000_000n))
    // pycomm3 set_plc_time: Set Attribute List, 1 attribute: 6 = µs
    expect(c.answer("0402208b2401" + "0100" + "0600" + u64(1_000_000_000_000_000n))).toBe("84000000" + "0100" + "0600" + "0000")
    expect(c.answer(GET_TIME)).toBe("83000000" + "0100" + "0b00" + "0000" + u64(1_000_000_000_000_000n))
    c.advance(2500)
    expect(c.answer(GET_TIME)).toBe("83000000" + "0100" + "0b00" + "0000" + u64(1_000_000_002_500_000n))
    // pylogix SetPLCTime: attributes 6 (µs) and 10 (DST flag)
    expect(c.answer("0402208b2401" + "0200" + "0600" + u64(1_234_000_000n) + "0a00" + "01")).toBe("84000000" + "0200" + "0600" + "0000" + "0a00" + "0000")
    expect(c.answer("0302208b2401" + "0200" + "0b00" + "0a00")).toBe("83000000" + "0200" + "0b00" + "0000" + u64(1_234_000_000n) + "0a00" + "0000" + "01")
  })

  it("refuses what it cannot do and then changes nothing", () => {
    const c = clock()
    const before = c.answer(GET_TIME)
    // unknown attribute in a Set Attribute List: its size is unknown, so nothing is set
    expect(c.answer("0402208b2401" + "0200" + "0600" + u64(5n) + "6300" + "00")).toBe("84001400")
    expect(c.answer("0402208b2401" + "0100" + "0600" + "0102")).toBe("84001300")
    expect(c.answer("0402208b2401" + "0100" + "0600" + u64(5n) + "ff")).toBe("84001500")
    expect(c.answer(GET_TIME)).toBe(before)
    // an unknown attribute in a Get Attribute List: per-attribute status, general status 0x0A
    expect(c.answer("0302208b2401" + "0100" + "6300")).toBe("83000a00" + "0100" + "6300" + "1400")
    // Get Attribute Single: not supported on this object, as on a ControlLogix
    expect(c.answer("0e03208b24013006")).toBe("8e000800")
    expect(c.answer("0302208b2402" + "0100" + "0b00")).toBe("83001600")
  })

  it("sets the UTC time (11) as libplctag does, and reports each attribute's status in a mixed Get Attribute List", () => {
    const c = clock()
    expect(c.answer("0402208b2401" + "0100" + "0b00" + u64(42_000_000n))).toBe("84000000" + "0100" + "0b00" + "0000")
    expect(c.answer("0302208b2401" + "0100" + "0600")).toBe("83000000" + "0100" + "0600" + "0000" + u64(42_000_000n))
    // one known, one unknown: the known one's value, the unknown one's 0x14, general status 0x0A
    expect(c.answer("0302208b2401" + "0200" + "0600" + "6300")).toBe("83000a00" + "0200" + "0600" + "0000" + u64(42_000_000n) + "6300" + "1400")
  })

  it("answers a short or inconsistent Set Attribute List with 0x13 or 0x15, never a crash (0xFF)", () => {
    const c = clock()
    const before = c.answer(GET_TIME)
    expect(c.answer("0402208b2401")).toBe("84001300") // no count
    expect(c.answer("0402208b2401" + "01")).toBe("84001300") // half a count
    expect(c.answer("0402208b2401" + "0200" + "0600" + u64(5n))).toBe("84001300") // count 2, one attribute
    expect(c.answer("0402208b2401" + "0200" + "0600" + u64(5n) + "0a")).toBe("84001300") // half an attribute id
    expect(c.answer("0402208b2401" + "0100" + "0600" + "01020304050607")).toBe("84001300") // 7 of 8 bytes
    expect(c.answer("0402208b2401" + "0100" + "0a00")).toBe("84001300") // DST without its byte
    expect(c.answer("0402208b2401" + "0000" + "00")).toBe("84001500") // a byte after no attributes
    expect(c.answer("0402208b2401" + "0000")).toBe("84000000" + "0000") // no attributes: nothing to set, done
    expect(c.answer(GET_TIME)).toBe(before)
  })

  it("answers other services with 0x08, and paths that are not the instance with 0x04 or 0x16", () => {
    const c = clock()
    const before = c.answer(GET_TIME)
    // Set Attribute Single (which carries data) and a generic service with data: not supported
    expect(c.answer("1003208b24013006" + u64(5n))).toBe("90000800")
    expect(c.answer("0502208b2401" + "0100" + "0600" + u64(5n))).toBe("85000800")
    expect(c.answer(GET_TIME)).toBe(before)
    // an attribute segment in the path, or a symbolic segment after the class: path segment error
    expect(c.answer("0303208b24013006" + "0100" + "0b00")).toBe("83000400")
    expect(c.answer("0403208b2401300b" + "0100" + "0600" + u64(5n))).toBe("84000400")
    expect(c.answer("0304208b910341424300" + "0100" + "0b00")).toBe("83000400")
    expect(c.answer("0404208b910341424300" + "0100" + "0600" + u64(5n))).toBe("84000400")
    // the class alone: no instance 0 here
    expect(c.answer("0301208b" + "0100" + "0b00")).toBe("83001600")
    expect(c.answer(GET_TIME)).toBe(before)
  })
})
