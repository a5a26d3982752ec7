/**
 * SendRRData / SendUnitData frames read in place (the session handler's fast path) are answered
 * byte for byte as when decoded in full, for well-formed frames and for frames with any of their
 * header, CPF and length fields changed or cut short: the fast path must take only what the full
 * decoder reads the same way.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import fc from "fast-check"
import { makeController } from "../../src/device/controller.js"
import { makeEncapsulationHandler } from "../../src/server/encapsulation.js"
import type { FrameOutcome } from "../../src/server/session.js"
import { makeTagStore } from "../../src/tags/tagStore.js"
import { sendRRFrame, sendUnitFrame } from "./frames.js"

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ""), "hex"))
const SESSION = 0x1234_5678

/** libplctag's Large Forward Open (captured), session handle patched. */
const FORWARD_OPEN = hex(
  "6f004400 78563412 00000000 1bd5db7b00000000 00000000 0000 0000 0000 0200 0000 0000 b200 3400" +
  "5b02200624010a05000000003537f173075c3df3454350210100000040420f00a20f004240420f00a20f0042a303010020022401"
)
/** CIP requests: Read Tag Fragmented DINTS[0], Read Tag SCADA[3] x2, Write Tag DINTS[1] = 7, a 2-read packet. */
const REQUESTS = [
  "52 05 910544494e545300 2800 0100 00000000",
  "4c 05 9105534341444100 2803 0200",
  "4d 05 910544494e545300 2801 c400 0100 07000000",
  "0a 02 20022401 0200 0600 1400 4c059105534341444100 28030100 5205910544494e545300 2800 0100 00000000"
].map(hex)

const HEADER = { session: SESSION, context: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8), options: 0x11 }
const sendRR = (cip: Uint8Array) => sendRRFrame(cip, HEADER)
const sendUnit = (connection: number, sequence: number, cip: Uint8Array) => sendUnitFrame(connection, sequence, cip, HEADER)

const bytesOf = (o: FrameOutcome): string => {
  if (o === undefined) return "none"
  if (o instanceof Uint8Array) return Buffer.from(o).toString("hex")
  if (Effect.isEffect(o)) return "effect"
  return `close ${o.reply === undefined ? "" : Buffer.from(o.reply).toString("hex")}`
}

describe("frames read in place", () => {
  it("are answered as when decoded in full, whatever their fields say", () => {
    const store = Effect.runSync(makeTagStore(["DINTS=DINT[10]", "SCADA=INT[10]"]))
    const controller = makeController(store)
    const handler = (readInPlace: boolean) => makeEncapsulationHandler({
      endpoint: controller, newSessionHandle: () => SESSION, local: { address: "127.0.0.1", port: 44818 }, readInPlace
    })
    const fast = handler(true)
    const full = handler(false)
    const register = hex("65000400 00000000 00000000 0000000000000000 00000000 01000000")
    expect(bytesOf(fast.frame(register))).toBe(bytesOf(full.frame(register)))
    const opened = fast.frame(FORWARD_OPEN) as Uint8Array
    expect(opened[40]).toBe(0xdb)
    expect(opened[42]).toBe(0)
    const connection = new DataView(opened.buffer, opened.byteOffset).getUint32(44, true)
    const conn = controller.lookupConnection(connection)!

    // Both handlers share the controller (and so the connection): the retransmission cache is
    // emptied before each, so that each answers by running the request.
    const both = (frame: Uint8Array) => {
      conn.lastReply = undefined
      const a = bytesOf(fast.frame(frame.slice()))
      conn.lastReply = undefined
      const b = bytesOf(full.frame(frame.slice()))
      return [a, b] as const
    }
    // Well-formed frames: the usual answers, in place.
    for (const cip of REQUESTS) {
      const [a, b] = both(sendUnit(connection, 9, cip))
      expect(a).toBe(b)
      expect([a.slice(92, 94), a.slice(96, 98)]).toEqual([((cip[0]! | 0x80).toString(16)), "00"]) // the reply service, status 0
      const [c, d] = both(sendRR(cip))
      expect(c).toBe(d)
    }
    // Any header / CPF field changed, or the frame cut or extended.
    const field = fc.constantFrom(0, 1, 2, 3, 4, 7, 8, 24, 28, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44)
    fc.assert(fc.property(
      fc.boolean(), fc.constantFrom(...REQUESTS), fc.array(fc.tuple(field, fc.integer({ min: 0, max: 255 })), { maxLength: 3 }), fc.integer({ min: -6, max: 3 }),
      (connected, cip, changes, cut) => {
        const base = connected ? sendUnit(connection, 3, cip) : sendRR(cip)
        const frame = new Uint8Array(Math.max(24, base.length + cut))
        frame.set(base.subarray(0, Math.min(base.length, frame.length)))
        for (const [at, v] of changes) if (at < frame.length) frame[at] = v
        const [a, b] = both(frame)
        expect(a).toBe(b)
      }
    ), { numRuns: 3000 })
  })
})
