#!/usr/bin/env node
// Submodule imports: the package barrel loads HTTP, cluster and worker code the CLI may not need.
import { ValidationError } from "@effect/cli"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Cause, Console, Effect } from "effect"
import { cli } from "./main.js"
import { UsageError } from "./usage.js"

/** A failure's one-line description (the message of an Error or tagged error). */
const describe = (e: unknown): string => {
  if (typeof e === "object" && e !== null && "message" in e && typeof e.message === "string" && e.message !== "") return e.message
  if (typeof e === "object" && e !== null && "_tag" in e) return String(e._tag)
  return String(e)
}

/**
 * The argv check (argv.ts) reports usage mistakes before @effect/cli parses; should @effect/cli
 * still print one of its own errors (several lines, colours), it becomes one `cpppo: …` line.
 */
const oneLine = (args: ReadonlyArray<unknown>): string => {
  // eslint-disable-next-line no-control-regex
  const text = args.map(String).join(" ").replace(/\u001b\[[0-9;]*m/g, "").replace(/\s+/g, " ").trim()
  return text.startsWith("cpppo") ? text : `cpppo: ${text}`
}
const withOneLineErrors = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Console.consoleWith((base) =>
    Effect.withConsole(effect, { ...base, error: (...args: ReadonlyArray<unknown>) => base.error(oneLine(args)) } as Console.Console))

withOneLineErrors(cli(process.argv)).pipe(
  Effect.catchAllCause((cause) => {
    if (Cause.isInterruptedOnly(cause)) return Effect.void
    const failure = Cause.failureOption(cause)
    // Usage mistakes were printed by @effect/cli already: exit status 2, as CLI tools do.
    if (failure._tag === "Some" && ValidationError.isValidationError(failure.value)) {
      return Effect.sync(() => { process.exitCode = 2 })
    }
    if (failure._tag === "Some" && failure.value instanceof UsageError) {
      return Console.error(`cpppo: ${failure.value.message}`).pipe(Effect.zipRight(Effect.sync(() => { process.exitCode = 2 })))
    }
    const text = failure._tag === "Some" ? describe(failure.value) : Cause.pretty(cause).split("\n")[0] ?? "internal error"
    return Console.error(`cpppo: ${text}`).pipe(Effect.zipRight(Effect.sync(() => { process.exitCode = 1 })))
  }),
  Effect.provide(NodeContext.layer),
  NodeRuntime.runMain({ disableErrorReporting: true, disablePrettyLogger: true })
)
