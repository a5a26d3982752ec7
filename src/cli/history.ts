/**
 * `cpppo history cat|play|stats|plot FILES…`: print, replay, summarize and plot history files.
 * Each FILE stands for its series (FILE, FILE.1.gz, …); records come out in time order.
 * The work is in historyRun.ts and historyPlot.ts, loaded when a history command runs.
 */
import { Args, Command, Options } from "@effect/cli"
import { Effect } from "effect"
import { withExample } from "./examples.js"

const files = Args.text({ name: "FILE" }).pipe(Args.atLeast(1), Args.withDescription("history files (each with its rotations)"))
const since = Options.text("since").pipe(Options.optional, Options.withDescription("first time, e.g. '2014-07-16 04:00:00 MDT'"))
const until = Options.text("until").pipe(Options.optional, Options.withDescription("last time"))
const tz = Options.text("tz").pipe(Options.optional, Options.withDescription("zone for output and for times without one (IANA name)"))
const region = Options.text("region").pipe(
  Options.withDefault("CA,US,EU"),
  Options.withDescription("where zone abbreviations come from: country codes, EU, zone prefixes or zones, comma-separated")
)
// Parsed in the handler, so a bad value gets the same one-line error as every other mistake.
const speed = Options.text("speed").pipe(Options.withDefault("1"), Options.withDescription("playback speed factor (> 0)"))
const duration = Options.text("duration").pipe(Options.optional, Options.withDescription("historical time to play, e.g. 1h30m"))
const tags = Options.text("tags").pipe(Options.optional, Options.withDescription("tag elements to plot, e.g. 'SCADA[0-3],Speed' (default: every tag)"))
const output = Options.text("output").pipe(Options.withAlias("o"), Options.optional, Options.withDescription("SVG file to write (default: standard output)"))
const width = Options.integer("width").pipe(Options.withDefault(960), Options.withDescription("width in px"))
const height = Options.integer("height").pipe(Options.withDefault(480), Options.withDescription("height in px"))
const title = Options.text("title").pipe(Options.optional, Options.withDescription("title above the plot (default: the file names)"))
// bin.ts turns -v/-vv into --verbosity N; accepted here so history commands take -v too.
const verbosity = Options.integer("verbosity").pipe(Options.withDefault(0))

const catOptions = { files, since, until, tz, region, verbosity }
const playOptions = { speed, since, duration, tz, region, files, verbosity }
const statsOptions = { files, tz, verbosity }
export type CatConfig = Command.Command.ParseConfig<typeof catOptions>
export type PlayConfig = Command.Command.ParseConfig<typeof playOptions>
const plotOptions = { files, tags, since, until, tz, region, output, width, height, title, verbosity }
export type StatsConfig = Command.Command.ParseConfig<typeof statsOptions>
export type PlotConfig = Command.Command.ParseConfig<typeof plotOptions>

const load = Effect.promise(() => import("./historyRun.js"))

const cat = Command.make("cat", catOptions, (cfg) => Effect.flatMap(load, (m) => m.runCat(cfg))).pipe(
  Command.withDescription(withExample("cpppo history cat", "Print the records of history files in time order"))
)
const playCmd = Command.make("play", playOptions, (cfg) => Effect.flatMap(load, (m) => m.runPlay(cfg))).pipe(
  Command.withDescription(withExample("cpppo history play", "Print the records of history files with their original timing, at a speed factor"))
)
const stats = Command.make("stats", statsOptions, (cfg) => Effect.flatMap(load, (m) => m.runStats(cfg))).pipe(
  Command.withDescription(withExample("cpppo history stats", "Count records, time span, records per serial and corrupt records"))
)

const plot = Command.make("plot", plotOptions, (cfg) => Effect.flatMap(Effect.promise(() => import("./historyPlot.js")), (m) => m.runPlot(cfg))).pipe(
  Command.withDescription(withExample("cpppo history plot", "Plot tag values from history files as an SVG trend: one line per element, times in --tz"))
)

/** `cpppo history …` */
export const historyCommand = Command.make("history").pipe(
  Command.withDescription(withExample("cpppo history", "Read, summarize, play back and plot time-series history files")),
  Command.withSubcommands([cat, playCmd, stats, plot])
)
