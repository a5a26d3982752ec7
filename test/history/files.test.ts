import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Exit, Scope, Stream, TestClock } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { spawnSync } from "node:child_process"
import * as zlib from "node:zlib"
import {
  formatRecord,
  HistoryFileError,
  HistoryReader,
  HistoryWriter,
  makeHistoryWriter,
  readHistory,
  readHistoryCounted,
  seriesFiles,
  Timestamp
} from "../../src/history/index.js"

const tempDir = Effect.acquireRelease(
  Effect.sync(() => fs.mkdtempSync(path.join(os.tmpdir(), "cpppo-history-"))),
  (dir) => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true }))
)
const T0 = Timestamp.fromMillis(Date.UTC(2014, 6, 16, 4, 3, 44, 186))
const lines = (file: string) => fs.readFileSync(file, "utf8").split("\n").filter((l) => l !== "")
const collect = <A, E>(s: Stream.Stream<A, E>) => Effect.map(Stream.runCollect(s), Chunk.toArray)

describe("HistoryWriter", () => {
  it.scoped("flushes every N ms (TestClock) and on scope close", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const file = path.join(dir, "sub", "h.hst")
      const scope = yield* Scope.make()
      const writer = yield* makeHistoryWriter({ path: file, flush: { everyMillis: 100 } }).pipe(Scope.extend(scope))
      yield* writer.append(["SCADA", [0, 3]], { write: [0, 1, 2, 3] }, T0)
      expect(fs.readFileSync(file, "utf8")).toBe("")
      yield* TestClock.adjust("100 millis")
      yield* Effect.yieldNow()
      expect(lines(file)).toEqual([`2014-07-16 04:03:44.186\t["SCADA", [0, 3]]\t{"write": [0, 1, 2, 3]}`])
      yield* writer.append("x", 1, T0.plus(1))
      yield* writer.comment("the end")
      yield* Scope.close(scope, Exit.void) // clean shutdown: the tail is written
      expect(lines(file)).toHaveLength(3)
      expect(lines(file)[2]).toBe("# the end")
    }))

  it.scoped("flush per record writes before append returns; time comes from the Clock", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const file = path.join(dir, "h.hst")
      yield* TestClock.setTime(Date.UTC(2020, 0, 2, 3, 4, 5, 678))
      const writer = yield* makeHistoryWriter({ path: file, flush: "record" })
      yield* writer.append("tag", { read: [1] })
      expect(lines(file)).toEqual([`2020-01-02 03:04:05.678\t"tag"\t{"read": [1]}`])
      expect((yield* writer.stats).records).toBe(1)
    }))

  it.scoped("rotates by size, gzips rotated files, keeps N, and reads back in time order", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const file = path.join(dir, "h.hst")
      const recordBytes = formatRecord({ time: T0, serial: ["T", [0, 0]], data: { write: [0] } }).length
      {
        const scope = yield* Scope.make()
        const writer = yield* makeHistoryWriter({ path: file, flush: { everyMillis: 1000 }, rotate: { maxBytes: recordBytes * 10, keep: 3 } })
          .pipe(Scope.extend(scope))
        for (let i = 0; i < 45; i++) yield* writer.append(["T", [0, 0]], { write: [i % 10] }, T0.plus(i))
        yield* Scope.close(scope, Exit.void)
        expect((yield* writer.stats).rotations).toBe(4)
      }
      const names = fs.readdirSync(dir).sort()
      expect(names).toEqual(["h.hst", "h.hst.1.gz", "h.hst.2.gz", "h.hst.3.gz"])
      expect(lines(file)).toHaveLength(5)
      expect(fs.statSync(file).size).toBeLessThanOrEqual(recordBytes * 10)
      const first = zlib.gunzipSync(fs.readFileSync(path.join(dir, "h.hst.1.gz"))).toString().split("\n").filter(Boolean)
      expect(first).toHaveLength(10)
      const files = yield* seriesFiles(file)
      expect(files).toHaveLength(4)
      const read = yield* collect(readHistory([...files].reverse()))
      // the oldest rotation was dropped (keep 3): records 10…44 remain, in order
      expect(read.map((r) => r.time.minus(T0))).toEqual(Array.from({ length: 35 }, (_, i) => i + 10))
      const seek = yield* collect(readHistory(files, { since: T0.plus(27), until: T0.plus(31.5) }))
      expect(seek.map((r) => r.time.minus(T0))).toEqual([27, 28, 29, 30, 31])
    }))

  it.scoped("the layer flushes on release", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const file = path.join(dir, "h.hst")
      yield* Effect.gen(function* () {
        const w = yield* HistoryWriter
        for (let i = 0; i < 3; i++) yield* w.append(i, i, T0.plus(i))
      }).pipe(Effect.provide(HistoryWriter.layer({ path: file, flush: { everyMillis: 60_000 } })))
      expect(lines(file)).toHaveLength(3)
    }))
})

