import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Queue } from "effect"
import { makeTagStore } from "../../src/tags/tagStore.js"

describe("TagStore events", () => {
  it.scoped("a subscriber that falls behind loses the oldest events, never the newest", () =>
    Effect.gen(function* () {
      const store = yield* makeTagStore(["X=DINT"], { eventCapacity: 16 })
      const queue = yield* store.subscribe
      for (let i = 0; i < 100; i++) yield* store.write("X", 0, [i])
      const got = Chunk.toReadonlyArray(yield* Queue.takeAll(queue))
      expect(got).toHaveLength(16)
      expect(got.map((e) => e.values?.[0])).toEqual(Array.from({ length: 16 }, (_, i) => 84 + i))
    }))
})
