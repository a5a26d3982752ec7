/**
 * The work behind `cpppo history cat|play|stats` (loaded only when a history command runs, so
 * the simulator and client do not load the tz database at start-up).
 */
import { Chunk, Console, Data, Effect, Either, Option, Stream } from "effect"
import * as fs from "node:fs"
import {
  formatDuration,
  type HistoryRecord,
  makeZoneRegistry,
  parseDuration,
  play,
  pyJson,
  readHistoryCounted,
  type ReadOptions,
  serialKey,
  seriesFiles,
  Timestamp
} from "../history/index.js"
import type { CatConfig, PlayConfig, StatsConfig } from "./history.js"

/** A one-line CLI mistake or failure. */
export interface Failure {
  readonly message: string
}
export const fail = (message: string): Effect.Effect<never, Failure> => Effect.fail({ message })

/** A failure of `cpppo history …`; bin.ts prints its message as one line and exits non-zero. */
export class HistoryCliError extends Data.TaggedError("HistoryCliError")<{ readonly message: string }> {}

export const oneLine = (command: string) => <A, R>(effect: Effect.Effect<A, Failure, R>) =>
  Effect.mapError(effect, (e) => new HistoryCliError({ message: `history ${command}: ${e.message}` }))

export const zoneOf = (tzName: Option.Option<string>) =>
  Option.match(tzName, {
    onNone: () => Effect.succeed(undefined),
    onSome: (z) => Either.isRight(Timestamp.parse("2000-01-01 00:00:00", { zone: z })) ? Effect.succeed(z) : fail(`unknown time zone ${JSON.stringify(z)}`)
  })

export const parseTime = (text: Option.Option<string>, zone: string | undefined, regionText: string) =>
  Option.match(text, {
    onNone: () => Effect.succeed(undefined),
    onSome: (t) =>
      Effect.gen(function* () {
        const registry = yield* Either.mapLeft(makeZoneRegistry(regionText), (e): Failure => ({ message: e.message }))
        const parsed = Timestamp.parse(t, zone === undefined ? { registry } : { registry, zone })
        return yield* Either.mapLeft(parsed, (e): Failure => ({ message: e.message }))
      })
  })

export const expandFiles = (names: ReadonlyArray<string>) =>
  Effect.forEach(names, (n) =>
    // @effect/cli hands unknown flags to the variadic FILE argument
    n.startsWith("-") && !fs.existsSync(n) ? fail(`unknown option ${n}`) : seriesFiles(n).pipe(
      Effect.mapError((e): Failure => ({ message: e.message }))
    )).pipe(
    Effect.map((all) => [...new Set(all.flat())])
  )

const render = (zone: string | undefined) => (r: HistoryRecord): string =>
  `${zone === undefined ? r.time.toString() : r.time.format({ zone })}\t${pyJson(r.serial)}\t${pyJson(r.data)}`

export const open = (names: ReadonlyArray<string>, options: ReadOptions) =>
  Effect.gen(function* () {
    const paths = yield* expandFiles(names)
    const { records, corrupt } = yield* readHistoryCounted(paths, options)
    return { records: Stream.mapError(records, (e): Failure => ({ message: e.message })), corrupt, paths }
  })

export const reportCorrupt = (corrupt: Effect.Effect<number>) =>
  Effect.flatMap(corrupt, (n) => (n > 0 ? Console.error(`${n} corrupt record${n === 1 ? "" : "s"} skipped`) : Effect.void))

export const runCat = (cfg: CatConfig) =>
  Effect.gen(function* () {
    const zone = yield* zoneOf(cfg.tz)
    const from = yield* parseTime(cfg.since, zone, cfg.region)
    const to = yield* parseTime(cfg.until, zone, cfg.region)
    const { records, corrupt } = yield* open(cfg.files, { since: from, until: to })
    const line = render(zone)
    yield* records.pipe(
      Stream.mapChunks((c) => Chunk.of(Chunk.toArray(Chunk.map(c, line)).join("\n"))),
      Stream.runForEach((text) => (text === "" ? Effect.void : Console.log(text)))
    )
    yield* reportCorrupt(corrupt)
  }).pipe(oneLine("cat"))

export const runPlay = (cfg: PlayConfig) =>
  Effect.gen(function* () {
    const factor = Number(cfg.speed)
    if (cfg.speed.trim() === "" || !(factor > 0)) return yield* fail(`--speed must be a number > 0, not ${JSON.stringify(cfg.speed)}`)
    const zone = yield* zoneOf(cfg.tz)
    const from = yield* parseTime(cfg.since, zone, cfg.region)
    const forSeconds = Option.isNone(cfg.duration)
      ? undefined
      : yield* Either.mapLeft(parseDuration(cfg.duration.value), (e): Failure => ({ message: e.message }))
    const { records, corrupt } = yield* open(cfg.files, { since: from })
    const line = render(zone)
    yield* play(records, { speed: factor, start: from, duration: forSeconds }).pipe(
      Stream.runForEach((r) => Console.log(line(r)))
    )
    yield* reportCorrupt(corrupt)
  }).pipe(oneLine("play"))

export const runStats = (cfg: StatsConfig) =>
  Effect.gen(function* () {
    const zone = yield* zoneOf(cfg.tz)
    const { records, corrupt, paths } = yield* open(cfg.files, {})
    let count = 0
    let first: Timestamp | undefined
    let last: Timestamp | undefined
    const perSerial = new Map<string, number>()
    yield* Stream.runForEach(records, (r) =>
      Effect.sync(() => {
        count++
        if (first === undefined || r.time.micros < first.micros) first = r.time
        if (last === undefined || r.time.micros > last.micros) last = r.time
        const key = serialKey(r.serial)
        perSerial.set(key, (perSerial.get(key) ?? 0) + 1)
      }))
    const show = (t: Timestamp | undefined) => (t === undefined ? "-" : zone === undefined ? t.toString() : t.format({ zone }))
    const out = [
      `files: ${paths.length}`,
      `records: ${count}`,
      `corrupt: ${yield* corrupt}`,
      `first: ${show(first)}`,
      `last: ${show(last)}`,
      `span: ${first !== undefined && last !== undefined ? formatDuration(last.minus(first), 3) : "-"}`,
      `serials: ${perSerial.size}`,
      ...[...perSerial.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
        .map(([k, n]) => `  ${pyJson(JSON.parse(k))}\t${n}`)
    ]
    yield* Console.log(out.join("\n"))
  }).pipe(oneLine("stats"))
