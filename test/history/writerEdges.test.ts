/**
 * The HistoryWriter's promises at their edges (README, "Writing and reading history"): the file
 * only ever holds whole records — a partial last line is cut when opened, a write that fails part
 * way is cut back and retried, the failure and the recovery are logged once each with what was
 * lost — and rotation: by size before a record would pass it (a lone record larger than the limit
 * is still written), keep 9 by default and at least 1, gzip or not, mid-batch in appendAll.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Logger, Scope, TestClock } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as zlib from "node:zlib"
import { formatRecord } from "../../src/history/record.js"
import { Timestamp } from "../../src/history/timestamp.js"
import { makeHistoryWriter, type WriterIo } from "../../src/history/writer.js"

const tempDir = Effect.acquireRelease(
  Effect.sync(() => fs.mkdtempSync(path.join(os.tmpdir(), "cpppo-writer-edges-"))),
  (dir) => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true }))
)
const T0 = Timestamp.fromMillis(Date.UTC(2014, 6, 16, 4, 3, 44, 186))
const line = (i: number, serial: unknown = "s") => formatRecord({ time: T0.plus(i), serial, data: i })
const text = (file: string) => fs.readFileSync(file, "utf8")
const gunzip = (file: string) => zlib.gunzipSync(fs.readFileSync(file)).toString()

/** The messages logged while `effect` runs, with their level. */
const logged = <A, E, R>(effect: Effect.Effect<A, E, R>) => {
  const logs: Array<string> = []
  const logger = Logger.make(({ logLevel, message }) => {
    logs.push(`${logLevel.label}: ${(Array.isArray(message) ? message : [message]).join(" ")}`)
  })
  return Effect.map(Effect.provide(effect, Logger.replace(Logger.defaultLogger, logger)), (a) => ({ a, logs }))
}

/** Writes through `fs.writeSync`, failing as `plan` says: "ok", "fail" (ENOSPC, nothing written) or "half". */
const scriptedIo = (plan: Array<"ok" | "fail" | "half">): WriterIo => ({
  writeSync: (fd, buffer, offset, length) => {
    const step = plan.shift() ?? "ok"
    if (step === "fail") throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" })
    if (step === "half") {
      fs.writeSync(fd, buffer, offset, Math.max(1, length >> 1))
      throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" })
    }
    return fs.writeSync(fd, buffer, offset, length)
  }
})

