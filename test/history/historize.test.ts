import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Stream } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { historize, HistoryWriter, readHistory, type TagIoEvent, tagIoRecord } from "../../src/history/index.js"

const at = Date.UTC(2014, 6, 16, 4, 3, 44, 186)

describe("historize", () => {
  it("maps events to cpppo's serial and data", () => {
    expect(tagIoRecord({ name: "SCADA", kind: "write", start: 0, count: 4, values: [0, 1, 2, 3] }))
      .toEqual({ serial: ["SCADA", [0, 3]], data: { write: [0, 1, 2, 3] } })
    expect(tagIoRecord({ name: "T", kind: "read", start: 5, count: 1, values: [7] })).toEqual({ serial: ["T", [5, 5]], data: { read: [7] } })
    expect(tagIoRecord({ name: "T", kind: "error", start: 0, count: 2, error: "Object does not exist" }))
      .toEqual({ serial: ["T", [0, 1]], data: { error: "Object does not exist" } })
  })

  it.scoped("appends a record per event through the HistoryWriter", () =>
    Effect.gen(function* () {
      const dir = yield* Effect.acquireRelease(
        Effect.sync(() => fs.mkdtempSync(path.join(os.tmpdir(), "cpppo-historize-"))),
        (d) => Effect.sync(() => fs.rmSync(d, { recursive: true, force: true }))
      )
      const file = path.join(dir, "tags.hst")
      const events: Array<TagIoEvent> = [
        { name: "SCADA", kind: "write", start: 0, count: 4, values: [0, 1, 2, 3], at },
        { name: "SCADA", kind: "read", start: 0, count: 4, values: [0, 1, 2, 3], at: at + 5 },
        { name: "NOPE", kind: "error", start: 0, count: 1, error: "no such tag", at: at + 7 }
      ]
      yield* historize(Stream.fromIterable(events)).pipe(Effect.provide(HistoryWriter.layer({ path: file, flush: { everyMillis: 1000 } })))
      expect(fs.readFileSync(file, "utf8")).toBe(
        `2014-07-16 04:03:44.186\t["SCADA", [0, 3]]\t{"write": [0, 1, 2, 3]}\n` +
          `2014-07-16 04:03:44.191\t["SCADA", [0, 3]]\t{"read": [0, 1, 2, 3]}\n` +
          `2014-07-16 04:03:44.193\t["NOPE", [0, 0]]\t{"error": "no such tag"}\n`
      )
      const back = Chunk.toArray(yield* Stream.runCollect(readHistory([file])))
      expect(back.map((r) => r.data)).toEqual([{ write: [0, 1, 2, 3] }, { read: [0, 1, 2, 3] }, { error: "no such tag" }])
    }))
})
