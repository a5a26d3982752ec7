/**
 * `-v` counts as the README says (src/cli/logging.ts): no `-v` shows warnings (and errors), `-v`
 * info, `-vv` debug, `-vvv` (or more) trace. Checked through the logging layer the commands use,
 * writing to a log file (`-l`), by which lines reach it.
 */
import { describe, expect, it } from "@effect/vitest"
import { Cause, Effect, Fiber, LogLevel } from "effect"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { levelFor, loggingLayer } from "../../src/cli/logging.js"

/** The levels of the lines that reach the log file at this verbosity, one of each logged. */
const logged = (verbosity: number) =>
  Effect.gen(function* () {
    const dir = mkdtempSync(join(tmpdir(), "cpppo-levels-"))
    const file = join(dir, "log")
    yield* Effect.scoped(Effect.gen(function* () {
      yield* Effect.logTrace("t")
      yield* Effect.logDebug("d")
      yield* Effect.logInfo("i")
      yield* Effect.logWarning("w")
      yield* Effect.logError("e")
    }).pipe(Effect.provide(loggingLayer(verbosity, file))))
    const text = readFileSync(file, "utf8")
    rmSync(dir, { recursive: true, force: true })
    return text.split("\n").filter((l) => l !== "").map((l) => l.split(/\s+/)[1])
  })

describe("-v levels", () => {
  it("warning without -v, info with -v, debug with -vv, trace from -vvv", () => {
    expect([-1, 0, 1, 2, 3, 6].map((v) => levelFor(v))).toEqual([
      LogLevel.Warning, LogLevel.Warning, LogLevel.Info, LogLevel.Debug, LogLevel.Trace, LogLevel.Trace
    ])
  })

  it.live("the lines that reach the -l file at each -v count", () =>
    Effect.gen(function* () {
      expect(yield* logged(0)).toEqual(["WARN", "ERROR"])
      expect(yield* logged(1)).toEqual(["INFO", "WARN", "ERROR"])
      expect(yield* logged(2)).toEqual(["DEBUG", "INFO", "WARN", "ERROR"])
      expect(yield* logged(3)).toEqual(["TRACE", "DEBUG", "INFO", "WARN", "ERROR"])
    }))
})

/** The lines a log file holds after `body` ran under loggingLayer(verbosity, FILE). */
const fileText = <E>(verbosity: number, body: Effect.Effect<void, E>) =>
  Effect.gen(function* () {
    const dir = mkdtempSync(join(tmpdir(), "cpppo-lines-"))
    const file = join(dir, "log")
    yield* Effect.scoped(body.pipe(Effect.provide(loggingLayer(verbosity, file))))
    const text = readFileSync(file, "utf8")
    rmSync(dir, { recursive: true, force: true })
    return text
  })

describe("a log line (-l FILE, or stderr without it)", () => {
  // The TestClock's time: every line starts with 1970-01-01T00:00:00.000Z.
  const T0 = "1970-01-01T00:00:00.000Z"

  it.effect("date, level padded to 7 columns, the message's parts joined by a space (non-text as JSON), annotations as key=value", () =>
    Effect.gen(function* () {
      const text = yield* fileText(1, Effect.gen(function* () {
        yield* Effect.logWarning("plain")
        yield* Effect.logInfo("parts", { a: 1, b: "x" }, 2, [3, "y"], "end")
        yield* Effect.logError("noted").pipe(Effect.annotateLogs("peer", "10.0.0.1"))
        yield* Effect.logError("counted").pipe(Effect.annotateLogs("n", 3))
        yield* Effect.logError("object").pipe(Effect.annotateLogs("o", { k: [1] }))
      }))
      expect(text).toBe([
        `${T0} WARN    plain`,
        `${T0} INFO    parts {"a":1,"b":"x"} 2 [3,"y"] end`,
        `${T0} ERROR   noted peer=10.0.0.1`,
        `${T0} ERROR   counted n=3`,
        `${T0} ERROR   object o={"k":[1]}`,
        ""
      ].join("\n"))
    }))

  it.effect("a cause logged with the message follows it, pretty-printed on the next lines; a fiber's unhandled failure (a message that is not a list) too", () =>
    Effect.gen(function* () {
      const text = yield* fileText(2, Effect.gen(function* () {
        yield* Effect.logError("failed", Cause.fail("disk full"))
        const fiber = yield* Effect.fork(Effect.fail("gone"))
        yield* Fiber.await(fiber)
      }))
      expect(text).toBe([
        `${T0} ERROR   failed`,
        "Error: disk full",
        `${T0} DEBUG   Fiber terminated with an unhandled error`,
        "Error: gone",
        ""
      ].join("\n"))
    }))

  it.effect("without -l the same lines go to stderr (stdout is left to -p and -A)", () =>
    Effect.gen(function* () {
      const err: Array<string> = []
      const out: Array<string> = []
      const saved = { err: process.stderr.write, out: process.stdout.write }
      process.stderr.write = ((chunk: string) => { err.push(String(chunk)); return true }) as typeof process.stderr.write
      process.stdout.write = ((chunk: string) => { out.push(String(chunk)); return true }) as typeof process.stdout.write
      yield* Effect.gen(function* () {
        yield* Effect.logDebug("hidden")
        yield* Effect.logInfo("shown", 7)
      }).pipe(Effect.provide(loggingLayer(1, undefined)), Effect.ensuring(Effect.sync(() => {
        process.stderr.write = saved.err
        process.stdout.write = saved.out
      })))
      expect(err.join("")).toBe(`${T0} INFO    shown 7\n`)
      expect(out).toEqual([])
    }))
})
