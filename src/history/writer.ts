/**
 * HistoryWriter: appends records to a history file, with a flush policy and size-based rotation
 * (`file` → `file.1.gz` → `file.2.gz` …, rotated files gzipped). Records are buffered in memory and
 * written in one system call per flush; the scope's finalizer flushes, so a clean shutdown loses
 * nothing and a crash loses at most the records appended since the last flush.
 *
 * The file only ever holds whole records. A write that fails part way (a full disk) is cut back to
 * the last whole record, the records stay buffered and are written when space returns (retried on
 * every flush); past `maxRetainedBytes` of them, new records are counted as dropped and logged,
 * never lost silently. A file that ends in a partial line (a crash mid-write) is cut back to its
 * last whole record when opened.
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
  readonly path: string
  /** Default: every 100 ms. */
  readonly flush?: FlushPolicy
  readonly rotate?: RotationOptions
  /**
   * Also flush as soon as this many characters are buffered (default 1 MiB), which bounds memory
   * when records arrive faster than the timer can run (a busy fiber may starve timers).
   */
  readonly maxBufferChars?: number
  /**
   * Bytes of records kept in memory while the file cannot be written (a full disk), to be written
   * when it can (default 16 MiB); records beyond are dropped and counted (`WriterStats.dropped`).
   */
  readonly maxRetainedBytes?: number
  /** The file operations used (tests inject failures); default node's `fs`. */
  readonly io?: WriterIo
}

/** The file operations a writer uses. */
export interface WriterIo {
  readonly writeSync: (fd: number, buffer: Uint8Array, offset: number, length: number) => number
}

/** Counters of a writer. */
export interface WriterStats {
  /** Records written to the file. */
  readonly records: number
  readonly bytes: number
  readonly flushes: number
  readonly rotations: number
  /** Records buffered, not yet written. */
  readonly pending: number
  /** Records dropped because the file could not be written and the retention bound was reached. */
  readonly dropped: number
  /** Why the file cannot be written now (undefined when it can). */
  readonly failing: string | undefined
}

/** One record to append. */
export interface RecordInput {
  readonly serial: unknown
  readonly data: unknown
  /** Default: the Clock's current time. */
  readonly time?: Timestamp
}

