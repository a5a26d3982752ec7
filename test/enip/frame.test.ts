import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import fc from "fast-check"
import { runs } from "../propertyRuns.js"
import { decodeFrame, encodeFrame } from "../../src/enip/frame.js"
import { decodeCpf, encodeCpf } from "../../src/enip/cpf.js"
import { makeFramer } from "../../src/enip/framer.js"
import { decodeHeader } from "../../src/enip/header.js"
import { bytesToHex, hexToBytes, loadVectors } from "../cip/vectors.js"

const vectors = loadVectors()
const frames: Array<[string, string]> = []
for (const v of vectors) {
  if (v.layer === "enip_frame" && v.hex) frames.push([v.id, v.hex])
  if (v.layer === "enip_exchange") {
    if (v.request_hex) frames.push([`${v.id} request`, v.request_hex])
    if (v.reply_hex) frames.push([`${v.id} reply`, v.reply_hex])
  }
}

describe("encapsulation frames (vectors)", () => {
  it.each(frames)("%s decodes and re-encodes byte-exact", (_id, hex) => {
    const bytes = hexToBytes(hex)
    const f = decodeFrame(bytes)
    if (Either.isLeft(f)) throw new Error(f.left.message)
    const { length: _l, ...header } = f.right.header
    expect(bytesToHex(encodeFrame({ header, body: f.right.body }))).toBe(hex)
  })

  it("every CPF vector decodes and re-encodes byte-exact", () => {
    const cpfs = vectors.filter((v) => v.layer === "cpf")
    expect(cpfs.length).toBe(8)
    for (const v of cpfs) {
      const items = decodeCpf(hexToBytes(v.hex!))
      if (Either.isLeft(items)) throw new Error(`${v.id}: ${items.left.message}`)
      // the empty CPF (no bytes) re-encodes as a count of 0
      expect(bytesToHex(encodeCpf(items.right))).toBe(v.hex === "" ? "0000" : v.hex)
    }
  })

  it("decodes ListIdentity fields of a PowerFlex reply", () => {
    const v = vectors.find((x) => x.id === "cip_test.listident_1_rpy")!
    const f = Either.getOrThrow(decodeFrame(hexToBytes(v.hex!)))
    expect(f.body._tag).toBe("ListIdentity")
    if (f.body._tag !== "ListIdentity") return
    const item = f.body.items[0]!
    expect(item._tag).toBe("ListIdentity")
    if (item._tag !== "ListIdentity") return
    expect(item.identity.productName).toBe("PowerFlex 753                   ")
    expect(item.identity.sockaddr).toEqual({ family: 2, port: 44818, address: "10.161.1.5" })
    expect(item.identity.serialNumber).toBe(2152275221)
    expect(item.identity.revision[0] | (item.identity.revision[1] << 8)).toBe(267)
  })

  it("unknown commands decode to Unsupported and keep their command", () => {
    const bytes = hexToBytes("99000200" + "00".repeat(20) + "abcd")
    const f = Either.getOrThrow(decodeFrame(bytes))
    expect(f.body).toEqual({ _tag: "Unsupported", command: 0x99, data: hexToBytes("abcd") })
    expect(bytesToHex(encodeFrame({ header: { ...f.header }, body: f.body }))).toBe(bytesToHex(bytes))
  })
})

describe("bad frames yield typed errors", () => {
  it("truncated header / lying length / trailing bytes / short RegisterSession", () => {
    expect(Either.getLeft(decodeHeader(new Uint8Array(10))).pipe((o) => o._tag === "Some" && o.value.reason)).toBe("Truncated")
    const lying = hexToBytes("6f00ff00" + "00".repeat(20) + "0000")
    expect(Either.isLeft(decodeFrame(lying)) && Either.getLeft(decodeFrame(lying))).toMatchObject({ value: { reason: "Truncated" } })
    const trailing = hexToBytes("65000400" + "00".repeat(20) + "0100000000")
    expect(Either.getLeft(decodeFrame(trailing))).toMatchObject({ value: { reason: "BadLength" } })
    const shortReg = hexToBytes("65000200" + "00".repeat(20) + "0100")
    expect(Either.getLeft(decodeFrame(shortReg))).toMatchObject({ value: { reason: "BadLength" } })
    const cpfOverrun = hexToBytes("6f000e00" + "00".repeat(20) + "00000000" + "0000" + "0100" + "b2000900" + "0000")
    expect(Either.getLeft(decodeFrame(cpfOverrun))).toMatchObject({ value: { reason: "BadLength" } })
  })

  it("random bytes never throw from decodeFrame / decodeCpf", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), (b) => {
      const f = decodeFrame(b)
      const c = decodeCpf(b)
      return (Either.isLeft(f) || Either.isRight(f)) && (Either.isLeft(c) || Either.isRight(c))
    }), runs(2000))
  })
})

