/**
 * History files damaged on disk: a truncated .gz rotation and records cut mid-line are reported,
 * and everything else is read.
 */
import { Chunk, Effect, Stream } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as zlib from "node:zlib"
import { describe, expect, it } from "vitest"
import { type CorruptRecord, readHistory, type TruncatedFile } from "../../src/history/reader.js"
import { formatRecord } from "../../src/history/record.js"
import { Timestamp } from "../../src/history/timestamp.js"

const T0 = Date.UTC(2014, 6, 16, 4, 3, 44, 186)
/** One record line (the writer's own format), `i` seconds after T0. */
const record = (i: number) => formatRecord({ time: Timestamp.fromMillis(T0 + i * 1000), serial: "s", data: { SCADA: [i, i + 1, i + 2] } })

const withDir = async <A>(f: (dir: string) => Promise<A>): Promise<A> => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cpppo-hardening-"))
  try { return await f(dir) } finally { fs.rmSync(dir, { recursive: true, force: true }) }
}

const read = (files: ReadonlyArray<string>) => {
  const corrupt: Array<CorruptRecord> = []
  const truncated: Array<TruncatedFile> = []
  return Effect.runPromise(
    Stream.runCollect(readHistory(files, { onCorrupt: (c) => corrupt.push(c), onTruncated: (t) => truncated.push(t) })).pipe(
      Effect.map((c) => ({ records: Chunk.toArray(c), corrupt, truncated })),
      Effect.either
    )
  )
}

describe("damaged history files", () => {
  it("a record cut mid-line (in the middle and at the end of a file) is reported; the other records are read", () =>
    withDir(async (dir) => {
      const file = path.join(dir, "h.hst")
      const cut = record(2).slice(0, -8)
      fs.writeFileSync(file, record(0) + record(1) + cut + "\n" + record(3) + record(4).slice(0, -6))
      const r = await read([file])
      expect(r._tag).toBe("Right")
      if (r._tag !== "Right") return
      expect(r.right.records.map((x) => x.time.micros / 1000 - T0)).toEqual([0, 1000, 3000])
      expect(r.right.corrupt.map((c) => c.line)).toEqual([3, 5])
    }))

  it("a truncated .gz rotation: the records before the cut are read, the cut is reported, the next file is read", () =>
    withDir(async (dir) => {
      const older = path.join(dir, "h.hst.1.gz")
      const newer = path.join(dir, "h.hst")
      const body = Array.from({ length: 2000 }, (_, i) => record(i)).join("")
      const gz = zlib.gzipSync(body)
      fs.writeFileSync(older, gz.subarray(0, Math.floor(gz.length * 0.6)))
      fs.writeFileSync(newer, record(5000) + record(5001))
      const r = await read([newer, older])
      expect(r._tag).toBe("Right")
      if (r._tag !== "Right") return
      const times = r.right.records.map((x) => Math.round(x.time.micros / 1000 - T0) / 1000)
      // Some records of the cut file (in order, from the first), then the newer file's two.
      const cutAt = times.indexOf(5000)
      expect(cutAt).toBeGreaterThan(100)
      expect(cutAt).toBeLessThan(2000)
      expect(times.slice(0, cutAt)).toEqual(Array.from({ length: cutAt }, (_, i) => i))
      expect(times.slice(cutAt)).toEqual([5000, 5001])
      expect(r.right.truncated).toHaveLength(1)
      expect(r.right.truncated[0]!.path).toBe(older)
      expect(r.right.truncated[0]!.reason).toMatch(/unexpected end of file/i)
    }))

  it("a .gz cut before its first record is still an error (not a history file)", () =>
    withDir(async (dir) => {
      const broken = path.join(dir, "b.hst.1.gz")
      fs.writeFileSync(broken, zlib.gzipSync(record(0) + record(1)).subarray(0, 20))
      const r = await read([broken])
      expect(r._tag).toBe("Left")
    }))
})
