/**
 * `-v` counts as the README says (src/cli/logging.ts): no `-v` shows warnings (and errors), `-v`
 * info, `-vv` debug, `-vvv` (or more) trace. Checked through the logging layer the commands use,
 * writing to a log file (`-l`), by which lines reach it.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, LogLevel } from "effect"
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
