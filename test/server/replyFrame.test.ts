/**
 * The reply frame written in one pass (src/server/replyFrame.ts): byte for byte the frame a
 * controller sends back for SendRRData (Null Address + Unconnected Data) and SendUnitData
 * (Connected Address + Connected Data with the sequence echoed), echoing the request's session
 * handle, sender context and options, status 0, and the same bytes as the general encoder.
 */
import { describe, expect, it } from "@effect/vitest"
import type { CipReply } from "../../src/cip/model.js"
import { encodeReply } from "../../src/cip/reply.js"
import { encodeFrame } from "../../src/enip/frame.js"
import { replyFrame } from "../../src/server/replyFrame.js"

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex")
const squash = (s: string) => s.replace(/\s+/g, "")

/** A request header: command 0x6f, length 0x1234, session 0x04030201, status 0xdeadbeef, context, options. */
const REQUEST = Uint8Array.from(Buffer.from(squash(
  "6f00 3412 01020304 efbeadde 1112131415161718 21222324"
), "hex"))

const READ_REPLY: CipReply = { _tag: "ReadTag", service: 0xcc, status: 0, extStatus: [], type: { code: 0xc4 }, data: Uint8Array.of(7, 0, 0, 0) }

describe("replyFrame", () => {
  it("unconnected: SendRRData, status 0, the request's session, context and options, Null Address + Unconnected Data", () => {
    const cip = Uint8Array.of(0xcc, 0, 0, 0, 0xc4, 0, 7, 0, 0, 0)
    const { frame, cip: view } = replyFrame(REQUEST, 0, 5, undefined, 99, cip)
    expect(hex(frame)).toBe(squash(
      "6f00 1a00 01020304 00000000 1112131415161718 21222324" + // header: length 26, status 0
      "00000000 0500 0200 0000 0000 b200 0a00" + // interface, timeout 5, 2 items, Null Address, Unconnected Data of 10
      "cc000000c400 07000000"
    ))
    expect(hex(view)).toBe(hex(cip))
    expect(view.buffer).toBe(frame.buffer) // a view of the frame, not a copy
  })

  it("connected: SendUnitData, the connection id in the address item and the sequence first in the data item", () => {
    const cip = Uint8Array.of(0xcd, 0, 0, 0)
    const { frame, cip: view } = replyFrame(REQUEST, 0x01020304, 0x0a0b, 0xa1b2c3d4, 0x4321, cip)
    expect(hex(frame)).toBe(squash(
      "7000 1a00 01020304 00000000 1112131415161718 21222324" + // length 26
      "04030201 0b0a 0200 a100 0400 d4c3b2a1 b100 0600 2143" + // data item: sequence + 4 bytes
      "cd000000"
    ))
    expect(hex(view)).toBe("cd000000")
  })

  it("a decoded reply is encoded in place: the same bytes as the general encoder, large or small", () => {
    for (const size of [0, 1, 2, 200, 5000]) {
      const reply: CipReply = { _tag: "Error", service: 0xcc, status: 0x05, extStatus: size > 1 ? [0x1234] : [], data: new Uint8Array(size).fill(0x5a) }
      for (const connectionId of [undefined, 77]) {
        const { frame, cip } = replyFrame(REQUEST, 3, 9, connectionId, 5, reply)
        const data = encodeReply(reply)
        expect(hex(cip)).toBe(hex(data))
        const general = encodeFrame({
          header: { sessionHandle: 0x04030201, status: 0, senderContext: REQUEST.subarray(12, 20), options: 0x24232221 },
          body: connectionId === undefined
            ? { _tag: "SendRRData", interfaceHandle: 3, timeout: 9, items: [{ _tag: "NullAddress" }, { _tag: "UnconnectedData", data }] }
            : { _tag: "SendUnitData", interfaceHandle: 3, timeout: 9, items: [{ _tag: "ConnectedAddress", connectionId }, { _tag: "ConnectedData", sequence: 5, data }] }
        })
        expect(hex(frame)).toBe(hex(general))
      }
    }
  })

  it("encodes a read reply whose length is computed from the decoded reply", () => {
    const { frame, cip } = replyFrame(REQUEST, 0, 0, undefined, 0, READ_REPLY)
    expect(hex(cip)).toBe(hex(encodeReply(READ_REPLY)))
    expect(frame.length).toBe(24 + 16 + cip.length)
    expect(frame[2]! | (frame[3]! << 8)).toBe(16 + cip.length)
  })
})
