/**
 * Encapsulation decoding at its edges, byte by byte: which error (reason, offset, message) each
 * malformed CPF, frame and header gives, which odd-sized items stay raw so they re-encode
 * exactly, and the framer's size limit at its exact boundary. Written against the surviving
 * mutants of `npm run mutate` in src/enip.
 */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { decodeCpf, encodeCpf } from "../../src/enip/cpf.js"
import { decodeFrame, encodeFrame } from "../../src/enip/frame.js"
import { makeFramer } from "../../src/enip/framer.js"
import { decodeHeader, encodeHeaderInto, frameLength } from "../../src/enip/header.js"

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ""), "hex"))
const errorOf = <A>(r: Either.Either<A, { reason: string; offset: number; message: string }>) =>
  Either.isLeft(r) ? { reason: r.left.reason, offset: r.left.offset, message: r.left.message } : "decoded"
const item = (typeId: number, data: string) => {
  const d = hex(data)
  return Buffer.from([typeId & 0xff, typeId >> 8, d.length & 0xff, d.length >> 8, ...d]).toString("hex")
}
const cpf = (...items: Array<string>) => hex(Buffer.from([items.length, 0]).toString("hex") + items.join(""))
const only = (bytes: Uint8Array) => Either.getOrThrow(decodeCpf(bytes))[0]

describe("CPF errors", () => {
  it("each malformed CPF names what is wrong and where", () => {
    expect(Either.getOrThrow(decodeCpf(new Uint8Array(0)))).toEqual([])
    expect(errorOf(decodeCpf(hex("01")))).toEqual({ reason: "Truncated", offset: 0, message: "CPF item count" })
    expect(errorOf(decodeCpf(hex("0100 0000 00")))).toEqual({ reason: "Truncated", offset: 2, message: "CPF item 0 header (count 1)" })
    expect(errorOf(decodeCpf(hex("0200 0000 0000")))).toEqual({ reason: "Truncated", offset: 6, message: "CPF item 1 header (count 2)" })
    expect(errorOf(decodeCpf(hex("0100 b200 0500 0102")))).toEqual({ reason: "BadLength", offset: 4, message: "CPF item 0 length 5 overruns the data" })
    expect(errorOf(decodeCpf(hex("0100 0000 0000 ffff")))).toEqual({ reason: "BadLength", offset: 6, message: "2 bytes after the last CPF item" })
    // An error inside an item (a truncated ListIdentity) is the CPF's error.
    expect(errorOf(decodeCpf(cpf(item(0x0c, "00".repeat(32)))))).toEqual({ reason: "Truncated", offset: 6, message: "ListIdentity item" })
    expect(errorOf(decodeCpf(cpf(item(0x0c, "00".repeat(32) + "05" + "4142"))))).toEqual({ reason: "Truncated", offset: 6, message: "ListIdentity product name / state" })
    // 33 bytes: the name length is there, the state is not.
    expect(errorOf(decodeCpf(cpf(item(0x0c, "00".repeat(33)))))).toEqual({ reason: "Truncated", offset: 6, message: "ListIdentity product name / state" })
  })

  it("a ListIdentity item of exactly 33 + name + 1 bytes decodes", () => {
    const r = only(cpf(item(0x0c, "0100" + "00020000" + "7f000001" + "00".repeat(8) + "0100" + "0e00" + "3600" + "0114" + "3000" + "78563412" + "02" + "4142" + "03")))
    expect(r).toMatchObject({ _tag: "ListIdentity", identity: { protocolVersion: 1, vendorId: 1, productName: "AB", state: 3, serialNumber: 0x12345678 } })
  })
})

