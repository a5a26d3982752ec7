/**
 * HistoryReader: the records of a series of history files (plain or `.gz`) as an Effect Stream,
 * in time order across files, in constant memory (one file open at a time, read in 256 KiB
 * chunks). Blank and comment lines are skipped; a corrupt record is skipped and reported; a file
 * whose first record is corrupt is not a history file and fails the stream.
 */
import { Chunk, Context, Effect, identity, Layer, Option, Stream } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { pipeline } from "node:stream"
import { StringDecoder } from "node:string_decoder"
import * as zlib from "node:zlib"
import { HistoryFileError, HistoryIoError } from "./errors.js"
import { type HistoryRecord, type LineProblem, parseRecordLine } from "./record.js"
import type { Timestamp } from "./timestamp.js"

/** A line that looked like a record but was not one. */
export interface CorruptRecord {
  readonly path: string
  readonly line: number
  readonly problem: LineProblem
  /** The line, cut to 200 characters. */
  readonly text: string
}

/** Options of a read. */
export interface ReadOptions {
  /** Seek: start with the first record at or after this time. */
  readonly since?: Timestamp | undefined
  /** Stop after the last record at or before this time. */
  readonly until?: Timestamp | undefined
  /** Called for each corrupt record skipped. */
  readonly onCorrupt?: ((corrupt: CorruptRecord) => void) | undefined
  /** Called when a `.gz` file ends early (after its records up to the cut were read). */
  readonly onTruncated?: ((truncated: TruncatedFile) => void) | undefined
}

/** A compressed file cut short (e.g. a rotation interrupted while compressing). */
export interface TruncatedFile {
  readonly path: string
  /** Lines read before the cut (the cut line itself is reported as a corrupt record). */
  readonly line: number
  readonly reason: string
}

/** Errors of reading. */
export type ReadError = HistoryIoError | HistoryFileError

const ioError = (file: string, operation: string) => (cause: unknown) =>
  new HistoryIoError({ path: file, operation, reason: cause instanceof Error ? cause.message : String(cause) })

/**
 * The lines of a file in batches. A read error is thrown, unless `salvage` accepts it (a `.gz`
 * cut short after records were read): then the partial last line is handed back and the file ends.
 */
async function* lineBatches(file: string, salvage: (cause: unknown) => boolean = () => false): AsyncGenerator<ReadonlyArray<string>> {
  const source = fs.createReadStream(file, { highWaterMark: 1 << 18 })
  const input: NodeJS.ReadableStream = file.endsWith(".gz")
    ? pipeline(source, zlib.createGunzip(), () => {}) // errors surface through iteration
    : source
  const decoder = new StringDecoder("utf8")
  let carry = ""
  try {
    try {
      for await (const chunk of input) {
        const text = carry + decoder.write(chunk as Buffer)
        const lines = text.split("\n")
        carry = lines.pop() ?? ""
        yield lines
      }
    } catch (cause) {
      if (!salvage(cause)) throw cause
    }
    const tail = carry + decoder.end()
    if (tail !== "") yield [tail]
  } finally {
    source.destroy()
  }
}

/** The records of one file, in file order. */
export const readFile = (file: string, options: ReadOptions = {}): Stream.Stream<HistoryRecord, ReadError> =>
  Stream.suspend(() => {
    let lineNo = 0
    let seenRecord = false
    const since = options.since?.micros ?? -Infinity
    const until = options.until?.micros ?? Infinity
    let done = false
    // A truncated .gz after its first record: report it, keep what was read (a bad first
    // record, or none at all, still fails: that is not a history file).
    const salvage = (cause: unknown): boolean => {
      if (!file.endsWith(".gz") || !seenRecord) return false
      options.onTruncated?.({ path: file, line: lineNo, reason: cause instanceof Error ? cause.message : String(cause) })
      return true
    }
    const batches = Stream.fromAsyncIterable(lineBatches(file, salvage), ioError(file, "read"))
    // Work per batch of lines (256 KiB), not per record: the stream carries whole chunks.
    return batches.pipe(
      Stream.mapEffect((lines) => {
        const out: Array<HistoryRecord> = []
        for (const line of lines) {
          lineNo++
          const parsed = parseRecordLine(line)
          if (parsed === undefined) continue
          if (typeof parsed === "string") {
            if (!seenRecord) {
              return Effect.fail(new HistoryFileError({ path: file, line: lineNo, reason: `corrupt first record (${parsed})` }))
            }
            options.onCorrupt?.({ path: file, line: lineNo, problem: parsed, text: line.slice(0, 200) })
            continue
          }
          seenRecord = true
          const t = parsed.time.micros
          if (t > until) {
            done = true
            break
          }
          if (t >= since) out.push(parsed)
        }
        return Effect.succeed(Chunk.unsafeFromArray(out))
      }),
      Stream.takeUntil(() => done),
      Stream.mapConcatChunk(identity)
    )
  })

