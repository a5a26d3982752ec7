/**
 * Playback of history at a speed factor:
 * `historical(now) = start + (now − basis) × factor`, with `now` from Effect's Clock, so tests
 * drive it with TestClock. {@link play} emits records at their playback time; {@link playWith}
 * does so on a {@link PlaybackControl}, a timeline that can be paused, moved and sped up while it
 * plays; {@link makeLoader} keeps the latest value of each serial as of the playback time.
 */
import { Chunk, Clock, Deferred, Duration, Effect, Option, type Scope, Stream } from "effect"
import { type HistoryRecord, serialKey } from "./record.js"
import { Timestamp } from "./timestamp.js"

/** The mapping between wall-clock time and historical time. */
export interface PlaybackTimeline {
  /** Historical time shown at `basis`. */
  readonly start: Timestamp
  /** Wall-clock time (µs since epoch) at which playback shows `start`. */
  readonly basisMicros: number
  /** Historical seconds per wall-clock second (> 0). */
  readonly factor: number
}

/** Historical time at a wall-clock time (µs). */
export const historicalAt = (t: PlaybackTimeline, nowMicros: number): Timestamp =>
  new Timestamp(t.start.micros + Math.round((nowMicros - t.basisMicros) * t.factor))

/** Wall-clock time (µs) at which a historical time is shown. */
export const realtimeOf = (t: PlaybackTimeline, ts: Timestamp): number =>
  t.basisMicros + (ts.micros - t.start.micros) / t.factor

const nowMicros = Effect.map(Clock.currentTimeNanos, (ns) => Number(ns / 1000n))

/** Options of {@link play}. */
export interface PlayOptions {
  /** Speed factor (default 1); `Infinity` plays without waiting. */
  readonly speed?: number
  /** Historical start; default the first record's time. Earlier records are skipped. */
  readonly start?: Timestamp | undefined
  /** Historical seconds to play from the start (default: to the end). */
  readonly duration?: number | undefined
}

const validFactor = (speed: number | undefined): number =>
  speed === undefined || Number.isNaN(speed) || speed <= 0 ? 1 : speed

/**
 * A playback timeline that can change while it plays: paused (historical time stands still),
 * sped up or slowed down (from the position now), or moved to another time. Whoever waits on it
 * ({@link PlaybackControl.awaitTime}) re-plans at every change.
 */
export interface PlaybackControl {
  /** The historical time now. */
  readonly position: Effect.Effect<Timestamp>
  readonly speed: () => number
  readonly paused: () => boolean
  /** Historical seconds per second (> 0; `Infinity` shows every time at once). */
  readonly setSpeed: (speed: number) => Effect.Effect<void>
  readonly setPaused: (paused: boolean) => Effect.Effect<void>
  /** Show `time` now. */
  readonly seek: (time: Timestamp) => Effect.Effect<void>
  /** Wait until the historical time reaches `time`. */
  readonly awaitTime: (time: Timestamp) => Effect.Effect<void>
}

/** A timeline showing `start` now. */
export const makePlaybackControl = (options: { readonly start: Timestamp; readonly speed?: number; readonly paused?: boolean }): Effect.Effect<PlaybackControl> =>
  Effect.gen(function* () {
    let timeline: PlaybackTimeline = { start: options.start, basisMicros: yield* nowMicros, factor: validFactor(options.speed) }
    let paused = options.paused === true
    let changed = yield* Deferred.make<void>()
    // At an infinite speed every time is shown at once: the position is where it was last put.
    const at = (now: number) => (paused || !Number.isFinite(timeline.factor) ? timeline.start : historicalAt(timeline, now))
    /** Re-base the timeline at the position now, then wake every waiter. */
    const change = (f: (position: Timestamp, now: number) => void) =>
      Effect.gen(function* () {
        const now = yield* nowMicros
        f(at(now), now)
        const wake = changed
        changed = yield* Deferred.make<void>()
        yield* Deferred.succeed(wake, undefined)
      })
    const awaitTime = (time: Timestamp): Effect.Effect<void> =>
      Effect.gen(function* () {
        for (;;) {
          const wake = changed
          const now = yield* nowMicros
          if (!paused && (!Number.isFinite(timeline.factor) || at(now).micros >= time.micros)) return
          if (paused) {
            yield* Deferred.await(wake)
            continue
          }
          const due = realtimeOf(timeline, time)
          yield* Effect.raceFirst(Effect.sleep(Duration.micros(BigInt(Math.max(1, Math.ceil(due - now))))), Deferred.await(wake))
        }
      })
    return {
      position: Effect.map(nowMicros, at),
      speed: () => timeline.factor,
      paused: () => paused,
      setSpeed: (speed) => change((position, now) => { timeline = { start: position, basisMicros: now, factor: validFactor(speed) } }),
      setPaused: (p) => change((position, now) => {
        paused = p
        timeline = { ...timeline, start: position, basisMicros: now }
      }),
      seek: (time) => change((_position, now) => { timeline = { ...timeline, start: time, basisMicros: now } }),
      awaitTime
    }
  })

/** Emit each record when the control's historical time reaches it. */
export const playWith = <E, R>(records: Stream.Stream<HistoryRecord, E, R>, control: PlaybackControl): Stream.Stream<HistoryRecord, E, R> =>
  Stream.mapEffect(records, (r) => Effect.as(control.awaitTime(r.time), r))

