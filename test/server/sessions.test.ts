/** Many sessions at once: 200 concurrent raw clients, each writing and reading back its own data. */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { connect } from "./raw.js"
import { cipOf, nextFrame, readTagCip, register, sendRR, startSimulator, symbolPath, u16 } from "./fixture.js"

const N = 200
const dintWrite = (name: string, value: number) => {
  const b = Buffer.alloc(4); b.writeInt32LE(value)
  const path = symbolPath(name)
  return "4d" + (path.length / 4).toString(16).padStart(2, "0") + path + "c400" + u16(1) + b.toString("hex")
}
const intWrite = (element: number, value: number) => {
  const b = Buffer.alloc(2); b.writeInt16LE(value)
  const path = symbolPath("SCADA", element)
  return "4d" + (path.length / 4).toString(16).padStart(2, "0") + path + "c300" + u16(1) + b.toString("hex")
}

describe("many sessions", () => {
  it.scopedLive(`${N} concurrent clients each write and read back their own element and tag`, () =>
    Effect.gen(function* () {
      const tags = ["SCADA=INT[200]", ...Array.from({ length: N }, (_, i) => `T${i}=DINT`)]
      // All from 127.0.0.1: lift the per-peer limit (64 by default), which this test is not about.
      const sim = yield* startSimulator({ tags, maxSessionsPerPeer: N })
      const client = (i: number) =>
        Effect.gen(function* () {
          const c = yield* Effect.acquireRelease(Effect.promise(() => connect(sim.port, "127.0.0.1", 10_000)), (c) => Effect.sync(() => c.close()))
          const s = yield* register(c, 10_000)
          for (let round = 0; round < 5; round++) {
            const v16 = ((i * 131 + round * 7) % 60000) - 30000
            const v32 = i * 100_003 + round - 1_000_000
            // Pipelined: two writes then two reads in one burst.
            c.send(sendRR(s, intWrite(i, v16)) + sendRR(s, dintWrite(`T${i}`, v32)) + sendRR(s, readTagCip("SCADA", 1, i)) + sendRR(s, readTagCip(`T${i}`)))
            expect(cipOf(yield* nextFrame(c, 10_000))).toBe("cd000000")
            expect(cipOf(yield* nextFrame(c, 10_000))).toBe("cd000000")
            const a = Buffer.from(cipOf(yield* nextFrame(c, 10_000))!, "hex")
            const b = Buffer.from(cipOf(yield* nextFrame(c, 10_000))!, "hex")
            expect([a.readUInt16LE(4), a.readInt16LE(6)]).toEqual([0xc3, v16])
            expect([b.readUInt16LE(4), b.readInt32LE(6)]).toEqual([0xc4, v32])
          }
          return s
        })
      const handles = yield* Effect.all(Array.from({ length: N }, (_, i) => client(i)), { concurrency: "unbounded" })
      expect(new Set(handles).size).toBe(N) // every session got its own handle
      expect(sim.registry.size()).toBe(N)
      expect(sim.registry.stats().accepted).toBe(N)
      // The store holds every client's last values.
      const scada = yield* sim.tags.read("SCADA", 0, N)
      expect(scada).toEqual(Array.from({ length: N }, (_, i) => ((i * 131 + 4 * 7) % 60000) - 30000))
      for (let i = 0; i < N; i += 37) expect(yield* sim.tags.read(`T${i}`)).toEqual([i * 100_003 + 4 - 1_000_000])
    }), 30_000)
})
