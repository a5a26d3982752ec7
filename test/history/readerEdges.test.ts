/**
 * The history reader's edges (README, "Writing and reading history"): which files make a series
 * (rotations plain or gzipped, the plain one kept when both exist, names with pattern characters),
 * how files are ordered and chosen for `since`/`until` (ties, repeated and empty files), what a
 * corrupt or cut line reports, and a UTF-8 character split across two 256 KiB reads.
 */
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Option, Stream } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as zlib from "node:zlib"
import { type CorruptRecord, firstRecord, readFile, readHistory, seriesFiles, type TruncatedFile } from "../../src/history/reader.js"
import { formatRecord } from "../../src/history/record.js"
import { Timestamp } from "../../src/history/timestamp.js"

const tempDir = Effect.acquireRelease(
  Effect.sync(() => fs.mkdtempSync(path.join(os.tmpdir(), "cpppo-reader-edges-"))),
  (dir) => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true }))
)
const T0 = Timestamp.fromMillis(Date.UTC(2014, 6, 16, 4, 3, 44, 186))
const good = (i: number, serial: unknown = "s") => formatRecord({ time: T0.plus(i), serial, data: i })
const span = (lo: number, hi: number) => Array.from({ length: hi - lo }, (_, i) => good(lo + i)).join("")
const collect = <A, E>(s: Stream.Stream<A, E>) => Effect.map(Stream.runCollect(s), Chunk.toArray)
const datas = <E>(s: Stream.Stream<{ readonly data: unknown }, E>) => Effect.map(collect(s), (rs) => rs.map((r) => r.data))

describe("seriesFiles", () => {
  it.scoped("the live file and its rotations, plain or .gz, the plain one when both exist; nothing else", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      for (const n of ["h.hst", "h.hst.1", "h.hst.1.gz", "h.hst.2.gz", "h.hst.10", "h.hst.bak", "h.hstx", "xh.hst", "h.hst.gz.1"]) {
        fs.writeFileSync(path.join(dir, n), "")
      }
      const files = (yield* seriesFiles(path.join(dir, "h.hst"))).map((f) => path.basename(f)).sort()
      expect(files).toEqual(["h.hst", "h.hst.1", "h.hst.10", "h.hst.2.gz"])
      // The same series from the name of a gzipped live file (plant.hst.gz) or a rotation order
      // where the .gz is seen after the plain file.
      fs.writeFileSync(path.join(dir, "h.hst.gz"), "")
      const fromGz = (yield* seriesFiles(path.join(dir, "h.hst.gz"))).map((f) => path.basename(f)).sort()
      expect(fromGz).toEqual(["h.hst", "h.hst.1", "h.hst.10", "h.hst.2.gz"])
    }))

  it.scoped("only a final .gz names the stem: h.gz.hst is its own series", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      fs.writeFileSync(path.join(dir, "h.gz.hst"), "")
      fs.writeFileSync(path.join(dir, "h.hst"), "")
      expect((yield* seriesFiles(path.join(dir, "h.gz.hst"))).map((f) => path.basename(f))).toEqual(["h.gz.hst"])
    }))

  it.scoped("a name's pattern characters are literal: a+b.hst is not aab.hst", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      fs.writeFileSync(path.join(dir, "aab.hst"), "")
      fs.writeFileSync(path.join(dir, "a+b.hst.1"), "")
      expect((yield* seriesFiles(path.join(dir, "a+b.hst"))).map((f) => path.basename(f))).toEqual(["a+b.hst.1"])
      const none = yield* Effect.flip(seriesFiles(path.join(dir, "a.b.hst")))
      expect(none).toMatchObject({ _tag: "HistoryIoError", operation: "open", reason: "no such file" })
      const noDir = yield* Effect.flip(seriesFiles(path.join(dir, "missing", "h.hst")))
      expect(noDir).toMatchObject({ _tag: "HistoryIoError", operation: "open", reason: "no such file", path: path.join(dir, "missing", "h.hst") })
      // Not a directory: another I/O error, with its own reason.
      const notDir = yield* Effect.flip(seriesFiles(path.join(dir, "aab.hst", "h.hst")))
      expect(notDir._tag).toBe("HistoryIoError")
      expect(notDir.reason).toMatch(/ENOTDIR/)
    }))
})

