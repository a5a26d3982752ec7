/**
 * HistoryWriter: appends records to a history file, with a flush policy and size-based rotation
 * (`file` → `file.1.gz` → `file.2.gz` …, rotated files gzipped). Records are buffered in memory and
 * written in one system call per flush; the scope's finalizer flushes, so a clean shutdown loses
 * nothing and a crash loses at most the records appended since the last flush.
 */
import { Context, Effect, Layer, Ref, type Scope } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { pipeline } from "node:stream/promises"
import * as zlib from "node:zlib"
import { HistoryIoError } from "./errors.js"
import { formatComment, formatRecord } from "./record.js"
import { Timestamp } from "./timestamp.js"

/** When buffered records reach the file. */
export type FlushPolicy = "record" | { readonly everyMillis: number }

/** Rotation by size. */
export interface RotationOptions {
  /** Rotate before a record would make the live file larger than this many bytes. */
  readonly maxBytes: number
  /** How many rotated files to keep (default 9); older ones are deleted. */
  readonly keep?: number
  /** Gzip rotated files (default true). */
  readonly gzip?: boolean
}

/** Options of {@link makeHistoryWriter}. */
export interface HistoryWriterOptions {
  readonly path: string
  /** Default: every 100 ms. */
  readonly flush?: FlushPolicy
  readonly rotate?: RotationOptions
}

/** Counters of a writer. */
export interface WriterStats {
  readonly records: number
  readonly bytes: number
  readonly flushes: number
  readonly rotations: number
}

/** The HistoryWriter service. */
export interface HistoryWriterService {
  readonly path: string
  /** Append a record; `time` defaults to the Clock's current time. */
  readonly append: (serial: unknown, data: unknown, time?: Timestamp) => Effect.Effect<void, HistoryIoError>
  /** Append a `# comment` line. */
  readonly comment: (text: string) => Effect.Effect<void, HistoryIoError>
  /** Write every buffered record now. */
  readonly flush: Effect.Effect<void, HistoryIoError>
  readonly stats: Effect.Effect<WriterStats>
}

/** Context tag of the history writer. */
export class HistoryWriter extends Context.Tag("cpppo/history/HistoryWriter")<HistoryWriter, HistoryWriterService>() {
  /** A scoped writer layer; closing the layer flushes and closes the file. */
  static readonly layer = (options: HistoryWriterOptions): Layer.Layer<HistoryWriter, HistoryIoError> =>
    Layer.scoped(HistoryWriter, makeHistoryWriter(options))
}

const ioError = (file: string, operation: string) => (cause: unknown) =>
  new HistoryIoError({ path: file, operation, reason: cause instanceof Error ? cause.message : String(cause) })

const exists = (p: string): boolean => fs.existsSync(p)

/** Shift `file.N[.gz]` up by one, dropping the ones beyond `keep`. */
const shiftRotated = (file: string, keep: number): void => {
  for (const ext of ["", ".gz"]) {
    const last = `${file}.${keep}${ext}`
    if (exists(last)) fs.unlinkSync(last)
  }
  for (let i = keep - 1; i >= 1; i--) {
    for (const ext of ["", ".gz"]) {
      const from = `${file}.${i}${ext}`
      if (exists(from)) fs.renameSync(from, `${file}.${i + 1}${ext}`)
    }
  }
}

const gzipFile = (from: string, to: string) =>
  Effect.tryPromise({
    try: async () => {
      await pipeline(fs.createReadStream(from), zlib.createGzip(), fs.createWriteStream(to))
      fs.unlinkSync(from)
    },
    catch: ioError(to, "gzip")
  })

