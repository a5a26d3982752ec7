/**
 * Replay: a history file played into the tags of a simulator at its original timing (scaled by
 * the speed), through the playback timeline of src/history/playback.ts. The values a record
 * holds are ordinary tag writes (clients, the web page, `-p` and `--historize` see them).
 *
 * - Starting (or seeking) at a time applies the latest value of every serial as of that time at
 *   once, then plays the records after it as their time comes.
 * - A gap the poller recorded (`"gap": true`: it had lost the controller) or a CIP error it was
 *   answered (`"status": N`) makes the tag answer with a forced error until its next values:
 *   status N, or 0x02 (resource unavailable) for a gap — never the last value held over the gap.
 *   Failures `--historize` recorded (one client's bad request) are not tag states and are skipped.
 * - Pause, seek and speed change while it plays (the web API's `options/replay`); with `loop`
 *   it starts again from `since` (or the first record) at the end.
 */
import { Context, Effect, FiberHandle, Layer, type Scope, Stream } from "effect"
import type { CipValue } from "../cip/types.js"
import { makePlaybackControl, playWith } from "../history/playback.js"
import { readHistory, type ReadError } from "../history/reader.js"
import type { HistoryRecord } from "../history/record.js"
import { tagRecordOf } from "../history/tagRecord.js"
import { Timestamp } from "../history/timestamp.js"
import { type ForcedError, TagStore, type TagStoreService } from "../tags/tagStore.js"
import type { HistoryScan } from "./scan.js"

/** How to replay. */
export interface ReplayOptions {
  /** The history read before (files, span, tags). */
  readonly scan: HistoryScan
  /** Historical seconds per second (default 1). */
  readonly speed?: number
  /** Start again at the end (default false). */
  readonly loop?: boolean
  /** Play from this time (default the first record). */
  readonly since?: Timestamp
  /** Play up to this time (default the last record). */
  readonly until?: Timestamp
  /** Start paused. */
  readonly paused?: boolean
  /** Do not play until `start` is run (to put listeners in place first); default false. */
  readonly deferStart?: boolean
}

/** Where a replay is. */
export interface ReplayState {
  readonly files: ReadonlyArray<string>
  /** The historical time shown now. */
  readonly position: Timestamp
  readonly speed: number
  readonly paused: boolean
  readonly loop: boolean
  /** Where it starts and stops. */
  readonly begin: Timestamp
  readonly end: Timestamp
  /** Records applied, records skipped (not a tag, a value the tag cannot hold), times it started over. */
  readonly applied: number
  readonly skipped: number
  readonly loops: number
  /** Played to the end (and not looping). */
  readonly finished: boolean
}

export interface ReplayService {
  readonly state: Effect.Effect<ReplayState>
  readonly setSpeed: (speed: number) => Effect.Effect<void>
  readonly setPaused: (paused: boolean) => Effect.Effect<void>
  /** Show `time` now: the tags take their values as of then, and play on from there. */
  readonly seek: (time: Timestamp) => Effect.Effect<void>
  /** Start playing (done already unless built with `deferStart`; once only). */
  readonly start: Effect.Effect<void>
}

export class Replay extends Context.Tag("cpppo/replay/Replay")<Replay, ReplayService>() {
  /** A replay into the TagStore of the context, for the life of the layer. */
  static readonly layer = (options: ReplayOptions): Layer.Layer<Replay, never, TagStore> =>
    Layer.scoped(Replay, Effect.flatMap(TagStore, (store) => makeReplay(store, options)))
}

/** The forced error of a gap: the data is not available. */
const GAP_STATUS = 0x02