describe("HistoryReader", () => {
  const good = (i: number) => formatRecord({ time: T0.plus(i), serial: "s", data: i })

  it.scoped("skips blanks and comments, counts and skips corrupt records", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const file = path.join(dir, "a.hst")
      fs.writeFileSync(file, `# header\n\n${good(0)}garbage line\n${good(1)}2014-07-16 04:03:50.000\t"s"\t{bad\n   \n${good(2)}`)
      const { records, corrupt } = yield* readHistoryCounted([file])
      const read = yield* collect(records)
      expect(read.map((r) => r.data)).toEqual([0, 1, 2])
      expect(yield* corrupt).toBe(2)
    }))

  it.scoped("since: files wholly before it are not read; the file it falls in is read from it on", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      // Three rotations: 0-9 (with a corrupt line after its first record), 10-19, 20-29.
      const [a, b, c] = ["h.hst.2", "h.hst.1", "h.hst"].map((f) => path.join(dir, f))
      const span = (lo: number, hi: number) => Array.from({ length: hi - lo }, (_, i) => good(lo + i)).join("")
      fs.writeFileSync(a!, good(0) + "garbage line\n" + span(1, 10))
      fs.writeFileSync(b!, span(10, 20))
      fs.writeFileSync(c!, span(20, 30))
      const seek = (since: number) => Effect.flatMap(readHistoryCounted([c!, a!, b!], { since: T0.plus(since) }), ({ records, corrupt }) =>
        Effect.map(Effect.zip(collect(records), corrupt), ([read, bad]) => ({ times: read.map((r) => r.time.minus(T0)), bad })))
      // since inside the second file: the first file (and its corrupt line) is never read, the
      // second's records before `since` are skipped, none after it is lost.
      expect(yield* seek(15.5)).toEqual({ times: Array.from({ length: 14 }, (_, i) => 16 + i), bad: 0 })
      // since on the second file's first record: it is included.
      expect(yield* seek(10)).toEqual({ times: Array.from({ length: 20 }, (_, i) => 10 + i), bad: 0 })
      // since inside the first file: it is read (corrupt line counted), from `since` on.
      expect(yield* seek(3)).toEqual({ times: Array.from({ length: 27 }, (_, i) => 3 + i), bad: 1 })
    }))

  it.scoped("a corrupt first record is an error", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const file = path.join(dir, "a.hst")
      fs.writeFileSync(file, `# header\nnot a record\n${good(0)}`)
      const failure = yield* Effect.flip(collect(readHistory([file])))
      expect(failure).toBeInstanceOf(HistoryFileError)
      expect(failure._tag === "HistoryFileError" && failure.line).toBe(2)
    }))

  it.scoped("reads plain and .gz files, ordered by time whatever the argument order", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const older = path.join(dir, "x.hst.1.gz")
      const newer = path.join(dir, "x.hst")
      fs.writeFileSync(older, zlib.gzipSync(good(0) + good(1)))
      fs.writeFileSync(newer, good(2) + good(3))
      const reader = yield* HistoryReader
      const read = yield* collect(reader.read([newer, older]))
      expect(read.map((r) => r.data)).toEqual([0, 1, 2, 3])
    }).pipe(Effect.provide(HistoryReader.Live)))

  it.scoped("a missing file or a broken .gz is a HistoryIoError", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const missing = yield* Effect.flip(collect(readHistory([path.join(dir, "nope")])))
      expect(missing._tag).toBe("HistoryIoError")
      const broken = path.join(dir, "b.gz")
      fs.writeFileSync(broken, zlib.gzipSync(good(0) + good(1)).subarray(0, 20))
      const e = yield* Effect.flip(collect(readHistory([broken])))
      expect(e._tag).toBe("HistoryIoError")
    }))

  it.scoped("streams a 300k-record file chunk by chunk and stops early at until", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const file = path.join(dir, "big.hst")
      const fd = fs.openSync(file, "w")
      const n = 300_000
      for (let i = 0; i < n; i += 10_000) {
        let s = ""
        for (let j = i; j < i + 10_000; j++) s += good(j)
        fs.writeSync(fd, s)
      }
      fs.closeSync(fd)
      let count = 0
      let last = 0
      yield* readHistory([file]).pipe(Stream.runForEach((r) => Effect.sync(() => {
        count++
        last = r.data as number
      })))
      expect(count).toBe(n)
      expect(last).toBe(n - 1)
      const head = yield* collect(readHistory([file], { until: T0.plus(4) }))
      expect(head).toHaveLength(5)
    }), 60_000)
})


describe("HistoryWriter crash", () => {
  it("a killed process loses only the unflushed tail, and leaves no partial line", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cpppo-history-crash-"))
    try {
      const file = path.join(dir, "c.hst")
      const child = path.resolve("test/history/fixtures/crashingWriter.ts")
      const r = spawnSync(process.execPath, ["--import", "tsx", child, file, "2000"], { encoding: "utf8", timeout: 30_000 })
      expect(r.signal).toBe("SIGKILL")
      const text = fs.readFileSync(file, "utf8")
      expect(text.endsWith("\n")).toBe(true)
      const got = text.split("\n").filter(Boolean)
      expect(got).toHaveLength(2000)
      expect(got[1999]).toBe(`2014-07-16 04:37:03.186\t["T", [0, 0]]\t{"write": [1999]}`)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }, 30_000)
})
