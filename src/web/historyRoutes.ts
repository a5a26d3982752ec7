/**
 * History over HTTP: `GET /history/plot?…` (an SVG trend, the rendering of `cpppo history plot`),
 * `GET /history/series?…` (the same series as JSON, for the live page's trends) and
 * `GET /history/files` (what may be plotted). Only the simulator's own history file
 * (`--historize`) and files under a directory the operator named (`--web-history DIR`) can be
 * read: a file is named relative to that directory, never by a path from the URL.
 */
import { HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Effect, Either } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { makeZoneRegistry } from "../history/zoneRegistry.js"
import { canonicalZone } from "../history/tzdb.js"
import { parseTagSelection, type Series } from "../history/series.js"
import { Timestamp } from "../history/timestamp.js"
import type { ReadError } from "../history/reader.js"
import { type PlotError, readTrend } from "../history/trend.js"
import { MIN_PLOT_HEIGHT, MIN_PLOT_WIDTH, plotSvg } from "../history/plot.js"

/** Which history files the web server may read. */
export interface HistoryAccess {
  /** The running simulator's history file (`--historize`): the default of every request. */
  readonly file?: string | undefined
  /** A directory whose files (and their rotations) may be named with `file=NAME`. */
  readonly dir?: string | undefined
}

/** A refusal: HTTP status and a one-line reason. */
export interface Refusal {
  readonly status: number
  readonly message: string
}
const refuse = (status: number, message: string): Either.Either<never, Refusal> => Either.left({ status, message })

const isFile = (p: string): boolean => {
  try {
    return fs.statSync(p).isFile()
  } catch {
    return false
  }
}

/**
 * The file a request names: none → the historize file; the historize file's own name → it; else
 * a relative name inside `dir` (no `..`, no absolute paths, no way out through links).
 */
export const resolveHistoryFile = (access: HistoryAccess, name: string | null): Either.Either<string, Refusal> => {
  if (name === null || name === "") {
    return access.file !== undefined ? Either.right(access.file) : refuse(404, "no history file: the simulator runs without --historize (name one with file=NAME from --web-history DIR)")
  }
  if (access.file !== undefined && name === path.basename(access.file)) return Either.right(access.file)
  if (access.dir === undefined) return refuse(404, `no history file ${JSON.stringify(name)}: only the simulator's own history can be plotted (serve a directory with --web-history DIR)`)
  if (name.includes("\0") || name.includes("\\") || path.isAbsolute(name) || name.split("/").some((s) => s === ".." || s === "." || s === "")) {
    return refuse(400, `bad file name ${JSON.stringify(name)}: a name relative to the history directory, without '..'`)
  }
  try {
    const root = fs.realpathSync(access.dir)
    const wanted = path.join(root, name)
    // The file itself may be a series whose live file is gone: check its directory, then it.
    const real = fs.existsSync(wanted) ? fs.realpathSync(wanted) : path.join(fs.realpathSync(path.dirname(wanted)), path.basename(wanted))
    if (!real.startsWith(root.endsWith(path.sep) ? root : root + path.sep)) return refuse(400, `bad file name ${JSON.stringify(name)}: outside the history directory`)
    return Either.right(real)
  } catch {
    return refuse(404, `no history file ${JSON.stringify(name)}`)
  }
}

/** The files a client may name: the historize file, then the files of `dir` (not their rotations). */
export const historyFiles = (access: HistoryAccess): ReadonlyArray<string> => {
  const out: Array<string> = []
  if (access.file !== undefined) out.push(path.basename(access.file))
  if (access.dir !== undefined) {
    try {
      for (const e of fs.readdirSync(access.dir).sort()) {
        if (/\.\d+(\.gz)?$/.test(e) || out.includes(e) || !isFile(path.join(access.dir, e))) continue
        out.push(e)
      }
    } catch {
      // an unreadable directory lists nothing
    }
  }
  return out
}

/** The parameters shared by /history/plot and /history/series. */
const parseQuery = (access: HistoryAccess, q: URLSearchParams) =>
  Effect.gen(function* () {
    const file = yield* resolveHistoryFile(access, q.get("file"))
    const tz = q.get("tz") ?? "UTC"
    if (!/^(utc|gmt|z)$/i.test(tz) && canonicalZone(tz) === undefined) return yield* refuse(400, `unknown time zone ${JSON.stringify(tz)}`)
    const registry = yield* Either.mapLeft(makeZoneRegistry(q.get("region") ?? "CA,US,EU"), (e): Refusal => ({ status: 400, message: e.message }))
    const time = (key: string) => {
      const text = q.get(key)
      if (text === null || text === "") return Either.right(undefined)
      // Epoch seconds (what the page sends), or a timestamp as the CLI takes it.
      if (/^\d+(\.\d+)?$/.test(text)) return Either.right(Timestamp.fromSeconds(Number(text)))
      return Either.mapLeft(Timestamp.parse(text, { registry, zone: tz }), (e): Refusal => ({ status: 400, message: `${key}: ${e.message}` }))
    }
    const since = yield* time("since")
    const until = yield* time("until")
    const tagsText = q.get("tags")
    const tags = tagsText === null || tagsText === "" ? undefined : yield* Either.mapLeft(parseTagSelection(tagsText), (message): Refusal => ({ status: 400, message }))
    return { file, tz, since, until, tags }
  })

