/**
 * Tags backed by asynchronous Attributes (the customization hook): their replies go through the
 * session's ordered queue, so pipelined replies still leave in request order, an AttributeError
 * reaches the client as its CIP status, and other sessions are not held up meanwhile.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { type Attribute, AttributeError, AttributeFactory } from "../../src/tags/attribute.js"
import { cipOf, nextFrame, rawClient, readTagCip, register, sendRR, startSimulator, u32, writeIntCip } from "./fixture.js"

/** A DINT whose every read takes 80 ms and returns how many reads came before. */
let slowReads = 0 // reads of the latest SLOW completed so far
const slowCounter = (): Attribute => {
  let reads = 0
  slowReads = 0
  return {
    type: "DINT",
    count: 1,
    read: () => Effect.sleep("80 millis").pipe(Effect.map(() => { slowReads = reads + 1; return [reads++] })),
    write: () => Effect.fail(new AttributeError({ status: 0x0f, extStatus: [], message: "read only" }))
  }
}

const factory = AttributeFactory.layer((spec) => (spec.name === "SLOW" ? slowCounter() : undefined))
const ctx = (i: number) => u32(i) + "00000000"

describe("asynchronous tag Attributes", () => {
  it.scopedLive("pipelined sync and async requests are answered in request order; AttributeError → its CIP status", () =>
    Effect.gen(function* () {
      const sim = yield* startSimulator({ tags: ["SCADA=INT[10]", "SLOW=DINT"] }, factory)
      const c = yield* rawClient(sim.port)
      const s = yield* register(c)
      const requests = [
        readTagCip("SLOW"), readTagCip("SCADA"), writeIntCip("SCADA", [7]), readTagCip("SLOW"), readTagCip("SCADA"),
        "4d03" + "9104534c4f57" + "c400" + "0100" + "01000000" // Write SLOW=(DINT)1: refused by the Attribute
      ]
      c.send(requests.map((r, i) => sendRR(s, r, ctx(i))).join(""))
      const replies: Array<string> = []
      for (let i = 0; i < requests.length; i++) {
        const f = yield* nextFrame(c)
        expect(Buffer.from(f).readUInt32LE(12)).toBe(i)
        replies.push(cipOf(f)!)
      }
      expect(replies).toEqual([
        "cc000000c400" + "00000000", "cc000000c300" + "0000", "cd000000", "cc000000c400" + "01000000", "cc000000c300" + "0700", "cd000f00"
      ])
    }))

  it.scopedLive("a slow Attribute in one session does not hold up another session", () =>
    Effect.gen(function* () {
      const sim = yield* startSimulator({ tags: ["SCADA=INT[10]", "SLOW=DINT"] }, factory)
      const slow = yield* rawClient(sim.port)
      const fast = yield* rawClient(sim.port)
      const s1 = yield* register(slow)
      const s2 = yield* register(fast)
      slow.send(Array.from({ length: 5 }, () => sendRR(s1, readTagCip("SLOW"))).join("")) // ≥ 400 ms of work
      fast.send(sendRR(s2, readTagCip("SCADA")))
      expect(cipOf(yield* nextFrame(fast))).toBe("cc000000c3000000")
      // Answered while the other session's slow reads were still under way, not after them.
      expect(slowReads).toBeLessThan(5)
      for (let i = 0; i < 5; i++) expect(cipOf(yield* nextFrame(slow))).toBe("cc000000c400" + u32(i))
    }))
})
