/**
 * `cpppo history cat|play|stats|plot FILES…`: print, replay, summarize and plot history files.
 * Each FILE stands for its series (FILE, FILE.1.gz, …); records come out in time order.
 * The work is in historyRun.ts and historyPlot.ts, loaded when a history command runs.
 */
import type { Command } from "@effect/cli"
import { Effect } from "effect"
import { args, group, integer, leaf, text } from "./spec.js"

const files = args("FILE", { min: 1, help: "history files (each with its rotations FILE.1.gz, …)" })
const since = text("since", { metavar: "TIME", help: "first time, e.g. '2014-07-16 04:00:00 MDT'" })
const until = text("until", { metavar: "TIME", help: "last time" })
const tz = text("tz", { metavar: "ZONE", help: "zone for output and for times without one (IANA name, e.g. America/Edmonton)" })
const region = text("region", { metavar: "LIST", default: "CA,US,EU",
  help: "where zone abbreviations come from: country codes, EU, zone prefixes or zones, comma-separated" })
// Parsed in the handler, so a bad value gets the same one-line error as every other mistake.
const speed = text("speed", { metavar: "FACTOR", default: "1", help: "playback speed factor (> 0)" })
const duration = text("duration", { metavar: "DURATION", help: "historical time to play, e.g. 1h30m" })
const tags = text("tags", { metavar: "LIST", showDefault: "every tag", help: "tag elements to plot, e.g. 'SCADA[0-3],Speed'" })
const output = text("output", { short: "o", metavar: "FILE", showDefault: "standard output", help: "SVG file to write" })
// Checked by the plot itself (320..10000 wide, 200..10000 high), so its message names the limits.
const width = integer("width", { metavar: "PX", default: 960, help: "width in px (320..10000)" })
const height = integer("height", { metavar: "PX", default: 480, help: "height in px (200..10000)" })
const title = text("title", { metavar: "TEXT", showDefault: "the file names", help: "title above the plot" })
// The argv check turns -v/-vv into --verbosity N; accepted here so history commands take -v too.
const verbosity = integer("verbosity", { metavar: "N", default: 0, hidden: true, help: "log verbosity" })

const catOptions = { files, since, until, tz, region, verbosity }
const playOptions = { speed, since, duration, tz, region, files, verbosity }
const statsOptions = { files, tz, verbosity }
const plotOptions = { files, tags, since, until, tz, region, output, width, height, title, verbosity }
export type CatConfig = Command.Command.ParseConfig<typeof catOptions>
export type PlayConfig = Command.Command.ParseConfig<typeof playOptions>
export type StatsConfig = Command.Command.ParseConfig<typeof statsOptions>
export type PlotConfig = Command.Command.ParseConfig<typeof plotOptions>

const load = Effect.promise(() => import("./historyRun.js"))

const cat = leaf({
  name: "cat",
  summary: "Print the records of history files in time order."
}, catOptions, (cfg) => Effect.flatMap(load, (m) => m.runCat(cfg)))

const playCmd = leaf({
  name: "play",
  summary: "Print the records of history files with their original timing, at a speed factor."
}, playOptions, (cfg) => Effect.flatMap(load, (m) => m.runPlay(cfg)))

const stats = leaf({
  name: "stats",
  summary: "Count records, time span, records per serial and corrupt records."
}, statsOptions, (cfg) => Effect.flatMap(load, (m) => m.runStats(cfg)))

const plot = leaf({
  name: "plot",
  summary: "Plot tag values from history files as an SVG trend: one line per element, times in --tz."
}, plotOptions, (cfg) => Effect.flatMap(Effect.promise(() => import("./historyPlot.js")), (m) => m.runPlot(cfg)))

/** `cpppo history …` */
export const historyCommand = group({ name: "history", summary: "Read, summarize, play back and plot time-series history files." }, [cat, playCmd, stats, plot])
