/**
 * The history recorder's documented defaults (README "historize"), held by behaviour: events are
 * handed to the writer 2,000 per turn of the event loop; more than 50,000 waiting make it
 * congested (the server then stops reading its clients); past 250,000 waiting, further events are
 * counted as not recorded, never silently lost.
 */
import { Effect, Scope } from "effect"
import { describe, expect, it } from "vitest"
import type { TagIoEvent } from "../../src/history/historize.js"
import { makeHistoryRecorder } from "../../src/history/recorder.js"
import type { HistoryWriterService, RecordInput } from "../../src/history/writer.js"
import { inScope } from "./inScope.js"

/** A writer that keeps the size of each batch handed to it. */
const countingWriter = () => {
  const batches: Array<number> = []
  const writer: HistoryWriterService = {
    path: "memory.hst",
    append: () => Effect.void,
    appendAll: (records: Iterable<RecordInput>) => Effect.sync(() => { batches.push([...records].length) }),
    comment: () => Effect.void,
    flush: Effect.void,
    stats: Effect.succeed({ records: 0, bytes: 0, flushes: 0, rotations: 0, pending: 0, dropped: 0, failing: undefined })
  }
  return { writer, batches }
}

const event = (i: number): TagIoEvent => ({ name: "SCADA", kind: "write", start: i % 10, count: 1, values: [i], at: 1_700_000_000_000 + i })

describe("history recorder defaults", () => {
  it("congested past 50,000 waiting events; past 250,000 further events are counted as overflowed", async () => {
    const { writer, batches } = countingWriter()
    const seen = await inScope((scope) => Effect.gen(function* () {
      const recorder = yield* Scope.extend(makeHistoryRecorder(writer), scope)
      // One synchronous burst: the recorder's fiber cannot run in between, so every event waits.
      const burst = Effect.sync(() => {
        for (let i = 0; i < 50_000; i++) recorder.record(event(i))
        const at50k = recorder.congested()
        recorder.record(event(50_000))
        const at50k1 = recorder.congested()
        for (let i = 50_001; i < 250_000; i++) recorder.record(event(i))
        const before = recorder.unsafeStats().overflowed
        recorder.record(event(250_000))
        recorder.record(event(250_001))
        return { at50k, at50k1, before, pending: recorder.unsafeStats().pending }
      })
      const b = yield* burst
      yield* recorder.sync
      return { ...b, after: yield* recorder.stats }
    }))
    expect(seen).toMatchObject({ at50k: false, at50k1: true, before: 0, pending: 250_000 })
    expect(seen.after).toMatchObject({ recorded: 250_000, overflowed: 2, pending: 0 })
    expect(batches.reduce((a, b) => a + b, 0)).toBe(250_000)
  })

  it("hands waiting events to the writer 2,000 at a time", async () => {
    const { writer, batches } = countingWriter()
    await inScope((scope) => Effect.gen(function* () {
      const recorder = yield* Scope.extend(makeHistoryRecorder(writer), scope)
      yield* Effect.sync(() => { for (let i = 0; i < 9_000; i++) recorder.record(event(i)) })
      // Let the recorder's fiber drain (it yields between slices); a hang guard, not a speed bound.
      for (let i = 0; i < 1000 && batches.reduce((a, b) => a + b, 0) < 9_000; i++) yield* Effect.sleep("5 millis")
    }))
    expect(batches).toEqual([2000, 2000, 2000, 2000, 1000])
  })
})