describe("CPF items of unexpected size stay raw (Unknown), so they re-encode exactly", () => {
  it("address and data items", () => {
    expect(only(cpf(item(0x0000, "")))).toEqual({ _tag: "NullAddress" })
    expect(only(cpf(item(0x0000, "0102")))).toMatchObject({ _tag: "Unknown", typeId: 0 })
    expect(only(cpf(item(0x00a1, "01020304")))).toEqual({ _tag: "ConnectedAddress", connectionId: 0x04030201 })
    expect(only(cpf(item(0x00a1, "010203")))).toMatchObject({ _tag: "Unknown", typeId: 0xa1 })
    expect(only(cpf(item(0x8002, "0102030405060708")))).toEqual({ _tag: "SequencedAddress", connectionId: 0x04030201, sequence: 0x08070605 })
    expect(only(cpf(item(0x8002, "01020304")))).toMatchObject({ _tag: "Unknown", typeId: 0x8002 })
    expect(only(cpf(item(0x00b1, "0100")))).toMatchObject({ _tag: "ConnectedData", sequence: 1 })
    expect(only(cpf(item(0x00b1, "01")))).toMatchObject({ _tag: "Unknown", typeId: 0xb1 })
  })

  it("sockaddr items: 16 bytes with zero sin_zero, else raw", () => {
    const addr = "0002af12" + "7f000001"
    expect(only(cpf(item(0x8000, addr + "00".repeat(8))))).toEqual({ _tag: "Sockaddr", typeId: 0x8000, sockaddr: { family: 2, port: 0xaf12, address: "127.0.0.1" } })
    expect(only(cpf(item(0x8001, addr + "00".repeat(7) + "01")))).toMatchObject({ _tag: "Unknown", typeId: 0x8001 })
    expect(only(cpf(item(0x8000, addr + "00".repeat(7))))).toMatchObject({ _tag: "Unknown", typeId: 0x8000 })
    // 15 bytes followed by zero bytes (the next item's): still raw.
    expect(Either.getOrThrow(decodeCpf(cpf(item(0x8000, addr + "00".repeat(7)), item(0, ""))))[0]).toMatchObject({ _tag: "Unknown", typeId: 0x8000 })
  })

  it("ListServices items: a NUL-terminated name, NUL-padded to 16 bytes (or its length + 1)", () => {
    const comms = Buffer.from("Communications").toString("hex")
    expect(only(cpf(item(0x100, "0100" + "2001" + comms + "0000")))).toEqual({ _tag: "ListServices", version: 1, capability: 0x120, name: "Communications" })
    expect(only(cpf(item(0x100, "0100" + "2001" + comms + "00".repeat(6))))).toEqual({ _tag: "ListServices", version: 1, capability: 0x120, name: "Communications", nameSize: 20 })
    // A name of 16 or more takes its length + 1 (no nameSize then); names are Latin-1.
    const long16 = Buffer.from("ABCDEFGHIJKLMNOPQRST").toString("hex")
    expect(only(cpf(item(0x100, "0100" + "2001" + long16 + "00")))).toEqual({ _tag: "ListServices", version: 1, capability: 0x120, name: "ABCDEFGHIJKLMNOPQRST" })
    expect(only(cpf(item(0x100, "0100" + "2001" + "43e9" + "00".repeat(14))))).toEqual({ _tag: "ListServices", version: 1, capability: 0x120, name: "Cé" })
    // Too short, not NUL-terminated, or bytes after the NUL: raw.
    expect(only(cpf(item(0x100, "01002000")))).toMatchObject({ _tag: "Unknown", typeId: 0x100 })
    expect(only(cpf(item(0x100, "0100" + "2001" + comms)))).toMatchObject({ _tag: "Unknown", typeId: 0x100 })
    expect(only(cpf(item(0x100, "0100" + "2001" + "41" + "00" + "42" + "00")))).toMatchObject({ _tag: "Unknown", typeId: 0x100 })
    // Encoding: a short name takes 16 bytes, a long one its length + 1.
    expect(Buffer.from(encodeCpf([{ _tag: "ListServices", version: 1, capability: 0x120, name: "Comm" }])).toString("hex"))
      .toBe("0100" + "0001" + "1400" + "0100" + "2001" + Buffer.from("Comm").toString("hex") + "00".repeat(12))
    const long = "A".repeat(20)
    expect(Buffer.from(encodeCpf([{ _tag: "ListServices", version: 1, capability: 0, name: long }])).toString("hex"))
      .toBe("0100" + "0001" + "1900" + "0100" + "0000" + Buffer.from(long).toString("hex") + "00")
  })

  it("encodes each item with its own type id", () => {
    expect(Buffer.from(encodeCpf([{ _tag: "NullAddress" }, { _tag: "Sockaddr", typeId: 0x8001, sockaddr: { family: 2, port: 44818, address: "10.0.0.1" } }])).toString("hex"))
      .toBe("0200" + "00000000" + "01801000" + "0002af12" + "0a000001" + "00".repeat(8))
  })
})