describe("framer", () => {
  const all = frames.map(([, hex]) => hexToBytes(hex))
  const stream = new Uint8Array(all.reduce((n, b) => n + b.length, 0))
  let at = 0
  for (const b of all) { stream.set(b, at); at += b.length }
  const expected = all.map(bytesToHex)

  const feed = (sizes: ReadonlyArray<number>): Array<string> => {
    const framer = makeFramer(65_535 + 24)
    const out: Array<string> = []
    let p = 0
    let i = 0
    while (p < stream.length) {
      const n = Math.max(1, sizes[i++ % sizes.length]!)
      const got = Either.getOrThrow(framer.push(stream.subarray(p, p + n)))
      out.push(...got.map(bytesToHex))
      p += n
    }
    expect(framer.buffered).toBe(0)
    return out
  }

  it(`cuts ${all.length} frames fed in one chunk, without copying`, () => {
    const framer = makeFramer(100_000)
    const got = Either.getOrThrow(framer.push(stream))
    expect(got.map(bytesToHex)).toEqual(expected)
    expect(got.every((f) => f.buffer === stream.buffer)).toBe(true)
  })
  it("cuts the same frames fed byte by byte", () => {
    expect(feed([1])).toEqual(expected)
  })
  it("cuts the same frames in random chunkings", () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 30 }), (sizes) => {
      expect(feed(sizes)).toEqual(expected)
    }), runs(200))
  })
  it("refuses a frame longer than the maximum with TooLarge, and stays failed", () => {
    const framer = makeFramer(100)
    const big = hexToBytes("6f00c800" + "00".repeat(20))
    expect(Either.getLeft(framer.push(big.subarray(0, 10)))._tag).toBe("None")
    expect(Either.getLeft(framer.push(big.subarray(10)))).toMatchObject({ value: { reason: "TooLarge" } })
    expect(Either.isLeft(framer.push(new Uint8Array(1)))).toBe(true)
  })
  it("holds a partial header and reports buffered bytes", () => {
    const framer = makeFramer(1000)
    expect(Either.getOrThrow(framer.push(stream.subarray(0, 5)))).toEqual([])
    expect(framer.buffered).toBe(5)
  })
})

describe("ListServices item", () => {
  it("accepts a name NUL-padded to 16 bytes, as devices send it, and re-encodes it exactly", () => {
    const cpf = hexToBytes("0100" + "0001" + "1400" + "0100" + "2001" + Buffer.from("Communications\0\0").toString("hex"))
    const items = Either.getOrThrow(decodeCpf(cpf))
    expect(items).toEqual([{ _tag: "ListServices", version: 1, capability: 0x120, name: "Communications" }])
    expect(bytesToHex(encodeCpf(items))).toBe(bytesToHex(cpf))
  })
  it("encodes the name in 16 bytes by default, and keeps another size it decoded (cpppo's 15)", () => {
    const sixteen = encodeCpf([{ _tag: "ListServices", version: 1, capability: 0x20, name: "Communications" }])
    expect(bytesToHex(sixteen)).toBe("0100" + "0001" + "1400" + "0100" + "2000" + Buffer.from("Communications\0\0").toString("hex"))
    const cpppo = hexToBytes("0100" + "0001" + "1300" + "0100" + "2000" + Buffer.from("Communications\0").toString("hex"))
    const items = Either.getOrThrow(decodeCpf(cpppo))
    expect(items).toEqual([{ _tag: "ListServices", version: 1, capability: 0x20, name: "Communications", nameSize: 15 }])
    expect(bytesToHex(encodeCpf(items))).toBe(bytesToHex(cpppo))
  })
  it("keeps an item with bytes after the name's NUL raw", () => {
    const cpf = hexToBytes("0100" + "0001" + "0800" + "0100" + "2000" + "41004200")
    expect(Either.getOrThrow(decodeCpf(cpf))[0]!._tag).toBe("Unknown")
  })
})
