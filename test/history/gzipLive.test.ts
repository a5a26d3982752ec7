import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Exit, Scope, Stream } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as zlib from "node:zlib"
import { makeHistoryWriter, readHistory, seriesFiles, Timestamp } from "../../src/history/index.js"

const tempDir = Effect.acquireRelease(
  Effect.sync(() => fs.mkdtempSync(path.join(os.tmpdir(), "cpppo-gzlive-"))),
  (dir) => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true }))
)
const T0 = Timestamp.fromMillis(Date.UTC(2024, 0, 1))

describe("HistoryWriter to a .gz path", () => {
  it.scoped("writes one gzip member per flush: readable after every flush, rotated as plant.hst.N.gz, read back whole", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const file = path.join(dir, "plant.hst.gz")
      const scope = yield* Scope.make()
      const writer = yield* makeHistoryWriter({ path: file, flush: "record", rotate: { maxBytes: 600, keep: 20 } }).pipe(Scope.extend(scope))
      for (let i = 0; i < 60; i++) yield* writer.append(["Level", [0, 0]], { read: [i], type: "DINT" }, T0.plus(i))
      // The live file is a valid gzip stream at any time (members concatenated).
      const text = zlib.gunzipSync(fs.readFileSync(file)).toString()
      expect(text.split("\n").filter((l) => l !== "").length).toBeGreaterThan(0)
      yield* Scope.close(scope, Exit.void)
      const names = fs.readdirSync(dir).sort()
      expect(names).toContain("plant.hst.gz")
      expect(names).toContain("plant.hst.1.gz")
      expect(names.every((n) => /^plant\.hst(\.\d+)?\.gz$/.test(n))).toBe(true)
      const files = yield* seriesFiles(file)
      expect(files.length).toBe(names.length)
      const records = Chunk.toArray(yield* Stream.runCollect(readHistory(files)))
      expect(records.map((r) => (r.data as { read: Array<number> }).read[0])).toEqual(Array.from({ length: 60 }, (_, i) => i))
      expect(records[59]!.time.equals(T0.plus(59))).toBe(true)
    }))

  it.scoped("a member cut short by a crash loses only that member", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const file = path.join(dir, "cut.hst.gz")
      const writer = yield* makeHistoryWriter({ path: file, flush: "record" })
      yield* writer.append("a", { read: [1] }, T0)
      yield* writer.append("a", { read: [2] }, T0.plus(1))
      const whole = fs.statSync(file).size
      fs.appendFileSync(file, zlib.gzipSync(Buffer.from("2024-01-01 00:00:02.000\t\"a\"\t{\"read\": [3]}\n")).subarray(0, 15))
      let truncated = 0
      const records = Chunk.toArray(yield* Stream.runCollect(readHistory([file], { onTruncated: () => { truncated++ } })))
      expect(records.map((r) => (r.data as { read: Array<number> }).read[0])).toEqual([1, 2])
      expect(truncated).toBe(1)
      expect(whole).toBeGreaterThan(0)
    }))
})
