/**
 * The simulator's options that make tags move: `--signal 'Level=sine(period=60s)'` (signal
 * generators, src/signals) and `--replay plant.hst.gz [--speed X] [--loop] [--since T] [--until T]`
 * (a recorded history played into the tags, src/replay). Checked here, before anything starts:
 * a bad spec, file or time is one `cpppo:` line.
 */
import { Effect, Either, Option } from "effect"
import type { TagSpec } from "../tags/spec.js"
import type { CliSimulatorConfig } from "./simulator.js"
import { flag, float, text, texts } from "./spec.js"
import { usage } from "./usage.js"

export const movingOptions = {
  signal: texts("signal", { metavar: "SPEC",
    help: "generate a tag's values: TARGET=EXPRESSION, e.g. 'Level=sine(amplitude=40, offset=50, period=60s)', 'SCADA[0-9]=ramp(rate=1)', 'Flow=Level*0.3+noise(0,1)'; repeatable" }),
  signalRate: float("signal-rate", { metavar: "SECONDS", default: 0.1, range: [0.001, 3600], help: "how often the signals are computed and written" }),
  paused: flag("paused", { help: "start with the signals and the replay paused: the web API's options/signals/enabled=true and options/replay/paused=false start them" }),
  replay: text("replay", { metavar: "FILE",
    help: "play the history FILE (cpppo enip poll --historize, or --historize) into the tags at its original timing; tags it records that are not given are made with the recorded types" }),
  speed: float("speed", { metavar: "X", default: 1, range: [1e-6, 1e9], help: "replay speed: recorded seconds per second" }),
  loop: flag("loop", { help: "replay from the beginning again at the end" }),
  since: text("since", { metavar: "TIME", help: "replay from TIME: seconds after the first record, or a time such as '2026-11-30 08:00:00' (UTC unless a zone is named)" }),
  until: text("until", { metavar: "TIME", help: "replay up to TIME (as --since)" })
}

interface MovingParsed {
  readonly signal: ReadonlyArray<string>
  readonly signalRate: number
  readonly paused: boolean
  readonly replay: Option.Option<string>
  readonly speed: number
  readonly loop: boolean
  readonly since: Option.Option<string>
  readonly until: Option.Option<string>
}

const loadReplay = Effect.promise(() => Promise.all([import("../replay/scan.js"), import("../replay/time.js"), import("../signals/parser.js")]))

/** A replay time option as a Timestamp, given the file's first record. */
const timeOption = (name: string, value: Option.Option<string>, first: import("../history/timestamp.js").Timestamp,
  parse: typeof import("../replay/time.js").parseReplayTime) =>
  Option.match(value, {
    onNone: () => Effect.succeed(undefined),
    onSome: (t) => Either.match(parse(t), { onLeft: (e) => usage(`--${name} ${e}`), onRight: (at) => Effect.succeed(at(first, first)) })
  })

/**
 * Check the signal and replay options and read the replay file's tags; returns the simulator's
 * signal and replay settings and the tag specs to add (recorded tags not given on the command line).
 */
export const prepareMoving = (o: MovingParsed, given: ReadonlyArray<TagSpec>) =>
  Effect.gen(function* () {
    const out: { signals?: CliSimulatorConfig["signals"]; replay?: CliSimulatorConfig["replay"]; tags: ReadonlyArray<TagSpec> } = { tags: [] }
    const replayOnly = Option.isNone(o.replay) &&
      (Option.isSome(o.since) || Option.isSome(o.until) || o.loop || o.speed !== 1)
    if (replayOnly) return yield* usage("--speed, --loop, --since and --until go with --replay FILE")
    if (o.signal.length === 0 && Option.isNone(o.replay)) return o.paused ? yield* usage("--paused goes with --signal or --replay FILE") : out
    const [{ scanHistory, replayTagSpecs }, { parseReplayTime }, { parseSignal }] = yield* loadReplay
    for (const s of o.signal) {
      const parsed = parseSignal(s)
      if (Either.isLeft(parsed)) return yield* usage(parsed.left.message)
    }
    if (o.signal.length > 0) out.signals = { specs: o.signal, periodMillis: o.signalRate * 1000, paused: o.paused }
    if (Option.isSome(o.replay)) {
      const file = o.replay.value
      const scan = yield* Effect.catchAll(scanHistory(file), (e) => usage(`--replay ${file}: ${e.message}`))
      if (scan.first === undefined || scan.last === undefined) return yield* usage(`--replay ${file}: no records to replay`)
      const since = yield* timeOption("since", o.since, scan.first, parseReplayTime)
      const until = yield* timeOption("until", o.until, scan.first, parseReplayTime)
      if (since !== undefined && until !== undefined && until.micros < since.micros) return yield* usage(`--until ${o.until.pipe(Option.getOrElse(() => ""))} is before --since`)
      const { specs, skipped } = replayTagSpecs(scan, given)
      for (const name of skipped) yield* Effect.logWarning(`--replay ${file}: ${name} is recorded but cannot be made a tag here (not replayed)`)
      out.tags = specs.slice(given.length)
      out.replay = { scan, speed: o.speed, loop: o.loop, paused: o.paused, ...(since !== undefined ? { since } : {}), ...(until !== undefined ? { until } : {}) }
    }
    return out
  })