describe("readHistory: order and choice of files", () => {
  it.scoped("a file named twice is read once; empty files are skipped; equal first times keep the argument order", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const [a, b, empty] = ["a.hst", "b.hst", "e.hst"].map((n) => path.join(dir, n))
      fs.writeFileSync(a!, good(0) + good(1))
      fs.writeFileSync(b!, formatRecord({ time: T0, serial: "s", data: "b0" }))
      fs.writeFileSync(empty!, "# only a comment\n\n")
      expect(yield* datas(readHistory([a!, empty!, a!, b!]))).toEqual([0, 1, "b0"])
      expect(yield* datas(readHistory([b!, a!]))).toEqual(["b0", 0, 1])
      expect(Option.isNone(yield* firstRecord(empty!))).toBe(true)
      expect(yield* datas(readHistory([empty!]))).toEqual([])
    }))

  it.scoped("since before every file reads them all; since on a file's first record starts there; until drops later files unread", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const [a, b, c] = ["h.hst.2", "h.hst.1", "h.hst"].map((n) => path.join(dir, n))
      fs.writeFileSync(a!, span(0, 5))
      fs.writeFileSync(b!, span(5, 10))
      // The last file is corrupt after its first record: it is reported only when it is read.
      fs.writeFileSync(c!, good(10) + "garbage\n" + span(11, 13))
      const read = (options: { since?: number; until?: number }) => {
        const bad: Array<CorruptRecord> = []
        return Effect.map(
          datas(readHistory([c!, b!, a!], {
            since: options.since === undefined ? undefined : T0.plus(options.since),
            until: options.until === undefined ? undefined : T0.plus(options.until),
            onCorrupt: (x) => { bad.push(x) }
          })),
          (values) => ({ values, bad: bad.map((x) => [path.basename(x.path), x.line, x.problem, x.text]) })
        )
      }
      expect(yield* read({ since: -100 })).toEqual({ values: Array.from({ length: 13 }, (_, i) => i), bad: [["h.hst", 2, "fields", "garbage"]] })
      expect(yield* read({ since: 5 })).toEqual({ values: [5, 6, 7, 8, 9, 10, 11, 12], bad: [["h.hst", 2, "fields", "garbage"]] })
      expect(yield* read({ since: 4.5 })).toEqual({ values: [5, 6, 7, 8, 9, 10, 11, 12], bad: [["h.hst", 2, "fields", "garbage"]] })
      // until before the last file's first record: that file is never opened.
      expect(yield* read({ since: 6, until: 9.5 })).toEqual({ values: [6, 7, 8, 9], bad: [] })
      expect(yield* read({ until: 10 })).toEqual({ values: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], bad: [["h.hst", 2, "fields", "garbage"]] })
      expect(yield* read({ until: -1 })).toEqual({ values: [], bad: [] })
    }))
})