/** The first record of a file, if it has any. */
export const firstRecord = (file: string): Effect.Effect<Option.Option<HistoryRecord>, ReadError> =>
  Stream.runHead(readFile(file))

/**
 * The files of a series: `base` and its rotations `base.N` / `base.N.gz`, whichever exist.
 * When both `base.N` and `base.N.gz` exist (a rotation interrupted while compressing), the
 * plain file is the complete one. A base ending in `.gz` (a live file written gzipped) names the
 * series of its stem: `plant.hst.gz` finds `plant.hst.gz`, `plant.hst.1.gz`, ….
 */
export const seriesFiles = (base: string): Effect.Effect<ReadonlyArray<string>, HistoryIoError> =>
  Effect.try({
    try: () => {
      const dir = path.dirname(base)
      const name = path.basename(base).replace(/\.gz$/, "")
      const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
      const pattern = new RegExp(`^${escaped}(?:\\.(\\d+))?(\\.gz)?$`)
      const found = new Map<string, string>()
      for (const entry of fs.readdirSync(dir)) {
        const m = pattern.exec(entry)
        if (m === null) continue
        const key = m[1] ?? "" // rotation number; "" for the live file
        const prior = found.get(key)
        if (prior === undefined || (prior.endsWith(".gz") && m[2] === undefined)) found.set(key, entry)
      }
      if (found.size === 0) throw new Error("no such file")
      return [...found.values()].map((f) => path.join(dir, f))
    },
    catch: (cause) =>
      (cause as { code?: unknown }).code === "ENOENT" ? new HistoryIoError({ path: base, operation: "open", reason: "no such file" }) : ioError(base, "open")(cause)
  })

/**
 * The records of several files, in time order: files are ordered by their first record, and
 * with `since` the files entirely before it are not read.
 */
export const readHistory = (
  files: ReadonlyArray<string>,
  options: ReadOptions = {}
): Stream.Stream<HistoryRecord, ReadError> =>
  Stream.unwrap(
    Effect.gen(function* () {
      const firsts: Array<{ file: string; time: number; index: number }> = []
      for (const [index, file] of [...new Set(files)].entries()) {
        const first = yield* firstRecord(file)
        if (Option.isSome(first)) firsts.push({ file, time: first.value.time.micros, index })
      }
      firsts.sort((a, b) => a.time - b.time || a.index - b.index)
      let start = 0
      if (options.since !== undefined) {
        const since = options.since.micros
        for (let i = 0; i < firsts.length; i++) if (firsts[i]!.time <= since) start = i
      }
      const until = options.until?.micros ?? Infinity
      const chosen = firsts.slice(start).filter((f) => f.time <= until)
      return Stream.fromIterable(chosen).pipe(Stream.flatMap((f) => readFile(f.file, options)))
    })
  )

/** {@link readHistory}, also counting the corrupt records skipped (read the count after the stream ends). */
export const readHistoryCounted = (
  files: ReadonlyArray<string>,
  options: ReadOptions = {}
): Effect.Effect<{ readonly records: Stream.Stream<HistoryRecord, ReadError>; readonly corrupt: Effect.Effect<number> }> =>
  Effect.sync(() => {
    let count = 0
    const onCorrupt = (c: CorruptRecord) => {
      count++
      options.onCorrupt?.(c)
    }
    return { records: readHistory(files, { ...options, onCorrupt }), corrupt: Effect.sync(() => count) }
  })

/** The HistoryReader service: the functions above, from context. */
export interface HistoryReaderService {
  readonly read: typeof readHistory
  readonly readCounted: typeof readHistoryCounted
  readonly readFile: typeof readFile
  readonly firstRecord: typeof firstRecord
  readonly seriesFiles: typeof seriesFiles
}

/** Context tag of the history reader. */
export class HistoryReader extends Context.Tag("cpppo/history/HistoryReader")<HistoryReader, HistoryReaderService>() {
  static readonly Live: Layer.Layer<HistoryReader> = Layer.succeed(HistoryReader, {
    read: readHistory,
    readCounted: readHistoryCounted,
    readFile,
    firstRecord,
    seriesFiles
  })
}
