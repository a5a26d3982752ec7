/**
 * Connected (class 3) messaging details: a retransmitted request (the same sequence count and
 * request on the same connection) gets the previous reply again and is not executed twice; a
 * different request under a repeated count is executed.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { loadWireVectors } from "../fixtures/fixtures.js"
import { nextFrame, rawClient, register, startSimulator, toHex, withSession } from "./fixture.js"

const vectors = loadWireVectors()
const request = (id: string) => vectors.find((v) => v.id === id)!.request_hex!

describe("connected messaging", () => {
  it.scopedLive("a repeated sequence count is answered with the previous reply, without running the request again", () =>
    Effect.gen(function* () {
      const sim = yield* startSimulator({ tags: ["SCADA=INT[10]"] })
      const c = yield* rawClient(sim.port)
      const s = yield* register(c)
      c.send(withSession(request("sim.forward_open"), s))
      const open = Buffer.from(yield* nextFrame(c))
      expect(open.readUInt32LE(8)).toBe(0)
      const ot = open.subarray(44, 48) // O→T id chosen by the server, in the Forward Open reply
      // Connected Read Tag SCADA[0-1] on that connection with a given sequence count.
      const read = (sequence: number) => {
        const b = Buffer.from(withSession(request("sim.connected_read_tag"), s), "hex")
        ot.copy(b, 36)
        b.writeUInt16LE(sequence, 44)
        c.send(b)
        return nextFrame(c).pipe(Effect.map((f) => Buffer.from(f)))
      }
      const values = (reply: Buffer) => [reply.readInt16LE(reply.length - 4), reply.readInt16LE(reply.length - 2)]

      yield* sim.tags.write("SCADA", 0, [11, 12])
      const first = yield* read(7)
      expect(values(first)).toEqual([11, 12])
      yield* sim.tags.write("SCADA", 0, [21, 22])
      const again = yield* read(7) // a retransmission: the old reply, byte for byte
      expect(toHex(again)).toBe(toHex(first))
      const next = yield* read(8)
      expect(values(next)).toEqual([21, 22])
      expect(next.readUInt16LE(44)).toBe(8)

      // A different request under the same sequence count is not a retransmission: it runs.
      // (Answering it with the previous reply would report a write that never happened.)
      const write = (sequence: number, value: number) => {
        const cip = Buffer.from("4d049105" + Buffer.from("SCADA\0").toString("hex") + "c3000100" + "0000", "hex")
        cip.writeInt16LE(value, cip.length - 2)
        const frame = Buffer.alloc(46 + cip.length)
        frame.writeUInt16LE(0x70, 0)
        frame.writeUInt16LE(frame.length - 24, 2)
        frame.writeUInt32LE(s, 4)
        frame.writeUInt16LE(2, 30) // item count
        frame.writeUInt16LE(0xa1, 32); frame.writeUInt16LE(4, 34); ot.copy(frame, 36)
        frame.writeUInt16LE(0xb1, 40); frame.writeUInt16LE(cip.length + 2, 42); frame.writeUInt16LE(sequence, 44)
        cip.copy(frame, 46)
        c.send(frame)
        return nextFrame(c).pipe(Effect.map((f) => Buffer.from(f)))
      }
      const w = yield* write(8, 333)
      expect(w.subarray(46).toString("hex")).toBe("cd000000")
      expect(yield* sim.tags.read("SCADA", 0, 1)).toEqual([333])
      // …and that write repeated under its count is a retransmission: not run twice.
      yield* sim.tags.write("SCADA", 0, [1])
      expect((yield* write(8, 333)).subarray(46).toString("hex")).toBe("cd000000")
      expect(yield* sim.tags.read("SCADA", 0, 1)).toEqual([1])
    }))
})