describe("frame errors and raw bodies", () => {
  const header = (command: number, length: number, status = 0) =>
    Buffer.from(encodeFrame({ header: { command, sessionHandle: 0, status, senderContext: new Uint8Array(8), options: 0 }, body: { _tag: "Nop", data: new Uint8Array(length) } })).subarray(0, 24)
  const frame = (command: number, data: string, status = 0) => {
    const d = hex(data)
    const h = header(command, d.length, status)
    return Uint8Array.from([...h, ...d])
  }

  it("a header length that disagrees with the bytes", () => {
    const f = frame(0x6f, "00".repeat(10))
    expect(errorOf(decodeFrame(f.subarray(0, 29)))).toEqual({ reason: "Truncated", offset: 2, message: "header length 10 but only 5 data bytes" })
    expect(errorOf(decodeFrame(Uint8Array.from([...f, 0, 0])))).toEqual({ reason: "BadLength", offset: 2, message: "header length 10 but 12 data bytes" })
    expect(errorOf(decodeHeader(f.subarray(0, 23)))).toEqual({ reason: "Truncated", offset: 0, message: "encapsulation header needs 24 bytes, have 23" })
    expect(errorOf(decodeHeader(f, 11))).toEqual({ reason: "Truncated", offset: 11, message: "encapsulation header needs 24 bytes, have 23" })
    expect(Either.isRight(decodeHeader(f, 10))).toBe(true)
  })

  it("bodies of the wrong size: an error in a request, raw data in an error reply", () => {
    expect(errorOf(decodeFrame(frame(0x65, "010000")))).toEqual({ reason: "BadLength", offset: 2, message: "RegisterSession data is 3 bytes, not 4" })
    expect(Either.getOrThrow(decodeFrame(frame(0x65, "010000", 0x69))).body).toMatchObject({ _tag: "Unsupported", command: 0x65 })
    expect(Either.getOrThrow(decodeFrame(frame(0x66, ""))).body).toEqual({ _tag: "UnregisterSession" })
    expect(Either.getOrThrow(decodeFrame(frame(0x66, "0000"))).body).toMatchObject({ _tag: "Unsupported", command: 0x66 })
    expect(errorOf(decodeFrame(frame(0x6f, "0000000000")))).toEqual({ reason: "Truncated", offset: 24, message: "SendRRData/SendUnitData interface handle and timeout" })
    expect(Either.getOrThrow(decodeFrame(frame(0x6f, "0000000000", 0x65))).body).toMatchObject({ _tag: "Unsupported", command: 0x6f })
    // Handle and timeout without the CPF item count: refused in a request (it is not an empty CPF), raw in an error reply.
    expect(errorOf(decodeFrame(frame(0x6f, "000000000000")))).toEqual({ reason: "Truncated", offset: 30, message: "SendRRData/SendUnitData CPF item count" })
    expect(errorOf(decodeFrame(frame(0x70, "0000000000000a")))).toEqual({ reason: "Truncated", offset: 30, message: "SendRRData/SendUnitData CPF item count" })
    expect(Either.getOrThrow(decodeFrame(frame(0x70, "000000000000", 0x03))).body).toMatchObject({ _tag: "Unsupported", command: 0x70 })
    expect(Either.getOrThrow(decodeFrame(frame(0x6f, "0000000000000000"))).body).toEqual({ _tag: "SendRRData", interfaceHandle: 0, timeout: 0, items: [] })
    // A bad CPF: its error in a request, raw in an error reply (SendRRData and List*).
    expect(errorOf(decodeFrame(frame(0x6f, "000000000000" + "01")))).toEqual({ reason: "Truncated", offset: 30, message: "SendRRData/SendUnitData CPF item count" })
    expect(Either.getOrThrow(decodeFrame(frame(0x6f, "000000000000" + "01", 0x03))).body).toMatchObject({ _tag: "Unsupported", command: 0x6f })
    expect(errorOf(decodeFrame(frame(0x04, "01")))).toEqual({ reason: "Truncated", offset: 24, message: "CPF item count" })
    expect(Either.getOrThrow(decodeFrame(frame(0x04, "01", 0x03))).body).toMatchObject({ _tag: "Unsupported", command: 0x04 })
  })

  it("the header is written exactly, at any offset; frameLength = 24 + length", () => {
    const out = new Uint8Array(30).fill(0xee)
    encodeHeaderInto({ command: 0x6f, length: 0x1234, sessionHandle: 0x01020304, status: 0x0a0b0c0d, senderContext: hex("1112131415"), options: 0x21222324 }, out, 3)
    expect(Buffer.from(out).toString("hex")).toBe("eeeeee" + "6f00" + "3412" + "04030201" + "0d0c0b0a" + "1112131415000000" + "24232221" + "eeeeee")
    expect(frameLength({ command: 0, length: 100, sessionHandle: 0, status: 0, senderContext: new Uint8Array(8), options: 0 })).toBe(124)
    // encodeFrame: a sender context of 8 bytes is copied, the options after it intact.
    const f = encodeFrame({ header: { sessionHandle: 1, status: 0, senderContext: hex("0102030405060708"), options: 0xffffffff }, body: { _tag: "UnregisterSession" } })
    expect(Buffer.from(f).toString("hex")).toBe("6600" + "0000" + "01000000" + "00000000" + "0102030405060708" + "ffffffff")
  })
})

