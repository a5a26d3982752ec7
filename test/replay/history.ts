/** A history file written as `cpppo enip poll --historize` writes it, for the replay tests. */
import { Context, Effect, Layer } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Timestamp } from "../../src/history/timestamp.js"
import { HistoryWriter } from "../../src/history/writer.js"

/** The time the records' seconds count from. */
export const T0 = Timestamp.fromMillis(Date.UTC(2026, 10, 30, 8, 0, 0))

/** Write `records` (seconds after T0, serial, data) to a new `plant.hst` in a temp dir; its path. */
export const historyOf = (records: ReadonlyArray<readonly [number, unknown, unknown]>) =>
  Effect.gen(function* () {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "cpppo-replay-")), "plant.hst")
    const ctx = yield* Layer.build(HistoryWriter.layer({ path: file }))
    const w = Context.get(ctx, HistoryWriter)
    for (const [s, serial, data] of records) yield* w.append(serial, data, T0.plus(s))
    return file
  }).pipe(Effect.scoped)
