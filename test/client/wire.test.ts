import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import { encodeFrame } from "../../src/enip/frame.js"
import { encodeSendRRData, encodeSendUnitData, peekFrame } from "../../src/client/wire.js"

const ctx = (key: number) => { const c = new Uint8Array(8); new DataView(c.buffer).setUint32(0, key, true); return c }

describe("hot-path framing", () => {
  it("SendRRData / SendUnitData bytes equal the codec's, and peek finds key, sequence and data", () => {
    fc.assert(fc.property(fc.nat(0xffffffff), fc.nat(0xffffffff), fc.nat(0xffff), fc.uint8Array({ maxLength: 600 }), (session, key, seq, cip) => {
      const rr = encodeSendRRData(session, key, cip)
      expect(rr).toEqual(encodeFrame({
        header: { sessionHandle: session, status: 0, senderContext: ctx(key), options: 0 },
        body: { _tag: "SendRRData", interfaceHandle: 0, timeout: 0, items: [{ _tag: "NullAddress" }, { _tag: "UnconnectedData", data: cip }] }
      }))
      expect(peekFrame(rr)).toEqual({ command: 0x6f, status: 0, key, sequence: -1, data: cip })
      const ud = encodeSendUnitData(session, key, seq, cip)
      expect(ud).toEqual(encodeFrame({
        header: { sessionHandle: session, status: 0, senderContext: new Uint8Array(8), options: 0 },
        body: { _tag: "SendUnitData", interfaceHandle: 0, timeout: 0, items: [{ _tag: "ConnectedAddress", connectionId: key }, { _tag: "ConnectedData", sequence: seq, data: cip }] }
      }))
      expect(peekFrame(ud)).toEqual({ command: 0x70, status: 0, key: 0, sequence: seq, data: cip })
    }), { numRuns: 200 })
  })
  it("a truncated CPF yields no data (never read past the end) but still names its request", () => {
    const rr = encodeSendRRData(1, 2, new Uint8Array([1, 2, 3, 4]))
    const whole = peekFrame(rr)!
    for (let n = 33; n < rr.length; n++) {
      const peek = peekFrame(rr.subarray(0, n))
      expect(peek?.data).toBeUndefined()
      expect(peek?.key).toBe(whole.key) // the sender context: its request fails at once
    }
    expect(peekFrame(rr.subarray(0, 10))).toBeUndefined()
  })
})
