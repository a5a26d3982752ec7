/**
 * The HistoryWriter's documented defaults, held by behaviour (no option given): it flushes every
 * 100 ms, and as soon as 1 MiB is buffered, and while the file cannot be written it keeps 16 MiB of
 * records in memory, dropping (and counting) the ones beyond.
 */
import { Effect, Scope, TestClock } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { afterEach, describe, expect, it } from "@effect/vitest"
import { formatRecord } from "../../src/history/record.js"
import { Timestamp } from "../../src/history/timestamp.js"
import { makeHistoryWriter, type WriterIo } from "../../src/history/writer.js"
import { inScope } from "./inScope.js"

const MiB = 1 << 20
const dirs: Array<string> = []
afterEach(() => { for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true }) })
const tempFile = () => { const d = fs.mkdtempSync(path.join(os.tmpdir(), "cpppo-writer-defaults-")); dirs.push(d); return path.join(d, "h.hst") }

const T0 = Timestamp.fromMillis(Date.UTC(2026, 10, 30, 4, 1, 47, 146))
const SERIAL = ["S", [0, 0]]
/** Data whose record line is exactly 1024 bytes, so 1024 of them are 1 MiB. */
const DATA = (() => {
  const base = formatRecord({ time: T0, serial: SERIAL, data: { write: [""] } }).length
  return { write: ["x".repeat(1024 - base)] }
})()

describe("HistoryWriter defaults", () => {
  it("a record line of the test is 1024 bytes", () => {
    expect(Buffer.byteLength(formatRecord({ time: T0, serial: SERIAL, data: DATA }))).toBe(1024)
  })

  it.scoped("flushes every 100 ms when no policy is given (TestClock)", () =>
    Effect.gen(function* () {
      const file = tempFile()
      const w = yield* makeHistoryWriter({ path: file })
      yield* w.append(SERIAL, DATA, T0)
      yield* TestClock.adjust("99 millis")
      yield* Effect.yieldNow()
      expect(fs.statSync(file).size).toBe(0)
      yield* TestClock.adjust("1 millis")
      yield* Effect.yieldNow()
      expect(fs.statSync(file).size).toBe(1024)
    }))

  it("flushes once 1 MiB is buffered: 1023 KiB wait for the timer, the 1024th KiB is written at once", async () => {
    const file = tempFile()
    const sizes = await inScope((scope) => Effect.gen(function* () {
      // A timer that never comes during the test: only the buffer bound can flush.
      const w = yield* Scope.extend(makeHistoryWriter({ path: file, flush: { everyMillis: 3_600_000 } }), scope)
      for (let i = 0; i < 1023; i++) yield* w.append(SERIAL, DATA, T0)
      const before = fs.statSync(file).size
      yield* w.append(SERIAL, DATA, T0)
      const after = fs.statSync(file).size
      return { before, after, stats: yield* w.stats }
    }))
    expect(sizes.before).toBe(0)
    expect(sizes.after).toBe(MiB)
    expect(sizes.stats).toMatchObject({ records: 1024, flushes: 1, pending: 0 })
  })

  it("on a disk that refuses every write, 16 MiB of records wait in memory; the next is dropped and counted", async () => {
    const file = tempFile()
    const io: WriterIo = { writeSync: () => { throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" }) } }
    const result = await inScope((scope) => Effect.gen(function* () {
      const w = yield* Scope.extend(makeHistoryWriter({ path: file, flush: { everyMillis: 3_600_000 }, io }), scope)
      // 16 MiB is 16,384 records of 1 KiB: all kept (the first flush, at 1 MiB, fails and they stay).
      for (let i = 0; i < 16 * 1024; i++) yield* w.append(SERIAL, DATA, T0)
      const full = yield* w.stats
      yield* w.append(SERIAL, DATA, T0)
      return { full, over: yield* w.stats }
    }))
    expect(result.full).toMatchObject({ records: 0, pending: 16 * 1024, dropped: 0 })
    expect(result.full.failing).toMatch(/ENOSPC/)
    expect(result.over).toMatchObject({ records: 0, pending: 16 * 1024, dropped: 1 })
    expect(fs.readFileSync(file, "utf8")).toBe("")
  })
})
