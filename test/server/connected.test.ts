/**
 * Connected (class 3) messaging details: a retransmitted request (the same sequence count on
 * the same connection) gets the previous reply again and is not executed twice.
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
    }))
})