describe("framer size limit at its boundary", () => {
  const frameOf = (dataBytes: number) => {
    const b = new Uint8Array(24 + dataBytes)
    b[0] = 0x6f; b[2] = dataBytes & 0xff; b[3] = dataBytes >> 8
    return b
  }
  it("a frame of exactly the maximum passes, one byte more is refused; whole or split; the framer stays failed", () => {
    for (const split of [false, true]) {
      const ok = makeFramer(124)
      const exact = frameOf(100)
      const got = split ? [...Either.getOrThrow(ok.push(exact.subarray(0, 10))), ...Either.getOrThrow(ok.push(exact.subarray(10)))] : Either.getOrThrow(ok.push(exact))
      expect(got.map((f) => f.length)).toEqual([124])
      expect(ok.buffered).toBe(0)
      const over = frameOf(101)
      const refused = split ? (ok.push(over.subarray(0, 10)), ok.push(over.subarray(10))) : ok.push(over)
      expect(errorOf(refused)).toEqual({ reason: "TooLarge", offset: 2, message: "frame of 125 bytes exceeds the maximum of 124" })
      if (!split) expect(Array.from(ok.pushFrames(frameOf(0)).refused!.header ?? [])).toEqual([])
      expect(errorOf(ok.push(frameOf(0)))).toEqual({ reason: "TooLarge", offset: 2, message: "frame of 125 bytes exceeds the maximum of 124" })
      expect(ok.pushFrames(frameOf(0))).toMatchObject({ frames: [], refused: { error: { reason: "TooLarge" } } })
    }
  })

  it("a refused frame's header is reported (for the server's 0x65 reply), after the frames before it", () => {
    const f = makeFramer(100)
    const over = frameOf(200)
    over[4] = 0x42
    const r = f.pushFrames(Uint8Array.from([...frameOf(4), ...over]))
    expect(r.frames.map((x) => x.length)).toEqual([28])
    expect(Array.from(r.refused!.header!)).toEqual(Array.from(over.subarray(0, 24)))
  })

  it("a chunk of exactly one 24-byte frame is that frame; a partial header is buffered", () => {
    const f = makeFramer(1000)
    expect(Either.getOrThrow(f.push(frameOf(0))).map((x) => x.length)).toEqual([24])
    expect(Either.getOrThrow(f.push(frameOf(0).subarray(0, 23)))).toEqual([])
    expect(f.buffered).toBe(23)
    expect(Either.getOrThrow(f.push(Uint8Array.of(0))).map((x) => x.length)).toEqual([24])
    // Two whole frames and a partial third in one chunk.
    const chunk = Uint8Array.from([...frameOf(2), ...frameOf(0), ...frameOf(4).subarray(0, 26)])
    expect(Either.getOrThrow(f.push(chunk)).map((x) => x.length)).toEqual([26, 24])
    expect(f.buffered).toBe(26)
  })
})
