/** The client's peek into reply frames, on frames the encoder never makes: other commands, odd items. */
import { describe, expect, it } from "@effect/vitest"
import { encodeFrame } from "../../src/enip/frame.js"
import { encodeSendRRData, encodeSendUnitData, peekFrame } from "../../src/client/wire.js"

const header = (command: number, status: number, key: number, bodyLength: number) => {
  const b = new Uint8Array(24 + bodyLength)
  const dv = new DataView(b.buffer)
  dv.setUint16(0, command, true)
  dv.setUint16(2, bodyLength, true)
  dv.setUint32(8, status, true)
  dv.setUint32(12, key, true)
  return { b, dv }
}

describe("peekFrame", () => {
  it("reads command, status and key of any command; only SendRRData/SendUnitData have items", () => {
    const reg = encodeFrame({
      header: { sessionHandle: 9, status: 0, senderContext: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8), options: 0 },
      body: { _tag: "RegisterSession", protocolVersion: 1, options: 0 }
    })
    expect(peekFrame(reg)).toEqual({ command: 0x65, status: 0, key: 0x04030201, sequence: -1, data: undefined })
    // A ListIdentity-looking body with bytes that would read as an Unconnected Data item.
    const { b, dv } = header(0x63, 0x69, 0xfeedbeef, 16)
    dv.setUint16(30, 1, true)
    dv.setUint16(32, 0xb2, true)
    dv.setUint16(34, 4, true)
    expect(peekFrame(b)).toEqual({ command: 0x63, status: 0x69, key: 0xfeedbeef, sequence: -1, data: undefined })
  })

  it("a 24-byte header alone, or one without a whole CPF header, has no data; 23 bytes are no frame", () => {
    const { b } = header(0x6f, 0x65, 7, 0)
    expect(peekFrame(b)).toEqual({ command: 0x6f, status: 0x65, key: 7, sequence: -1, data: undefined })
    const short = header(0x6f, 0, 7, 7)
    expect(peekFrame(short.b)).toEqual({ command: 0x6f, status: 0, key: 7, sequence: -1, data: undefined })
    expect(peekFrame(b.subarray(0, 23))).toBeUndefined()
  })

  it("an error status is reported with the data of the reply", () => {
    const rr = encodeSendRRData(1, 0x1234, Uint8Array.of(0xcc, 0, 8, 0))
    new DataView(rr.buffer).setUint32(8, 3, true)
    expect(peekFrame(rr)).toEqual({ command: 0x6f, status: 3, key: 0x1234, sequence: -1, data: Uint8Array.of(0xcc, 0, 8, 0) })
  })

  it("a Connected Data item shorter than its sequence count is skipped; items after it are read", () => {
    const { b, dv } = header(0x70, 0, 0, 8 + 4 + 1 + 4 + 3)
    dv.setUint16(30, 2, true)
    dv.setUint16(32, 0xb1, true)
    dv.setUint16(34, 1, true)
    b[36] = 0x55
    dv.setUint16(37, 0xb2, true)
    dv.setUint16(39, 3, true)
    b.set([9, 8, 7], 41)
    expect(peekFrame(b)).toEqual({ command: 0x70, status: 0, key: 0, sequence: -1, data: Uint8Array.of(9, 8, 7) })
  })

  it("a Connected Data item of exactly its sequence count has empty data; other item types are passed over", () => {
    const ud = encodeSendUnitData(5, 0x11223344, 0xbeef, new Uint8Array(0))
    expect(peekFrame(ud)).toEqual({ command: 0x70, status: 0, key: 0, sequence: 0xbeef, data: new Uint8Array(0) })
    // Three items: a Sockaddr item (0x8000) with bytes, then the data: the data is still found.
    const { b, dv } = header(0x6f, 0, 1, 8 + 4 + 2 + 4 + 2)
    dv.setUint16(30, 2, true)
    dv.setUint16(32, 0x8000, true)
    dv.setUint16(34, 2, true)
    dv.setUint16(38, 0xb2, true)
    dv.setUint16(40, 2, true)
    b.set([0xaa, 0xbb], 42)
    expect(peekFrame(b)).toEqual({ command: 0x6f, status: 0, key: 1, sequence: -1, data: Uint8Array.of(0xaa, 0xbb) })
  })

  it("an item count larger than the items there: the key is kept, no data", () => {
    const rr = encodeSendRRData(1, 99, Uint8Array.of(1, 2))
    new DataView(rr.buffer).setUint16(30, 3, true)
    expect(peekFrame(rr)).toEqual({ command: 0x6f, status: 0, key: 99, sequence: -1, data: undefined })
  })

  it("a frame inside a larger buffer is read at its own offset", () => {
    const rr = encodeSendRRData(1, 42, Uint8Array.of(5, 6))
    const big = new Uint8Array(rr.length + 10)
    big.set(rr, 10)
    expect(peekFrame(big.subarray(10))).toEqual({ command: 0x6f, status: 0, key: 42, sequence: -1, data: Uint8Array.of(5, 6) })
  })
})