/**
 * Emit each record when the clock reaches its playback time. The timeline's basis is the clock
 * when the first record arrives.
 */
export const play = <E, R>(records: Stream.Stream<HistoryRecord, E, R>, options: PlayOptions = {}): Stream.Stream<HistoryRecord, E, R> =>
  Stream.suspend(() => {
    let control: PlaybackControl | undefined
    let end = Infinity
    const from = options.start?.micros ?? -Infinity
    const paced = (r: HistoryRecord) =>
      Effect.gen(function* () {
        if (control === undefined) {
          const start = options.start ?? r.time
          control = yield* makePlaybackControl({ start, speed: validFactor(options.speed) })
          if (options.duration !== undefined) end = start.micros + options.duration * 1e6
        }
        if (r.time.micros > end) return Option.none<HistoryRecord>()
        yield* control.awaitTime(r.time)
        return Option.some(r)
      })
    return records.pipe(
      Stream.filter((r) => r.time.micros >= from),
      Stream.mapEffect(paced),
      Stream.takeWhile(Option.isSome),
      Stream.map((o) => o.value)
    )
  })

/** The latest record of a serial. */
export interface LatestValue {
  readonly time: Timestamp
  readonly serial: unknown
  readonly data: unknown
}

/** The latest value of each serial, keyed by {@link serialKey}. */
export class LatestValues {
  private readonly values = new Map<string, LatestValue>()
  /** Apply a record (later records replace earlier ones of the same serial). */
  update(record: HistoryRecord): void {
    this.values.set(serialKey(record.serial), { time: record.time, serial: record.serial, data: record.data })
  }
  get(serial: unknown): LatestValue | undefined {
    return this.values.get(serialKey(serial))
  }
  get size(): number {
    return this.values.size
  }
  /** A copy of the current values. */
  snapshot(): ReadonlyMap<string, LatestValue> {
    return new Map(this.values)
  }
}

/** The latest value of each serial as of `time` (records after it are not read). */
export const latestAsOf = <E, R>(records: Stream.Stream<HistoryRecord, E, R>, time: Timestamp): Effect.Effect<LatestValues, E, R> =>
  records.pipe(
    Stream.takeWhile((r) => r.time.micros <= time.micros),
    Stream.runFold(new LatestValues(), (acc, r) => {
      acc.update(r)
      return acc
    })
  )

/** What {@link PlaybackLoader.advance} returns. */
export interface PlaybackState {
  /** The historical time now. */
  readonly time: Timestamp
  readonly values: LatestValues
  /** True once every record has been applied. */
  readonly exhausted: boolean
}

/** A loader that follows playback time, keeping the latest value of each serial. */
export interface PlaybackLoader<E> {
  readonly timeline: PlaybackTimeline
  /** Apply every record up to the historical time of the clock now. */
  readonly advance: Effect.Effect<PlaybackState, E>
}

/** Options of {@link makeLoader}. */
export interface LoaderOptions {
  readonly speed?: number
  /** Historical time shown now; default the first record's time. */
  readonly start?: Timestamp | undefined
}

/**
 * Start a loader now (the clock's current time is the basis). Records are pulled lazily, so the
 * loader holds one chunk of records and one value per serial, whatever the length of the history.
 */
export const makeLoader = <E, R>(
  records: Stream.Stream<HistoryRecord, E, R>,
  options: LoaderOptions = {}
): Effect.Effect<PlaybackLoader<E>, E, R | Scope.Scope> =>
  Effect.gen(function* () {
    const context = yield* Effect.context<R>()
    const pull = Effect.provide(yield* Stream.toPull(records), context)
    let pending: Array<HistoryRecord> = []
    let at = 0
    let exhausted = false
    // The stream's requirements are captured here so `advance` needs none. Pull the next chunk; false at the end of the stream.
    const refill: Effect.Effect<boolean, E> = pull.pipe(
      Effect.map((chunk) => {
        pending = Chunk.toArray(chunk) as Array<HistoryRecord>
        at = 0
        return true
      }),
      Effect.catchAll((e) => Option.match(e, { onNone: () => Effect.succeed(false), onSome: (err) => Effect.fail(err) }))
    )
    const head: Effect.Effect<HistoryRecord | undefined, E> = Effect.suspend(function loop(): Effect.Effect<HistoryRecord | undefined, E> {
      if (at < pending.length) return Effect.succeed(pending[at])
      if (exhausted) return Effect.succeed(undefined)
      return Effect.flatMap(refill, (more) => {
        if (!more) exhausted = true
        return loop()
      })
    })
    let start = options.start
    if (start === undefined) start = (yield* head)?.time ?? (yield* Timestamp.now)
    const timeline: PlaybackTimeline = { start, basisMicros: yield* nowMicros, factor: validFactor(options.speed) }
    const values = new LatestValues()
    const advance = Effect.gen(function* () {
      const time = historicalAt(timeline, yield* nowMicros)
      for (;;) {
        const r = yield* head
        if (r === undefined || r.time.micros > time.micros) break
        values.update(r)
        at++
      }
      return { time, values, exhausted }
    })
    return { timeline, advance }
  })