describe("HistoryWriter: whole records only", () => {
  it.scoped("a partial last line is cut when the file is opened, and that is logged", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const file = path.join(dir, "p.hst")
      fs.writeFileSync(file, line(0) + line(1).slice(0, 10))
      const { logs } = yield* logged(Effect.gen(function* () {
        const scope = yield* Scope.make()
        const w = yield* Scope.extend(makeHistoryWriter({ path: file, flush: "record" }), scope)
        yield* w.append("s", 2, T0.plus(2))
        yield* Scope.close(scope, Exit.void)
      }))
      expect(text(file)).toBe(line(0) + line(2))
      expect(logs).toContain(`WARN: history ${file}: cut a partial last line (10 bytes) before appending`)
      // A file without any newline holds no whole record: it is emptied.
      const none = path.join(dir, "n.hst")
      fs.writeFileSync(none, "2014-07-16 04:0")
      const w = yield* makeHistoryWriter({ path: none, flush: "record" })
      yield* w.append("s", 3, T0.plus(3))
      expect(text(none)).toBe(line(3))
      // A whole file is appended to as it is (more than one 64 KiB look-back block).
      const big = path.join(dir, "b.hst")
      const body = Array.from({ length: 3000 }, (_, i) => line(i)).join("")
      fs.writeFileSync(big, body + "x".repeat(70_000))
      const wb = yield* makeHistoryWriter({ path: big, flush: "record" })
      yield* wb.append("s", 9, T0.plus(9))
      expect(text(big)).toBe(body + line(9))
    }))

  it.scoped("a write that fails part way is cut back; the records stay and are written on the next flush; failure and recovery logged once", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const file = path.join(dir, "f.hst")
      const io = scriptedIo(["ok", "half", "fail", "ok"])
      const { a: stats, logs } = yield* logged(Effect.gen(function* () {
        const w = yield* makeHistoryWriter({ path: file, flush: "record", io })
        yield* w.append("s", 0, T0)
        yield* w.append("s", 1, T0.plus(1)) // half written, cut back
        expect(text(file)).toBe(line(0))
        const failing = yield* w.stats
        expect(failing).toMatchObject({ records: 1, pending: 1, dropped: 0 })
        expect(failing.failing).toMatch(/ENOSPC/)
        yield* w.append("s", 2, T0.plus(2)) // kept: no flush while failing
        expect(text(file)).toBe(line(0))
        expect((yield* Effect.flip(w.flush)).operation).toBe("write") // fails again
        yield* w.flush
        return yield* w.stats
      }))
      expect(text(file)).toBe(line(0) + line(1) + line(2))
      expect(stats).toMatchObject({ records: 3, pending: 0, dropped: 0, flushes: 2, failing: undefined })
      expect(stats.bytes).toBe(Buffer.byteLength(line(0) + line(1) + line(2)))
      expect(logs.filter((l) => l.startsWith("ERROR"))).toHaveLength(1)
      expect(logs.filter((l) => l.startsWith("ERROR"))[0]).toMatch(/cannot write \(ENOSPC.*records are kept in memory \(up to 16777216 bytes\)/)
      expect(logs).toContain(`WARN: history ${file}: writing again, nothing lost`)
      // A new file had nothing to cut; one recovery, one line.
      expect(logs.filter((l) => l.includes("cut a partial"))).toEqual([])
      expect(logs.filter((l) => l.includes("writing again"))).toHaveLength(1)
    }))

  it.scoped("records dropped while failing are counted in the recovery line; the timer retries a failing file", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const file = path.join(dir, "d.hst")
      const io = scriptedIo(["fail", "fail"])
      const size = Buffer.byteLength(line(0))
      const { logs, a: stats } = yield* logged(Effect.gen(function* () {
        // Retain only 2 lines' worth while failing (the retention bound is at least the buffer bound).
        const w = yield* makeHistoryWriter({ path: file, flush: "record", io, maxBufferChars: size * 2, maxRetainedBytes: 1 })
        for (let i = 0; i < 5; i++) yield* w.append("s", i, T0.plus(i))
        expect((yield* w.stats)).toMatchObject({ pending: 2, dropped: 3 })
        yield* TestClock.adjust("100 millis") // the retry fails ("fail" #2)
        yield* Effect.yieldNow()
        expect(text(file)).toBe("")
        yield* TestClock.adjust("100 millis") // written
        yield* Effect.yieldNow()
        return yield* w.stats
      }))
      expect(text(file)).toBe(line(0) + line(1))
      expect(stats).toMatchObject({ records: 2, pending: 0, dropped: 3 })
      expect(logs).toContain(`WARN: history ${file}: writing again; 3 records were dropped meanwhile`)
    }))

  it.scoped("a final flush that cannot write says how many records are lost", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const file = path.join(dir, "l.hst")
      const io = scriptedIo(["fail", "fail", "fail", "fail"])
      const { logs } = yield* logged(Effect.gen(function* () {
        const scope = yield* Scope.make()
        const w = yield* Scope.extend(makeHistoryWriter({ path: file, flush: { everyMillis: 60_000 }, io }), scope)
        yield* w.append("s", 0, T0)
        yield* w.append("s", 1, T0.plus(1))
        yield* Scope.close(scope, Exit.void)
      }))
      expect(logs.some((l) => l.startsWith("ERROR: history final flush failed, 2 records not written"))).toBe(true)
    }))
})

describe("HistoryWriter: flush period", () => {
  it.scoped("a period of 250 ms writes at 250 ms, not at the default 100 (TestClock)", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const file = path.join(dir, "t.hst")
      const w = yield* makeHistoryWriter({ path: file, flush: { everyMillis: 250 } })
      yield* w.append("s", 0, T0)
      yield* TestClock.adjust("249 millis")
      yield* Effect.yieldNow()
      expect(text(file)).toBe("")
      yield* TestClock.adjust("1 millis")
      yield* Effect.yieldNow()
      expect(text(file)).toBe(line(0))
    }))
})