/** Open a writer in the current scope. */
export const makeHistoryWriter = (
  options: HistoryWriterOptions
): Effect.Effect<HistoryWriterService, HistoryIoError, Scope.Scope> =>
  Effect.gen(function* () {
    const file = options.path
    const policy = options.flush ?? { everyMillis: 100 }
    const rotate = options.rotate
    const keep = Math.max(1, rotate?.keep ?? 9)
    const open = Effect.try({
      try: () => {
        fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true })
        const fd = fs.openSync(file, "a")
        return { fd, size: fs.fstatSync(fd).size }
      },
      catch: ioError(file, "open")
    })
    const state = yield* open
    let buffer: Array<string> = []
    const stats = yield* Ref.make<WriterStats>({ records: 0, bytes: 0, flushes: 0, rotations: 0 })
    const lock = yield* Effect.makeSemaphore(1)

    const writeText = (text: string) =>
      Effect.try({
        try: () => {
          if (text.length === 0) return
          const bytes = Buffer.from(text, "utf8")
          let off = 0
          while (off < bytes.length) off += fs.writeSync(state.fd, bytes, off)
          state.size += bytes.length
        },
        catch: ioError(file, "write")
      })

    const doRotate = Effect.gen(function* () {
      yield* Effect.try({
        try: () => {
          fs.closeSync(state.fd)
          shiftRotated(file, keep)
          fs.renameSync(file, `${file}.1`)
          state.fd = fs.openSync(file, "a")
          state.size = 0
        },
        catch: ioError(file, "rotate")
      })
      if (rotate?.gzip !== false) yield* gzipFile(`${file}.1`, `${file}.1.gz`)
      yield* Ref.update(stats, (s) => ({ ...s, rotations: s.rotations + 1 }))
    })

    const flushUnlocked = Effect.gen(function* () {
      if (buffer.length === 0) return
      const lines = buffer
      buffer = []
      let records = 0
      let bytes = 0
      if (rotate === undefined) {
        const text = lines.join("")
        yield* writeText(text).pipe(Effect.tapError(() => Effect.sync(() => { buffer = lines.concat(buffer) })))
        bytes = Buffer.byteLength(text)
      } else {
        // Cut the batch where the live file would pass maxBytes; never split a line.
        let batch = ""
        let batchBytes = 0
        for (let i = 0; i < lines.length; i++) {
          const line = lines[i]!
          const n = Buffer.byteLength(line)
          if (state.size + batchBytes + n > rotate.maxBytes && state.size + batchBytes > 0) {
            yield* writeText(batch)
            bytes += batchBytes
            batch = ""
            batchBytes = 0
            yield* doRotate
          }
          batch += line
          batchBytes += n
        }
        yield* writeText(batch)
        bytes += batchBytes
      }
      for (const l of lines) if (!l.startsWith("#")) records++
      yield* Ref.update(stats, (s) => ({ records: s.records + records, bytes: s.bytes + bytes, flushes: s.flushes + 1, rotations: s.rotations }))
    })
    const flush = lock.withPermits(1)(flushUnlocked)

    const push = (line: string) =>
      policy === "record" ? Effect.zipRight(Effect.sync(() => { buffer.push(line) }), flush) : Effect.sync(() => { buffer.push(line) })

    const append = (serial: unknown, data: unknown, time?: Timestamp) =>
      time !== undefined
        ? push(formatRecord({ time, serial, data }))
        : Effect.flatMap(Timestamp.now, (now) => push(formatRecord({ time: now, serial, data })))

    if (policy !== "record") {
      const every = Math.max(1, policy.everyMillis)
      yield* Effect.forkScoped(
        Effect.sleep(every).pipe(
          Effect.zipRight(flush.pipe(Effect.catchAll((e) => Effect.logError("history flush failed", e.message)))),
          Effect.forever
        )
      )
    }
    // Finalizers run in reverse: this final flush runs before the flusher fiber is interrupted;
    // the lock serializes it with a periodic flush in progress, which then finds nothing left.
    yield* Effect.addFinalizer(() =>
      flush.pipe(
        Effect.catchAll((e) => Effect.logError("history final flush failed", e.message)),
        Effect.zipRight(lock.withPermits(1)(Effect.sync(() => {
          try {
            fs.closeSync(state.fd)
          } catch {
            // already closed by a failed rotation; nothing left to release
          }
        })))
      )
    )

    return {
      path: file,
      append,
      comment: (text: string) => push(formatComment(text)),
      flush,
      stats: Ref.get(stats)
    } satisfies HistoryWriterService
  })
