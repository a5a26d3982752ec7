/**
 * HistoryWriter: appends records to a history file, with a flush policy and size-based rotation
 * (`file` → `file.1.gz` → `file.2.gz` …, rotated files gzipped). Records are buffered in memory and
 * written in one system call per flush; the scope's finalizer flushes, so a clean shutdown loses
 * nothing and a crash loses at most the records appended since the last flush.
 *
 * A path ending in `.gz` (`plant.hst.gz`) is written compressed: each flush appends one gzip
 * member (a file of several members is one gzip stream to every reader), and rotation renames
 * it to `plant.hst.1.gz` as it is — the series of `plant.hst`, which readers find from either name.
 */
import { Context, Effect, Layer, type Scope } from "effect"
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
  /** The live file; ending in `.gz`, it is written gzipped. */
  readonly path: string
  /** Default: every 100 ms. */
  readonly flush?: FlushPolicy
  readonly rotate?: RotationOptions
  /**
   * Also flush as soon as this many characters are buffered (default 1 MiB), which bounds memory
   * when records arrive faster than the timer can run (a busy fiber may starve timers).
   */
  readonly maxBufferChars?: number
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
    const threshold = Math.max(1, options.maxBufferChars ?? 1 << 20)
    const gzipped = file.endsWith(".gz")
    /** The name rotations are numbered from: `plant.hst` for `plant.hst` and for `plant.hst.gz`. */
    const stem = gzipped ? file.slice(0, -3) : file
    const state = yield* Effect.try({
      try: () => {
        fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true })
        const fd = fs.openSync(file, "a")
        return { fd, size: fs.fstatSync(fd).size, closed: false }
      },
      catch: ioError(file, "open")
    })
    // Lines are encoded straight into one byte buffer: no per-line strings kept alive, one
    // write per flush.
    let buf = Buffer.allocUnsafe(threshold + 4096)
    let used = 0
    let pendingRecords = 0
    const stats = { records: 0, bytes: 0, flushes: 0, rotations: 0 }
    const rotationLock = yield* Effect.makeSemaphore(1)

    /** Encode a line after `used` (not yet counted); returns its length in bytes. */
    const encode = (line: string): number => {
      const worst = line.length * 3
      if (buf.length - used < worst) {
        const bigger = Buffer.allocUnsafe(Math.max(buf.length * 2, used + worst))
        buf.copy(bigger, 0, 0, used)
        buf = bigger
      }
      return buf.write(line, used)
    }

    /** Write the buffered bytes (synchronous, so it never interleaves with other appends). */
    const writeOutSync = (): void => {
      if (used === 0) return
      const n = used
      const records = pendingRecords
      used = 0
      pendingRecords = 0 // on failure the batch is dropped: memory stays bounded
      const out = gzipped ? zlib.gzipSync(buf.subarray(0, n)) : buf.subarray(0, n)
      let off = 0
      while (off < out.length) off += fs.writeSync(state.fd, out, off, out.length - off)
      state.size += out.length
      stats.bytes += out.length
      stats.records += records
      stats.flushes++
    }
    const flush = Effect.try({ try: writeOutSync, catch: ioError(file, "write") })

    const rotateNow = rotationLock.withPermits(1)(Effect.gen(function* () {
      yield* Effect.try({
        try: () => {
          writeOutSync()
          fs.closeSync(state.fd)
          try {
            shiftRotated(stem, keep)
            fs.renameSync(file, gzipped ? `${stem}.1.gz` : `${file}.1`)
            stats.rotations++
          } finally {
            // Whatever happened, keep a live file open: on a failed rename we go on appending.
            state.fd = fs.openSync(file, "a")
            state.size = fs.fstatSync(state.fd).size
          }
        },
        catch: ioError(file, "rotate")
      })
      if (!gzipped && rotate?.gzip !== false && exists(`${file}.1`)) yield* gzipFile(`${file}.1`, `${file}.1.gz`)
    }))

    const push = (line: string, isRecord: boolean): Effect.Effect<void, HistoryIoError> =>
      Effect.suspend(() => {
        const n = encode(line)
        if (rotate !== undefined && state.size + used + n > rotate.maxBytes && state.size + used > 0) {
          // Rotate first, so no file passes maxBytes (unless one line alone does).
          return Effect.zipRight(rotateNow, push(line, isRecord))
        }
        used += n
        if (isRecord) pendingRecords++
        return policy === "record" || used >= threshold ? flush : Effect.void
      })

    const append = (serial: unknown, data: unknown, time?: Timestamp) =>
      time !== undefined
        ? push(formatRecord({ time, serial, data }), true)
        : Effect.flatMap(Timestamp.now, (now) => push(formatRecord({ time: now, serial, data }), true))

    if (policy !== "record") {
      const every = Math.max(1, policy.everyMillis)
      yield* Effect.forkScoped(
        Effect.sleep(every).pipe(
          Effect.zipRight(flush.pipe(Effect.catchAll((e) => Effect.logError("history flush failed", e.message)))),
          Effect.forever
        )
      )
    }
    // Finalizers run in reverse order: this runs before the flusher fiber is interrupted. It waits
    // for a rotation in progress, writes the tail and closes the file.
    yield* Effect.addFinalizer(() =>
      rotationLock.withPermits(1)(flush).pipe(
        Effect.catchAll((e) => Effect.logError("history final flush failed", e.message)),
        Effect.zipRight(Effect.sync(() => {
          try {
            fs.closeSync(state.fd)
          } catch {
            // already closed by a failed rotation; nothing left to release
          }
        }))
      )
    )

    return {
      path: file,
      append,
      comment: (text: string) => push(formatComment(text), false),
      flush,
      stats: Effect.sync(() => ({ ...stats }))
    } satisfies HistoryWriterService
  })