/** Start a replay into `store` in the current scope. */
export const makeReplay = (store: TagStoreService, options: ReplayOptions): Effect.Effect<ReplayService, never, Scope.Scope> =>
  Effect.gen(function* () {
    const { scan } = options
    const files = scan.files
    const begin = options.since ?? scan.first
    const end = options.until ?? scan.last
    const control = yield* makePlaybackControl({
      start: begin ?? (yield* Timestamp.now),
      speed: options.speed ?? 1,
      paused: options.paused === true
    })
    const stats = { applied: 0, skipped: 0, loops: 0 }
    let finished = false
    /** Forced errors this replay set, by tag: only these are cleared by later values. */
    const ours = new Map<string, ForcedError>()
    const warned = new Set<string>()
    const warnings: Array<string> = []
    const warn = (key: string, text: string) => {
      if (warned.has(key)) return
      warned.add(key)
      warnings.push(`replay: ${text} (said once)`)
    }

    /** Apply one record to the tags. */
    const apply = (r: HistoryRecord): Effect.Effect<void> =>
      Effect.gen(function* () {
        const t = tagRecordOf(r)
        const tag = t === undefined ? undefined : store.find(t.name)
        if (t === undefined || tag === undefined) {
          stats.skipped++
          if (t !== undefined) warn(`tag:${t.name}`, `${t.name} is recorded but is not a tag here`)
          return
        }
        if (t.error !== undefined) {
          if (!t.error.gap && t.error.status === undefined) return // one access's failure, not the tag's state
          const forced: ForcedError = t.error.gap ? { status: GAP_STATUS } : { status: t.error.status!, extStatus: t.error.extStatus ?? [] }
          ours.set(tag.name, forced)
          yield* store.setError(tag.name, forced).pipe(Effect.ignore)
          stats.applied++
          return
        }
        const mine = ours.get(tag.name)
        if (mine !== undefined && tag.error === mine) {
          ours.delete(tag.name)
          yield* store.setError(tag.name, undefined).pipe(Effect.ignore)
        }
        const fit = Math.max(0, Math.min(t.values!.length, tag.count - t.start))
        if (fit < t.values!.length) warn(`range:${tag.name}`, `${t.name}[${t.start}-${t.start + t.count - 1}] does not fit in ${tag.name}[0-${tag.count - 1}]: the elements beyond are not replayed`)
        if (fit === 0) {
          stats.skipped++
          return
        }
        const numeric = tag.type !== "STRING" && tag.type !== "SSTRING"
        const values: Array<CipValue> = t.values!.slice(0, fit).map((v) => (numeric && typeof v === "boolean" ? (v ? 1 : 0) : v))
        // Written around a forced error the replay did not set (the operator's), as the web API does.
        const written = tag.error !== undefined
          ? Effect.sync(() => tag.attribute.sync?.unsafeWrite(t.start, values))
          : store.write(tag.name, t.start, values)
        const ok = yield* Effect.either(written)
        if (ok._tag === "Left") {
          stats.skipped++
          warn(`write:${tag.name}`, `${tag.name}: ${ok.left.message}`)
        } else stats.applied++
      })

    const flushWarnings = Effect.suspend(() => Effect.forEach(warnings.splice(0), (w) => Effect.logWarning(w), { discard: true }))

    /** The state as of `time` at once, then every later record as its time comes. */
    const playFrom = (time: Timestamp): Effect.Effect<void, ReadError> =>
      Effect.gen(function* () {
        // Latest record per serial up to `time`, applied in time order.
        const latest = new Map<string, HistoryRecord>()
        yield* Stream.runForEach(readHistory(files, { until: time }), (r) => Effect.sync(() => {
          if (r.time.micros <= time.micros) latest.set(JSON.stringify(r.serial), r)
        }))
        for (const r of [...latest.values()].sort((a, b) => a.time.micros - b.time.micros)) yield* apply(r)
        yield* control.seek(time)
        yield* flushWarnings
        const records = readHistory(files, { since: time, ...(end !== undefined ? { until: end } : {}) }).pipe(
          Stream.filter((r) => r.time.micros > time.micros)
        )
        yield* Stream.runForEach(playWith(records, control), (r) => Effect.zipRight(apply(r), flushWarnings))
      })

    /** Play from `time` to the end; with `loop`, again from the beginning, for ever. */
    const runFrom = (time: Timestamp): Effect.Effect<void, ReadError> =>
      Effect.gen(function* () {
        finished = false
        let from = time
        for (;;) {
          yield* playFrom(from)
          if (options.loop !== true || begin === undefined) break
          stats.loops++
          from = begin
        }
        finished = true
      })

    const runner = yield* FiberHandle.make()
    const start = (time: Timestamp) =>
      FiberHandle.run(runner, runFrom(time).pipe(Effect.catchAll((e) => Effect.logError(`replay: ${e.message}`))))
    let started = false
    const first = Effect.suspend(() => {
      if (started) return Effect.void
      started = true
      if (begin === undefined) {
        finished = true
        return Effect.void
      }
      return Effect.asVoid(start(begin))
    })
    if (options.deferStart !== true) yield* first

    return {
      state: Effect.map(control.position, (position): ReplayState => {
        const at = end !== undefined && (finished || position.micros > end.micros) ? end : position
        return {
          files, position: at, speed: control.speed(), paused: control.paused(), loop: options.loop === true,
          begin: begin ?? position, end: end ?? position, ...stats, finished
        }
      }),
      setSpeed: control.setSpeed,
      setPaused: control.setPaused,
      seek: (time) => Effect.suspend(() => {
        started = true
        return Effect.asVoid(start(time))
      }),
      start: first
    }
  })
