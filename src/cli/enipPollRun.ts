/**
 * `cpppo enip poll` at work: the poller, a printer of changes, the history file they go to, and
 * the summary at the end (Ctrl-C or `--duration`).
 */
import { Console, Effect, Layer } from "effect"
import { Timestamp } from "../history/timestamp.js"
import { makeEnipPoller, type PollConfig, type PollSummary } from "../poll/poller.js"
import { formatPollChange, pollRecord } from "../poll/record.js"

export interface EnipPollRun extends Omit<PollConfig, "onChange"> {
  readonly historize: string | undefined
  readonly duration: number | undefined
  readonly quiet: boolean
}

const ms = (x: number) => x.toFixed(1)

export const formatPollSummary = (s: PollSummary): string =>
  `Poll summary: ${s.polls} polls in ${s.seconds.toFixed(1)} s (${(s.polls / Math.max(s.seconds, 1e-9)).toFixed(2)}/s), ` +
  `${s.reads} reads, ${s.values} values (${(s.values / Math.max(s.seconds, 1e-9)).toFixed(1)}/s), ${s.changes} changes, ` +
  `${s.errors} errors, ${s.connects} connects, ${s.gaps} gaps (${s.gapSeconds.toFixed(1)} s), ${s.missed} missed; ` +
  `poll ms min/p50/p99/max ${[s.latency.min, s.latency.p50, s.latency.p99, s.latency.max].map(ms).join("/")}` +
  (s.lastError !== undefined ? `; last error: ${s.lastError}` : "")

const loadWriter = Effect.promise(() => import("../history/writer.js"))

export const runEnipPoll = (run: EnipPollRun) =>
  Effect.gen(function* () {
    let append: ((serial: unknown, data: unknown, time: Timestamp) => Effect.Effect<void>) | undefined
    if (run.historize !== undefined) {
      const { HistoryWriter } = yield* loadWriter
      const ctx = yield* Layer.build(HistoryWriter.layer({
        path: run.historize,
        rotate: { maxBytes: 10 * 1024 * 1024 },
        // A gzipped file gets one member per flush: fewer, larger members compress better.
        flush: { everyMillis: run.historize.endsWith(".gz") ? 1000 : 100 }
      }))
      const writer = ctx.unsafeMap.get(HistoryWriter.key) as typeof HistoryWriter.Service
      append = (serial, data, time) =>
        writer.append(serial, data, time).pipe(Effect.catchAll((e) => Effect.logError(`history ${run.historize}: ${e.message}`)))
    }
    const { historize: _h, duration: _d, quiet, ...config } = run
    const poller = yield* makeEnipPoller({
      ...config,
      onChange: (c) =>
        Effect.gen(function* () {
          if (!quiet) yield* Console.log(formatPollChange(c))
          if (append !== undefined) {
            const { serial, data } = pollRecord(c)
            yield* append(serial, data, Timestamp.fromMillis(c.at))
          }
        })
    })
    // The summary is printed however the run ends (Ctrl-C interrupts the sleep below).
    yield* Effect.addFinalizer(() =>
      Effect.flatMap(poller.summary, (s) =>
        Effect.zipRight(Console.log(formatPollSummary(s)), Effect.sync(() => { if (s.polls === 0) process.exitCode = 1 }))))
    yield* run.duration !== undefined ? Effect.sleep(run.duration * 1000) : Effect.never
  }).pipe(Effect.scoped)