describe("readFile: corrupt, cut and split lines", () => {
  it.scoped("a corrupt record reports its file, line, problem and at most 200 characters; the first record's problem is named", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const file = path.join(dir, "c.hst")
      const long = `2014-07-16 04:03:44.186\t"s"\t{${"x".repeat(300)}`
      fs.writeFileSync(file, `# header\n${good(0)}\n${long}\n${good(1)}`)
      const bad: Array<CorruptRecord> = []
      expect(yield* datas(readFile(file, { onCorrupt: (c) => { bad.push(c) } }))).toEqual([0, 1])
      expect(bad).toEqual([{ path: file, line: 4, problem: "data", text: long.slice(0, 200) }])
      // Without a listener the corrupt line is skipped all the same.
      expect(yield* datas(readFile(file))).toEqual([0, 1])
      const first = path.join(dir, "f.hst")
      fs.writeFileSync(first, `\n2014-07-16 04:03:44.186\tnot json\t1\n${good(1)}`)
      const e = yield* Effect.flip(collect(readFile(first)))
      expect(e).toMatchObject({ _tag: "HistoryFileError", path: first, line: 2, reason: "corrupt first record (serial)" })
    }))

  it.scoped("a .gz cut after its first records keeps them and reports the cut; cut before any record it fails", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const file = path.join(dir, "t.hst.gz")
      const whole = zlib.gzipSync(Buffer.from(span(0, 2000)), { level: 0 })
      fs.writeFileSync(file, whole.subarray(0, Math.floor(whole.length / 2)))
      const cuts: Array<TruncatedFile> = []
      const values = yield* datas(readFile(file, { onTruncated: (t) => { cuts.push(t) }, onCorrupt: () => {} }))
      expect(values.length).toBeGreaterThan(100)
      expect(values.length).toBeLessThan(2000)
      expect(values).toEqual(Array.from({ length: values.length }, (_, i) => i))
      expect(cuts).toHaveLength(1)
      expect(cuts[0]!.path).toBe(file)
      expect(cuts[0]!.line).toBe(values.length)
      expect(cuts[0]!.reason).toMatch(/end of file/)
      // Without a listener: the same records, no failure.
      expect(yield* datas(readFile(file, { onCorrupt: () => {} }))).toEqual(values)
      const early = path.join(dir, "e.hst.gz")
      fs.writeFileSync(early, whole.subarray(0, 12))
      expect((yield* Effect.flip(collect(readFile(early, { onTruncated: () => { cuts.push({ path: "", line: 0, reason: "" }) } }))))._tag).toBe("HistoryIoError")
      expect(cuts).toHaveLength(1)
      // A plain file is never salvaged: a read error is an error (here: a directory).
      const e = yield* Effect.flip(collect(readFile(dir)))
      expect(e).toMatchObject({ _tag: "HistoryIoError", operation: "read" })
    }))

  it.scoped("until stops the read at the first later record, even if an earlier time comes back in a later chunk", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const file = path.join(dir, "b.hst")
      // Times 0…4, 300 KB of comments (a later 256 KiB chunk), then time 1 again (a clock set back).
      fs.writeFileSync(file, span(0, 5) + "# pad\n".repeat(50_000) + good(1))
      expect(yield* datas(readFile(file, { until: T0.plus(2) }))).toEqual([0, 1, 2])
      expect(yield* datas(readFile(file))).toEqual([0, 1, 2, 3, 4, 1])
    }))

  it.scoped("a character split across two 256 KiB reads, and a last line without a newline", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const file = path.join(dir, "u.hst")
      const filler = good(0)
      const count = Math.floor((1 << 18) / filler.length) - 2
      let text = filler.repeat(count)
      // The next record's serial holds "é" (2 bytes) whose first byte is the last of the first read.
      const prefix = formatRecord({ time: T0.plus(1), serial: "", data: 1 }).indexOf('""') + 1
      const pad = (1 << 18) - Buffer.byteLength(text) - prefix - 1
      const serial = "a".repeat(pad) + "é"
      const last = formatRecord({ time: T0.plus(1), serial, data: 1 })
      expect(Buffer.byteLength(text) + prefix + pad).toBe((1 << 18) - 1)
      text += last + formatRecord({ time: T0.plus(2), serial: "end", data: 2 }).slice(0, -1)
      fs.writeFileSync(file, text)
      const records = yield* collect(readFile(file))
      expect(records).toHaveLength(count + 2)
      expect(records[count]!.serial).toBe(serial)
      expect(records[count + 1]).toMatchObject({ serial: "end", data: 2 })
    }))
})
