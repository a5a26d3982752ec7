/**
 * The history recorder: how the simulator's `--historize` keeps a record of every tag access.
 *
 * `record(event)` is synchronous: the TagStore calls it (as a sink) in the turn of the access, so
 * no buffer between the access and the recorder can drop it (a sliding PubSub of 65,536 events,
 * drained one at a time, lost a third of 360,000 acknowledged writes). Events wait in a plain array
 * and one fiber hands them to the writer in batches (`appendAll`: one Effect per batch, not per
 * event), a slice per turn of the event loop. When more than `highWater` events wait, the recorder
 * says it is `congested`: the server then stops reading its clients' sockets until it catches up
 * (back-pressure, through TCP, to the writers). Should events still come faster (the web API, a
 * custom Attribute) and `maxPending` wait, further events are counted (`overflowed`), logged and
 * reported by the web API: never lost silently.
 */
import { Effect, Layer, type Scope } from "effect"
import { recordInputs, type TagIoEvent } from "./historize.js"
import { HistoryRecorder, type HistoryRecorderService, type RecorderStats } from "./recorderService.js"
import { HistoryWriter, type HistoryWriterService } from "./writer.js"

export { HistoryRecorder, type HistoryRecorderService, type RecorderStats } from "./recorderService.js"

/** A recorder over the HistoryWriter in context, for the life of the layer. */
export const HistoryRecorderLive = (options?: RecorderOptions): Layer.Layer<HistoryRecorder, never, HistoryWriter> =>
  Layer.scoped(HistoryRecorder, Effect.flatMap(HistoryWriter, (w) => makeHistoryRecorder(w, options)))

/** Events formatted per turn of the event loop. */
const SLICE = 2000

export interface RecorderOptions {
  /** Most events waiting for the writer (default 250,000); beyond, events are counted as overflowed. */
  readonly maxPending?: number
  /** Events waiting beyond which the recorder is `congested` (default 50,000). */
  readonly highWater?: number
}

/**
 * A recorder writing through `writer`, in the current scope. Close it before the writer (create it
 * after): its finalizer hands the last events over, then the writer's flushes them.
 */
export const makeHistoryRecorder = (
  writer: HistoryWriterService,
  options: RecorderOptions = {}
): Effect.Effect<HistoryRecorderService, never, Scope.Scope> =>
  Effect.gen(function* () {
    const maxPending = Math.max(1, options.maxPending ?? 250_000)
    const highWater = Math.min(maxPending, Math.max(1, options.highWater ?? 50_000))
    let pending: Array<TagIoEvent> = []
    let recorded = 0
    let overflowed = 0
    let reported = 0
    const wake = yield* Effect.makeLatch(false)

    const record = (event: TagIoEvent): void => {
      if (pending.length >= maxPending) {
        overflowed++
        return
      }
      pending.push(event)
      if (pending.length === 1) wake.unsafeOpen()
    }

    const report = Effect.suspend(() => {
      const lost = overflowed - reported
      reported = overflowed
      return lost > 0
        ? Effect.logError(`history ${writer.path}: ${lost} events not recorded (the writer fell ${maxPending} events behind)`)
        : Effect.void
    })
    // The batch being handed over, and how far: kept here, so that a shutdown in the middle of a
    // batch hands over the rest of it too.
    let draining: ReadonlyArray<TagIoEvent> = []
    let at = 0
    /** Up to `max` events, from the batch in hand first, then from what is waiting. */
    const take = (max: number): ReadonlyArray<TagIoEvent> => {
      if (at >= draining.length) {
        draining = pending
        pending = []
        at = 0
      }
      const slice = draining.slice(at, at + max)
      at += slice.length
      recorded += slice.length
      return slice
    }
    /** Everything waiting, at once (at the end, and for `sync`). */
    const handOver = Effect.suspend(() => {
      const rest = [...take(Infinity), ...take(Infinity)]
      return Effect.zipRight(report, rest.length === 0 ? Effect.void : writer.appendAll(recordInputs(rest)))
    })
    /**
     * What is waiting, SLICE events at a time with a turn of the event loop between slices, so a
     * burst of 100,000 events does not hold the server for the time it takes to format them.
     */
    const drain = Effect.gen(function* () {
      for (let slice = take(SLICE); slice.length > 0; slice = take(SLICE)) {
        // A slice taken is appended whole: a shutdown waits for it (the rest of it would be lost).
        // A write failure is the writer's to report (it keeps the records and retries): go on.
        yield* Effect.uninterruptible(Effect.ignore(writer.appendAll(recordInputs(slice))))
        if (at < draining.length || pending.length > 0) yield* Effect.sleep(0)
      }
      yield* report
    })
    yield* Effect.forkScoped(Effect.forever(wake.await.pipe(Effect.zipRight(wake.close), Effect.zipRight(drain))))
    yield* Effect.addFinalizer(() => handOver.pipe(Effect.catchAll((e) => Effect.logError("history: last events not written", e.message))))

    const stats = Effect.map(writer.stats, (w): RecorderStats => ({ recorded, pending: pending.length + draining.length - at, overflowed, writer: w }))
    return {
      record,
      congested: () => pending.length + draining.length - at > highWater,
      stats,
      unsafeStats: () => Effect.runSync(stats),
      sync: Effect.zipRight(handOver, writer.flush)
    } satisfies HistoryRecorderService
  })
