/**
 * Logging for the CLI: `-v` raises the level (warning → info → debug → trace); `-l FILE` writes a
 * rotating log (10 MB × 5 copies) instead of the console.
 */
import { Cause, Effect, HashMap, Layer, Logger, LogLevel } from "effect"
import { createStream } from "rotating-file-stream"

const render = ({ annotations, cause, date, logLevel, message }: Logger.Logger.Options<unknown>): string => {
  const text = (Array.isArray(message) ? message : [message])
    .map((m) => (typeof m === "string" ? m : JSON.stringify(m)))
    .join(" ")
  const notes = HashMap.reduce(annotations, "", (acc, v, k) => `${acc} ${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
  const err = Cause.isEmpty(cause) ? "" : `\n${Cause.pretty(cause)}`
  return `${date.toISOString()} ${logLevel.label.padEnd(7)} ${text}${notes}${err}\n`
}

export const levelFor = (verbosity: number): LogLevel.LogLevel =>
  verbosity <= 0 ? LogLevel.Warning : verbosity === 1 ? LogLevel.Info : verbosity === 2 ? LogLevel.Debug : LogLevel.Trace

/** A logger writing lines to a rotating file (10 MB, 5 rotated copies). */
export const fileLogger = (path: string) =>
  Logger.replaceScoped(
    Logger.defaultLogger,
    Effect.acquireRelease(
      Effect.sync(() => createStream(path, { size: "10M", rotate: 5 })),
      (stream) => Effect.async<void>((resume) => { stream.end(() => resume(Effect.void)) })
    ).pipe(Effect.map((stream) => Logger.make((o) => { stream.write(render(o)) })))
  )

/** Plain lines on stderr (stdout is kept for `--print` and `-A` output). */
const stderrLogger = Logger.make((o) => { process.stderr.write(render(o)) })

/** The logging layer for a command: level from `-v` count, file when `-l` is given. */
export const loggingLayer = (verbosity: number, file: string | undefined) =>
  Layer.mergeAll(
    file !== undefined ? fileLogger(file) : Logger.replace(Logger.defaultLogger, stderrLogger),
    Logger.minimumLogLevel(levelFor(verbosity))
  )
