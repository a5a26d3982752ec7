/**
 * README, "Signals" (cost): a tick of many tags is written in slices of 1,000 elements with a turn
 * of the event loop between them. A sink counts the writes; a setImmediate queued at the first
 * write of each slice runs at the next turn, so it sees how many elements were written before it.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { makeSignals } from "../../src/signals/index.js"
import { makeTagStore } from "../../src/tags/tagStore.js"

/** Elements written before each turn of the event loop during the first tick. */
const turnsOf = (tags: ReadonlyArray<string>, signals: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const store = yield* makeTagStore(tags)
    let written = 0
    let waiting = false
    const turns: Array<number> = []
    yield* store.addSink((e) => {
      if (e.kind !== "write") return
      written += e.count
      if (waiting) return
      waiting = true
      setImmediate(() => { waiting = false; turns.push(written) })
    })
    // One tick now, the next in an hour: only the first is seen.
    const engine = yield* makeSignals(store, signals, { periodMillis: 3_600_000, seed: 1 })
    for (let i = 0; i < 1000 && engine.stats().ticks === 0; i++) yield* Effect.sleep("5 millis")
    yield* Effect.sleep("20 millis")
    expect(engine.stats().ticks).toBe(1)
    return { turns, written, writes: engine.stats().writes }
  })

describe("signal writes in slices", () => {
  it.live("3,500 scalar tags: written 1,000 elements at a time, with a turn of the event loop between slices", () =>
    Effect.scoped(Effect.gen(function* () {
      const tags = Array.from({ length: 3500 }, (_, i) => `T${i}`)
      const r = yield* turnsOf(tags.map((t) => `${t}=DINT`), tags.map((t) => `${t}=7`))
      expect(r.written).toBe(3500)
      expect(r.writes).toBe(3500)
      expect(r.turns).toEqual([1000, 2000, 3000, 3500])
    })))

  it.live("a slice ends at a tag's run, not inside it: DINT[2500] then 1,500 tags go as 2,500, then 1,000 and 500", () =>
    Effect.scoped(Effect.gen(function* () {
      const tags = Array.from({ length: 1500 }, (_, i) => `T${i}`)
      const r = yield* turnsOf(["Big=DINT[2500]", ...tags.map((t) => `${t}=DINT`)], ["Big=7", ...tags.map((t) => `${t}=7`)])
      expect(r.written).toBe(4000)
      expect(r.turns).toEqual([2500, 3500, 4000])
    })))
})
