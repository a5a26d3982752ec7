/**
 * Record a few seconds of a simulated tank level into a rotating history series, then read it back
 * and replay it ten times faster with a latest-value loader.
 *
 *   node --import tsx examples/history/recordAndReplay.ts
 */
import { Effect } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { History } from "cpppo"

const { formatDuration, HistoryWriter, makeLoader, readHistoryCounted, seriesFiles, Timestamp } = History

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cpppo-example-history-"))
const file = path.join(dir, "tank.hst")

// 2 s of samples every 20 ms, with historical times spread over 10 minutes (one sample per 6 s).
const record = Effect.gen(function* () {
  const history = yield* HistoryWriter
  const start = yield* Timestamp.now
  yield* history.comment(`tank level, recorded ${start.format({ zone: "America/Edmonton" })}`)
  for (let i = 0; i < 100; i++) {
    const level = Math.round(500 + 400 * Math.sin(i / 10))
    yield* history.append(["LEVEL", [0, 0]], { write: [level] }, start.plus(i * 6))
    if (i % 10 === 0) yield* history.append(["PUMP", [0, 0]], { write: [level < 500 ? 1 : 0] }, start.plus(i * 6))
    yield* Effect.sleep("20 millis")
  }
}).pipe(Effect.provide(HistoryWriter.layer({ path: file, flush: { everyMillis: 100 }, rotate: { maxBytes: 2048, keep: 5 } })))

const replay = Effect.gen(function* () {
  const files = yield* seriesFiles(file)
  console.log(`series: ${files.map((f) => path.basename(f)).join(", ")}`)
  const { records, corrupt } = yield* readHistoryCounted(files)
  // ×100: 10 minutes of history in 6 seconds; look every second.
  const loader = yield* makeLoader(records, { speed: 100 })
  for (let s = 0; s <= 6; s++) {
    const { time, values, exhausted } = yield* loader.advance
    const level = values.get(["LEVEL", [0, 0]])?.data
    const pump = values.get(["PUMP", [0, 0]])?.data
    console.log(`${time.format({ zone: "America/Edmonton" })} (+${formatDuration(time.minus(loader.timeline.start), 0)}): level ${JSON.stringify(level)} pump ${JSON.stringify(pump)}`)
    if (exhausted) break
    yield* Effect.sleep("1 second")
  }
  console.log(`corrupt records: ${yield* corrupt}`)
}).pipe(Effect.scoped)

Effect.runPromise(Effect.zipRight(record, replay))
  .catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e))
    process.exitCode = 1
  })
  .finally(() => fs.rmSync(dir, { recursive: true, force: true }))