describe("HistoryWriter: rotation", () => {
  it.scoped("keeps 9 rotations by default, gzipped; a lone record over the limit is written alone", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const file = path.join(dir, "r.hst")
      const scope = yield* Scope.make()
      // Each record is larger than maxBytes: one record per file.
      const w = yield* Scope.extend(makeHistoryWriter({ path: file, flush: "record", rotate: { maxBytes: 10 } }), scope)
      for (let i = 0; i < 12; i++) yield* w.append("s", i, T0.plus(i))
      expect((yield* w.stats).rotations).toBe(11)
      yield* Scope.close(scope, Exit.void)
      expect(fs.readdirSync(dir).sort()).toEqual(["r.hst", ...Array.from({ length: 9 }, (_, i) => `r.hst.${i + 1}.gz`)].sort())
      expect(text(file)).toBe(line(11))
      expect(gunzip(`${file}.1.gz`)).toBe(line(10))
      expect(gunzip(`${file}.9.gz`)).toBe(line(2))
    }))

  it.scoped("gzip: false keeps rotations plain; keep below 1 keeps one; comments rotate too but are not records", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const file = path.join(dir, "g.hst")
      const size = Buffer.byteLength(line(0))
      const scope = yield* Scope.make()
      const w = yield* Scope.extend(makeHistoryWriter({ path: file, flush: "record", rotate: { maxBytes: size * 2, keep: 0, gzip: false } }), scope)
      yield* w.append("s", 0, T0)
      yield* w.append("s", 1, T0.plus(1))
      yield* w.comment("x".repeat(size - 3)) // a line as long as a record: rotates
      yield* w.append("s", 3, T0.plus(3))
      yield* w.append("s", 4, T0.plus(4))
      const stats = yield* w.stats
      yield* Scope.close(scope, Exit.void)
      expect(stats).toMatchObject({ records: 4, rotations: 2 })
      expect(fs.readdirSync(dir).sort()).toEqual(["g.hst", "g.hst.1"])
      expect(text(`${file}.1`)).toBe(`# ${"x".repeat(size - 3)}\n` + line(3))
      expect(text(file)).toBe(line(4))
    }))

  it.scoped("appendAll rotates within a batch, stamps untimed records with the Clock, and writes at the buffer bound", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const file = path.join(dir, "a.hst")
      yield* TestClock.setTime(T0.millis)
      const size = Buffer.byteLength(line(0))
      const scope = yield* Scope.make()
      const w = yield* Scope.extend(makeHistoryWriter({ path: file, flush: { everyMillis: 60_000 }, maxBufferChars: size * 2, rotate: { maxBytes: size * 3 } }), scope)
      yield* w.appendAll([{ serial: "s", data: 0 }, { serial: "s", data: 1, time: T0.plus(1) }])
      // At the 2-record bound the batch was written without waiting for the timer.
      expect(text(file)).toBe(line(0) + line(1))
      yield* w.appendAll([2, 3, 4, 5].map((i) => ({ serial: "s", data: i, time: T0.plus(i) })))
      const stats = yield* w.stats
      expect(stats).toMatchObject({ rotations: 1, records: 5, pending: 1 })
      yield* Scope.close(scope, Exit.void)
      expect(gunzip(`${file}.1.gz`)).toBe(line(0) + line(1) + line(2))
      expect(text(file)).toBe(line(3) + line(4) + line(5))
    }))

  it.scoped("a line longer than the buffer, with multi-byte characters, is written whole", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const file = path.join(dir, "m.hst")
      const w = yield* makeHistoryWriter({ path: file, flush: "record", maxBufferChars: 8 })
      const data = { write: ["é€😀".repeat(600)] }
      yield* w.append("s", data, T0)
      yield* w.append("s", data, T0.plus(1))
      expect(text(file)).toBe(formatRecord({ time: T0, serial: "s", data }) + formatRecord({ time: T0.plus(1), serial: "s", data }))
    }))

  it.scoped("a .gz live file rotates to <stem>.1.gz as it is, and a reopened .gz is appended to", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const file = path.join(dir, "z.hst.gz")
      {
        const scope = yield* Scope.make()
        const w = yield* Scope.extend(makeHistoryWriter({ path: file, flush: "record" }), scope)
        yield* w.append("s", 0, T0)
        yield* Scope.close(scope, Exit.void)
      }
      const scope = yield* Scope.make()
      const size = fs.statSync(file).size
      const w = yield* Scope.extend(makeHistoryWriter({ path: file, flush: "record", rotate: { maxBytes: size * 2 + 1 } }), scope)
      yield* w.append("s", 1, T0.plus(1))
      expect(gunzip(file)).toBe(line(0) + line(1))
      yield* w.append("s", 2, T0.plus(2))
      yield* Scope.close(scope, Exit.void)
      expect(fs.readdirSync(dir).sort()).toEqual(["z.hst.1.gz", "z.hst.gz"])
      expect(gunzip(path.join(dir, "z.hst.1.gz"))).toBe(line(0) + line(1))
      expect(gunzip(file)).toBe(line(2))
    }))
})
