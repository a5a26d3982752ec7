/**
 * The history reader reads a file in 256 KiB chunks (README, "Writing and reading history"): the records of a
 * plain file come out one chunk per 256 KiB read, so a file of 64-byte lines gives chunks of
 * exactly 4,096 records.
 */
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Stream } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { readFile, readHistory } from "../../src/history/reader.js"

/** 16,384 records of exactly 64 bytes each (1 MiB): `TIME\t["T", [0, 0]]\t{"write": [12 digits]}\n`. */
const writeSeries = (file: string, count: number) => {
  const base = Date.UTC(2014, 10, 2, 5, 30)
  const lines: Array<string> = []
  for (let i = 0; i < count; i++) {
    const time = new Date(base + i * 1000).toISOString().replace("T", " ").replace("Z", "")
    lines.push(`${time}\t["T", [0, 0]]\t{"write": [${100_000_000_000 + i}]}\n`)
  }
  expect(lines.every((l) => l.length === 64)).toBe(true)
  fs.writeFileSync(file, lines.join(""))
}

describe("history reader chunks", () => {
  it.effect("a plain file is read 256 KiB at a time: 64-byte records come 4,096 to a chunk", () =>
    Effect.gen(function* () {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cpppo-chunks-"))
      const file = path.join(dir, "t.hst")
      writeSeries(file, 16_384)
      const sizes = (s: Stream.Stream<unknown, unknown>) =>
        Effect.map(Stream.runCollect(Stream.mapChunks(s, (c) => Chunk.of(c.length))), Chunk.toReadonlyArray)
      expect(yield* sizes(readFile(file))).toEqual([4096, 4096, 4096, 4096])
      expect(yield* sizes(readHistory([file]))).toEqual([4096, 4096, 4096, 4096])
      // Every record, in order.
      const values = Chunk.toReadonlyArray(yield* Stream.runCollect(readFile(file))).map((r) => (r.data as { write: Array<number> }).write[0])
      expect(values).toEqual(Array.from({ length: 16_384 }, (_, i) => 100_000_000_000 + i))
      fs.rmSync(dir, { recursive: true, force: true })
    }))
})