/** The HistoryWriter service. */
export interface HistoryWriterService {
  readonly path: string
  /** Append a record; `time` defaults to the Clock's current time. */
  readonly append: (serial: unknown, data: unknown, time?: Timestamp) => Effect.Effect<void, HistoryIoError>
  /** Append many records at once (one Effect for the batch: what a busy recorder uses). */
  readonly appendAll: (records: Iterable<RecordInput>) => Effect.Effect<void, HistoryIoError>
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

/**
 * Open `file` for appending, first cutting off a partial last line (a crash or a failed write left
 * it), so the next record starts on a line of its own. Returns the descriptor and the size.
 */
const openWhole = (file: string): { readonly fd: number; readonly size: number; readonly cut: number } => {
  const fd = fs.openSync(file, "a+")
  try {
    const size = fs.fstatSync(fd).size
    if (size === 0) return { fd, size, cut: 0 }
    // Look back for the last newline, a block at a time.
    const block = Buffer.allocUnsafe(64 * 1024)
    let end = size
    while (end > 0) {
      const from = Math.max(0, end - block.length)
      const n = fs.readSync(fd, block, 0, end - from, from)
      const nl = block.subarray(0, n).lastIndexOf(0x0a)
      if (nl >= 0) {
        const whole = from + nl + 1
        if (whole < size) fs.ftruncateSync(fd, whole)
        return { fd, size: whole, cut: size - whole }
      }
      end = from
    }
    fs.ftruncateSync(fd, 0)
    return { fd, size: 0, cut: size }
  } catch (e) {
    fs.closeSync(fd)
    throw e
  }
}

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
    const retain = Math.max(threshold, options.maxRetainedBytes ?? 16 << 20)
    const writeSync = options.io?.writeSync ?? fs.writeSync
    const opened = yield* Effect.try({
      try: () => {
        fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true })
        return openWhole(file)
      },
      catch: ioError(file, "open")
    })
    if (opened.cut > 0) yield* Effect.logWarning(`history ${file}: cut a partial last line (${opened.cut} bytes) before appending`)
    // `fd` undefined: the file is closed after a failure it could not undo; reopened on the next flush.
    const state: { fd: number | undefined; size: number } = { fd: opened.fd, size: opened.size }
    // Lines are encoded straight into one byte buffer: no per-line strings kept alive, one
    // write per flush.
    let buf = Buffer.allocUnsafe(threshold + 4096)
    let used = 0
    let pendingRecords = 0
    const stats = { records: 0, bytes: 0, flushes: 0, rotations: 0, dropped: 0 }
    let failing: string | undefined
    let droppedSinceFailing = 0
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

    /**
     * Write the buffered records (synchronous, so it never interleaves with other appends). All or
     * nothing: a write that fails part way is cut back to the last whole record and the records
     * stay buffered for the next flush. Returns true when it recovered from a failure.
     */
    const writeOutSync = (): boolean => {
      if (used === 0) return false
      if (state.fd === undefined) {
        const again = openWhole(file)
        state.fd = again.fd
        state.size = again.size
      }
      const fd = state.fd
      const n = used
      const before = state.size
      try {
        let off = 0
        while (off < n) off += writeSync(fd, buf, off, n - off)
      } catch (e) {
        try {
          fs.ftruncateSync(fd, before)
        } catch {
          // Cannot undo here: close, and reopen (cutting the partial line) on the next flush.
          try { fs.closeSync(fd) } catch { /* already unusable */ }
          state.fd = undefined
        }
        failing = e instanceof Error ? e.message : String(e)
        throw e
      }
      state.size += n
      stats.bytes += n
      stats.records += pendingRecords
      stats.flushes++
      used = 0
      pendingRecords = 0
      const recovered = failing !== undefined
      failing = undefined
      return recovered
    }

    /** The failure and recovery of the file are logged once each, with what it cost. */
    const flush: Effect.Effect<void, HistoryIoError> = Effect.suspend(() => {
      const wasFailing = failing
      try {
        if (writeOutSync()) {
          const lost = droppedSinceFailing
          droppedSinceFailing = 0
          return Effect.logWarning(`history ${file}: writing again${lost > 0 ? `; ${lost} records were dropped meanwhile` : ", nothing lost"}`)
        }
        return Effect.void
      } catch (e) {
        const err = ioError(file, "write")(e)
        return wasFailing === undefined
          ? Effect.zipRight(Effect.logError(`history ${file}: cannot write (${err.reason}); records are kept in memory (up to ${retain} bytes) and written when it can`), Effect.fail(err))
          : Effect.fail(err)
      }
    })

    const rotateNow = rotationLock.withPermits(1)(Effect.gen(function* () {
      yield* Effect.try({
        try: () => {
          writeOutSync()
          if (state.fd !== undefined) fs.closeSync(state.fd)
          state.fd = undefined
          try {
            shiftRotated(file, keep)
            fs.renameSync(file, `${file}.1`)
            stats.rotations++
          } finally {
            // Whatever happened, keep a live file open: on a failed rename we go on appending.
            const again = openWhole(file)
            state.fd = again.fd
            state.size = again.size
          }
        },
        catch: ioError(file, "rotate")
      })
      if (rotate?.gzip !== false && exists(`${file}.1`)) yield* gzipFile(`${file}.1`, `${file}.1.gz`)
    }).pipe(Effect.uninterruptible)) // a shutdown waits for the gzip, or it would leave file.1 and a partial file.1.gz

    /** Buffer one line; "rotate" when the file must be rotated first (nothing buffered then). */
    const pushSync = (line: string, isRecord: boolean): "ok" | "rotate" | "dropped" => {
      if (failing !== undefined && used >= retain) {
        // The disk refuses, and as much as we keep is waiting: drop (counted), never block.
        if (isRecord) { stats.dropped++; droppedSinceFailing++ }
        return "dropped"
      }
      const n = encode(line)
      if (failing === undefined && rotate !== undefined && state.size + used + n > rotate.maxBytes && state.size + used > 0) return "rotate"
      used += n
      if (isRecord) pendingRecords++
      return "ok"
    }
    /**
     * Flush when the policy says so (not while failing: the timer retries, not every append). A
     * failure does not fail the append: the record is kept and written later (the flush logs it).
     */
    const maybeFlush = (): Effect.Effect<void> =>
      failing === undefined && (policy === "record" || used >= threshold) ? Effect.ignore(flush) : Effect.void

    const push = (line: string, isRecord: boolean): Effect.Effect<void, HistoryIoError> =>
      Effect.suspend(() => {
        const r = pushSync(line, isRecord)
        // Rotate first, so no file passes maxBytes (unless one line alone does).
        return r === "rotate" ? Effect.zipRight(rotateNow, push(line, isRecord)) : maybeFlush()
      })

    const lineOf = (serial: unknown, data: unknown, time: Timestamp) => formatRecord({ time, serial, data })

    const append = (serial: unknown, data: unknown, time?: Timestamp) =>
      time !== undefined
        ? push(lineOf(serial, data, time), true)
        : Effect.flatMap(Timestamp.now, (now) => push(lineOf(serial, data, now), true))

    const appendAll = (records: Iterable<RecordInput>): Effect.Effect<void, HistoryIoError> =>
      Effect.flatMap(Timestamp.now, (now) => Effect.suspend(() => {
        const it = records[Symbol.iterator]()
        const loop = (): Effect.Effect<void, HistoryIoError> => {
          for (let next = it.next(); !next.done; next = it.next()) {
            const r = next.value
            const line = lineOf(r.serial, r.data, r.time ?? now)
            if (pushSync(line, true) === "rotate") {
              return Effect.zipRight(Effect.zipRight(rotateNow, push(line, true)), Effect.suspend(loop))
            }
            if (failing === undefined && used >= threshold) {
              writeOutSyncOrKeep()
            }
          }
          return maybeFlush()
        }
        return loop()
      }))
    /** Within a batch: write at the threshold; a failure is reported by the next flush. */
    const writeOutSyncOrKeep = () => {
      try { writeOutSync() } catch { /* kept buffered; `failing` is set and the flusher reports it */ }
    }

    {
      // With the "record" policy the timer only retries a file that could not be written.
      const every = policy === "record" ? 100 : Math.max(1, policy.everyMillis)
      yield* Effect.forkScoped(
        Effect.sleep(every).pipe(
          Effect.zipRight(flush.pipe(Effect.ignore)),
          Effect.forever
        )
      )
    }
    // Finalizers run in reverse order: this runs before the flusher fiber is interrupted. It waits
    // for a rotation in progress, writes the tail and closes the file.
    yield* Effect.addFinalizer(() =>
      rotationLock.withPermits(1)(flush).pipe(
        Effect.catchAll((e) => Effect.logError(`history final flush failed, ${pendingRecords} records not written`, e.message)),
        Effect.zipRight(Effect.sync(() => {
          try {
            if (state.fd !== undefined) fs.closeSync(state.fd)
          } catch {
            // already closed by a failed rotation; nothing left to release
          }
        }))
      )
    )

    return {
      path: file,
      append,
      appendAll,
      comment: (text: string) => push(formatComment(text), false),
      flush,
      stats: Effect.sync(() => ({ ...stats, pending: pendingRecords, failing }))
    } satisfies HistoryWriterService
  })
