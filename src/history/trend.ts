/**
 * History files → series → SVG: what `cpppo history plot` and the web API's `/history/plot`
 * share. Reads the records of the range once, in constant memory per point kept.
 */
import { Data, Effect, Stream } from "effect"
import { plotSvg } from "./plot.js"
import { readHistoryCounted, type ReadError, seriesFiles } from "./reader.js"
import { collectSeries, type Series, type TagSelection } from "./series.js"
import type { Timestamp } from "./timestamp.js"

/** Why there is nothing to plot (or too much). */
export class PlotError extends Data.TaggedError("PlotError")<{ readonly message: string }> {}

export interface TrendRequest {
  /** History files; each stands for its series (FILE, FILE.1.gz, …). */
  readonly files: ReadonlyArray<string>
  /** Which tag elements; every tag and element found when undefined. */
  readonly tags?: ReadonlyArray<TagSelection> | undefined
  readonly since?: Timestamp | undefined
  readonly until?: Timestamp | undefined
  /** Most series plotted (default 64). */
  readonly maxSeries?: number
}

export interface Trend {
  readonly series: ReadonlyArray<Series>
  /** The time range plotted (epoch ms): since/until when given, else the data's. */
  readonly from: number | undefined
  readonly to: number | undefined
  readonly records: number
  readonly corrupt: number
}

/** Read the series of a request. */
export const readTrend = (request: TrendRequest): Effect.Effect<Trend, ReadError | PlotError> =>
  Effect.gen(function* () {
    const paths = [...new Set((yield* Effect.forEach(request.files, seriesFiles)).flat())]
    const { records, corrupt } = yield* readHistoryCounted(paths, { since: request.since, until: request.until })
    const maxSeries = request.maxSeries ?? 64
    const collector = collectSeries(request.tags, maxSeries)
    let count = 0
    let overflow = false
    yield* Stream.runForEach(records, (r) => Effect.sync(() => {
      count++
      if (!collector.add(r)) overflow = true
    }))
    if (overflow) return yield* new PlotError({ message: `more than ${maxSeries} series: choose the tags and elements to plot (--tags, or tags= on the web)` })
    const series = collector.series()
    if (series.length === 0) {
      const what = request.tags === undefined ? "no tag values" : `no values of ${request.tags.map((t) => t.first === undefined ? t.name : `${t.name}[${t.first}${t.last !== t.first ? `-${t.last}` : ""}]`).join(", ")}`
      return yield* new PlotError({ message: `${what} in ${count} record${count === 1 ? "" : "s"}${request.since !== undefined || request.until !== undefined ? " of the time range" : ""}` })
    }
    return { series, from: request.since?.millis, to: request.until?.millis, records: count, corrupt: yield* corrupt }
  })

/** Options of {@link trendSvg}. */
export interface TrendSvgOptions {
  readonly zone?: string | undefined
  readonly width?: number | undefined
  readonly height?: number | undefined
  readonly title?: string | undefined
}

/** Read and render: the SVG document of a request. */
export const trendSvg = (request: TrendRequest, options: TrendSvgOptions = {}): Effect.Effect<{ readonly svg: string; readonly trend: Trend }, ReadError | PlotError> =>
  Effect.map(readTrend(request), (trend) => ({
    trend,
    svg: plotSvg(trend.series, {
      zone: options.zone ?? "UTC",
      from: trend.from,
      to: trend.to,
      ...(options.width !== undefined ? { width: options.width } : {}),
      ...(options.height !== undefined ? { height: options.height } : {}),
      ...(options.title !== undefined ? { title: options.title } : {})
    })
  }))
