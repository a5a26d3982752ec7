/**
 * The work behind `cpppo history plot FILE… [--tags …] [-o trend.svg]` (loaded only when it runs).
 */
import { Console, Effect, Either, Option } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { MIN_PLOT_HEIGHT, MIN_PLOT_WIDTH, parseTagSelection, trendSvg } from "../history/index.js"
import type { PlotConfig } from "./history.js"
import { expandFiles, fail, type Failure, oneLine, parseTime, reportCorrupt, zoneOf } from "./historyRun.js"

// The smallest the renderer draws (plotSvg widens anything smaller): a narrower --width is refused, not silently widened.
const size = (name: string, n: number, min: number) =>
  Number.isInteger(n) && n >= min && n <= 10_000 ? Effect.succeed(n) : fail(`--${name} must be ${min}..10000 px, not ${n}`)

export const runPlot = (cfg: PlotConfig) =>
  Effect.gen(function* () {
    const zone = yield* zoneOf(cfg.tz)
    const since = yield* parseTime(cfg.since, zone, cfg.region)
    const until = yield* parseTime(cfg.until, zone, cfg.region)
    const tags = Option.isNone(cfg.tags)
      ? undefined
      : yield* Either.mapLeft(parseTagSelection(cfg.tags.value), (message): Failure => ({ message }))
    const width = yield* size("width", cfg.width, MIN_PLOT_WIDTH)
    const height = yield* size("height", cfg.height, MIN_PLOT_HEIGHT)
    const files = yield* expandFiles(cfg.files)
    const title = Option.getOrElse(cfg.title, () => cfg.files.map((f) => path.basename(f)).join(", "))
    const { svg, trend } = yield* trendSvg({ files, tags, since, until }, { zone: zone ?? "UTC", width, height, title }).pipe(
      Effect.mapError((e): Failure => ({ message: e.message }))
    )
    if (Option.isSome(cfg.output)) {
      const out = cfg.output.value
      yield* Effect.try({ try: () => fs.writeFileSync(out, svg), catch: (e): Failure => ({ message: `cannot write ${out}: ${e instanceof Error ? e.message : String(e)}` }) })
      if (cfg.verbosity > 0) yield* Console.error(`${out}: ${trend.series.length} series from ${trend.records} records`)
    } else {
      yield* Effect.sync(() => process.stdout.write(svg))
    }
    yield* reportCorrupt(Effect.succeed(trend.corrupt))
  }).pipe(oneLine("plot"))