const HEADERS = {
  "cache-control": "no-cache",
  "x-content-type-options": "nosniff",
  // Nothing in a trend runs or loads anything.
  "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'"
} as const

const text = (status: number, message: string) => HttpServerResponse.text(`${message}\n`, { status, headers: HEADERS })

// A plot's size: absent, the default; else a whole number of pixels from the narrowest the renderer
// draws (320 wide, 200 high, as `cpppo history plot` refuses below) to 4000, or a 400 (never silently
// another size).
const sizeParam = (q: URLSearchParams, key: string, min: number, fallback: number): Effect.Effect<number, Refusal> => {
  const given = q.get(key)
  if (given === null) return Effect.succeed(fallback)
  const n = given.trim() === "" ? NaN : Number(given)
  return Number.isInteger(n) && n >= min && n <= 4000
    ? Effect.succeed(n)
    : Effect.fail({ status: 400, message: `${key} must be a whole number of pixels ${min}..4000, not ${JSON.stringify(given)}` })
}

/** Most points per series in a JSON answer: more are thinned to the first/lowest/highest/last of each bucket. */
export const MAX_SERIES_POINTS = 2000

/** Thin a series to at most about `max` points, keeping each time bucket's first, lowest, highest and last. */
export const thinSeries = (s: Series, max: number): ReadonlyArray<readonly [number, number]> => {
  const { times, values } = s
  const n = times.length
  if (n <= max) return Array.from(times, (t, i) => [t, values[i]!] as const)
  const buckets = Math.max(1, Math.floor(max / 4))
  const t0 = times[0]!, span = Math.max(1, times[n - 1]! - t0)
  const out: Array<readonly [number, number]> = []
  let i = 0
  for (let b = 0; b < buckets && i < n; b++) {
    const end = t0 + ((b + 1) * span) / buckets
    const first = i
    let lo = i, hi = i, last = i
    for (; i < n && (times[i]! <= end || b === buckets - 1); i++) {
      if (values[i]! < values[lo]!) lo = i
      if (values[i]! > values[hi]!) hi = i
      last = i
    }
    for (const k of [...new Set([first, lo, hi, last])].sort((a, b) => a - b)) out.push([times[k]!, values[k]!])
  }
  return out
}

/**
 * Nothing to plot, or no such file: 404; a broken file: 500 with the line and reason. Files are
 * named by their base name only (a rotation by its own): a reply never shows a server's path.
 */
export const readRefusal = (file: string) => (e: ReadError | PlotError): Refusal =>
  e._tag === "PlotError" ? { status: 404, message: e.message }
    : e._tag === "HistoryIoError" && e.reason === "no such file" ? { status: 404, message: `no history file ${JSON.stringify(path.basename(file))}` }
    : { status: 500, message: e._tag === "HistoryIoError" ? `${path.basename(file)}: ${e.reason}` : `${path.basename(e.path)}:${e.line}: ${e.reason}` }

/** The handlers, for the router. */
export const historyHandlers = (access: HistoryAccess) => {
  const withQuery = <A>(f: (q: URLSearchParams) => Effect.Effect<A, Refusal>) =>
    Effect.gen(function* () {
      const req = yield* HttpServerRequest.HttpServerRequest
      return yield* f(new URL(req.url, "http://localhost").searchParams)
    })

  const plot = withQuery((q) =>
    Effect.gen(function* () {
      const p = yield* parseQuery(access, q)
      const width = yield* sizeParam(q, "width", MIN_PLOT_WIDTH, 960)
      const height = yield* sizeParam(q, "height", MIN_PLOT_HEIGHT, 480)
      const trend = yield* readTrend({ files: [p.file], tags: p.tags, since: p.since, until: p.until }).pipe(Effect.mapError(readRefusal(p.file)))
      const svg = plotSvg(trend.series, {
        zone: p.tz, from: trend.from, to: trend.to,
        width, height,
        title: q.get("title") ?? path.basename(p.file)
      })
      return HttpServerResponse.text(svg, { contentType: "image/svg+xml; charset=utf-8", headers: HEADERS })
    })).pipe(Effect.catchAll((r) => Effect.succeed(text(r.status, r.message))))

  const series = withQuery((q) =>
    Effect.gen(function* () {
      const p = yield* parseQuery(access, q)
      const trend = yield* readTrend({ files: [p.file], tags: p.tags, since: p.since, until: p.until }).pipe(
        Effect.catchTag("PlotError", () => Effect.succeed({ series: [] as ReadonlyArray<Series> })),
        Effect.mapError(readRefusal(p.file))
      )
      const body = { file: path.basename(p.file), series: trend.series.map((s) => ({ name: s.name, tag: s.tag, index: s.index, points: thinSeries(s, MAX_SERIES_POINTS) })) }
      return HttpServerResponse.text(JSON.stringify(body), { contentType: "application/json", headers: HEADERS })
    })).pipe(Effect.catchAll((r) => Effect.succeed(text(r.status, r.message))))

  const files = Effect.sync(() =>
    HttpServerResponse.text(JSON.stringify({ files: historyFiles(access) }), { contentType: "application/json", headers: HEADERS }))

  return { plot, series, files }
}
