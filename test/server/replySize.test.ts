/**
 * The unconnected reply size (README "The controller": `maxReply` is 504 bytes unconnected), held
 * on the wire: a Read Tag over SendRRData is answered in whole elements within 504 bytes of CIP
 * reply, with status 0x06 when the elements asked for do not fit.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { cipOf, nextFrame, rawClient, readTagCip, register, sendRR, startSimulator } from "./fixture.js"

describe("unconnected replies: at most 504 bytes of CIP", () => {
  it.scopedLive("249 INTs fit exactly (a 504-byte reply); 250 are cut to 249 with 0x06; DINTs to 124 (502 bytes)", () =>
    Effect.gen(function* () {
      const sim = yield* startSimulator({ tags: ["SCADA=INT[1000]", "BIG=DINT[1000]"], udp: false })
      const c = yield* rawClient(sim.port)
      const s = yield* register(c)
      const read = (name: string, count: number) =>
        Effect.gen(function* () {
          c.send(sendRR(s, readTagCip(name, count, 0)))
          return Buffer.from(cipOf(yield* nextFrame(c))!, "hex")
        })
      const fits = yield* read("SCADA", 249)
      expect(fits.length).toBe(504)
      expect(fits.subarray(0, 6).toString("hex")).toBe("cc000000c300")
      const cut = yield* read("SCADA", 250)
      expect(cut.length).toBe(504)
      expect(cut.subarray(0, 6).toString("hex")).toBe("cc000600c300") // status 0x06: partial
      const dints = yield* read("BIG", 1000)
      expect(dints.length).toBe(6 + 124 * 4)
      expect(dints.subarray(0, 6).toString("hex")).toBe("cc000600c400")
    }))
})
