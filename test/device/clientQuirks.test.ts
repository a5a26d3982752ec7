/**
 * Requests exactly as widely used clients send them, which real controllers accept: pycomm3
 * 1.2.14 repeats its whole Write Tag request after the data (in one connected data item), and
 * libplctag pads odd-length Write Tag data with a zero byte. Each is decoded from the wire bytes,
 * answered once, and the value read back.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { toHex } from "../../src/cip/bytes.js"
import { encodeReply } from "../../src/cip/reply.js"
import { decodeRequest } from "../../src/cip/request.js"
import { fixture, hex } from "./helpers.js"

const ascii = (s: string) => Buffer.from(s, "latin1").toString("hex")

/** Decode the CIP bytes, answer them, and give the reply's bytes. */
const answer = (f: ReturnType<typeof fixture>, cip: string) => {
  const req = Either.getOrThrow(decodeRequest(hex(cip)))
  return toHex(encodeReply(f.sync(req)))
}

describe("Write Tag bytes as third-party clients send them", () => {
  it("pycomm3 1.2.14: the whole request repeated after the data is one write, answered once", () => {
    const f = fixture(["DINTS=DINT[100]"])
    // Connected data item: 03 00 | 4d 05 91 05 'DINTS' 00 28 03 c4 00 01 00 78 0a e3 05 | 03 00 4d 05 … 78 0a e3 05
    const write = "4d05" + "9105" + ascii("DINTS") + "00" + "2803" + "c400" + "0100" + "780ae305"
    const item = "0300" + write + "0300" + write
    expect(answer(f, item.slice(4))).toBe("cd000000")
    expect(Effect.runSync(f.store.read("DINTS", 2, 3))).toEqual([0, 98765432, 0])
  })

  it("pycomm3 1.2.14: an SSTRING write repeated the same way lands (it used to be answered success and lost)", () => {
    const f = fixture(["TEXT=SSTRING"])
    Effect.runSync(f.store.write("TEXT", 0, ["old"]))
    const write = "4d03" + "9104" + ascii("TEXT") + "da00" + "0100" + "03" + ascii("xyz")
    expect(answer(f, write + "0400" + write)).toBe("cd000000")
    expect(Effect.runSync(f.store.read("TEXT"))).toEqual(["xyz"])
  })

  it("libplctag: odd-length data padded with one zero byte (SINTS[99] = -7)", () => {
    const f = fixture(["SINTS=SINT[100]"])
    expect(answer(f, "4d05" + "9105" + ascii("SINTS") + "00" + "2863" + "c200" + "0100" + "f900")).toBe("cd000000")
    expect(Effect.runSync(f.store.read("SINTS", 98, 2))).toEqual([0, -7])
  })

  it("too few bytes for the elements are still refused, and nothing is written", () => {
    const f = fixture(["SINTS=SINT[100]", "TEXT=SSTRING"])
    expect(answer(f, "4d05" + "9105" + ascii("SINTS") + "00" + "2862" + "c200" + "0200" + "f9")).toBe("cd001300")
    expect(Effect.runSync(f.store.read("SINTS", 98, 2))).toEqual([0, 0])
    // An SSTRING whose length byte promises more characters than were sent.
    expect(answer(f, "4d03" + "9104" + ascii("TEXT") + "da00" + "0100" + "05" + ascii("xyz"))).toBe("cd001300")
    expect(Effect.runSync(f.store.read("TEXT"))).toEqual([""])
  })
})

describe("no success reply for a write that did not happen", () => {
  it("Set Attribute Single on a placed SSTRING whose bytes do not hold exactly its elements is refused", () => {
    const f = fixture(["NAMES@0x93/1/1=SSTRING[2]"])
    Effect.runSync(f.store.write("NAMES", 0, ["a", "b"]))
    // two SSTRINGs and a stray third: before, the stray one was stored past the tag's end
    expect(answer(f, "1003" + "2093" + "2401" + "3001" + "01" + ascii("x") + "01" + ascii("y") + "01" + ascii("z"))).toBe("9000" + "ff01" + "0421") // 0xFF [0x2104]
    expect(Effect.runSync(f.store.read("NAMES"))).toEqual(["a", "b"])
    expect(answer(f, "1003" + "2093" + "2401" + "3001" + "01" + ascii("x") + "01" + ascii("y"))).toBe("90000000")
    expect(Effect.runSync(f.store.read("NAMES"))).toEqual(["x", "y"])
  })
})
