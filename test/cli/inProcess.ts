/**
 * Test helper: a `cpppo` command line run inside the test process, exactly as bin.ts runs it
 * (the argv check, then @effect/cli and the command's handler), so mutation testing sees the
 * handlers' code (the built binary does not). Returns what the command printed on stdout and how
 * it ended: ok, a usage mistake (its one line, exit status 2), or another failure.
 */
import { ValidationError } from "@effect/cli"
import { NodeContext } from "@effect/platform-node"
import { Cause, Console, Effect, Exit } from "effect"
import { existsSync, readFileSync } from "node:fs"
import { cli } from "../../src/cli/main.js"
import { UsageError } from "../../src/cli/usage.js"

export interface Ran {
  /** What the command wrote to stdout. */
  readonly out: string
  /** "ok", "usage: <message>", "invalid" (an @effect/cli ValidationError) or "failed: <text>". */
  readonly end: string
  /** process.exitCode as the command left it (the handlers set 1 for failed operations). */
  readonly exitCode: number | undefined
}

/** Run `cpppo ARGS…` in-process (use it for commands that end on their own). */
export const runCpppo = (...args: ReadonlyArray<string>): Effect.Effect<Ran> =>
  Effect.gen(function* () {
    const chunks: Array<string> = []
    const write = process.stdout.write.bind(process.stdout)
    const savedCode = process.exitCode
    process.exitCode = undefined
    process.stdout.write = ((chunk: string | Uint8Array) => { chunks.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString()); return true }) as typeof process.stdout.write
    // Console.log lines (fleet --list, -A addresses) are stdout too.
    const captured = Console.consoleWith((base) => Effect.withConsole(cli(["node", "cpppo", ...args]),
      { ...base, log: (...xs: ReadonlyArray<unknown>) => Effect.sync(() => { chunks.push(`${xs.map(String).join(" ")}\n`) }) } as Console.Console))
    const exit = yield* Effect.exit(captured.pipe(Effect.provide(NodeContext.layer))).pipe(
      Effect.ensuring(Effect.sync(() => { process.stdout.write = write }))
    )
    const exitCode = process.exitCode as number | undefined
    process.exitCode = savedCode
    const end = Exit.match(exit, {
      onSuccess: () => "ok",
      onFailure: (cause) => {
        const f = Cause.failureOption(cause)
        if (f._tag === "Some" && f.value instanceof UsageError) return `usage: ${f.value.message}`
        if (f._tag === "Some" && ValidationError.isValidationError(f.value)) return "invalid"
        return `failed: ${Cause.pretty(cause).split("\n")[0]}`
      }
    })
    return { out: chunks.join(""), end, exitCode }
  })

/** The usage mistake a command line ends with ("ok" or another ending when it is not one). */
export const usageOf = (...args: ReadonlyArray<string>): Effect.Effect<string> =>
  Effect.map(runCpppo(...args), (r) => r.end.startsWith("usage: ") ? r.end.slice(7) : r.end)

/** A long-running command (a server) started in-process: its output so far, and its fiber. */
export interface Serving {
  readonly out: () => string
  /** Wait (up to 10 s) until the output has `lines` lines; they are returned. */
  readonly lines: (lines: number) => Effect.Effect<ReadonlyArray<string>>
}

/**
 * Start `cpppo ARGS…` in-process in the test's scope (interrupted when the scope closes, as
 * Ctrl-C does): for servers, with `-A` so the first line says where they listen.
 */
export const serveCpppo = (...args: ReadonlyArray<string>): Effect.Effect<Serving, never, import("effect").Scope.Scope> =>
  Effect.gen(function* () {
    const chunks: Array<string> = []
    const captured = Console.consoleWith((base) => Effect.withConsole(cli(["node", "cpppo", ...args]),
      { ...base, log: (...xs: ReadonlyArray<unknown>) => Effect.sync(() => { chunks.push(`${xs.map(String).join(" ")}\n`) }) } as Console.Console))
    const fiber = yield* Effect.forkScoped(captured.pipe(Effect.provide(NodeContext.layer)))
    const out = () => chunks.join("")
    const lines = (n: number) =>
      Effect.gen(function* () {
        for (let i = 0; i < 500; i++) {
          const ls = out().split("\n").filter((l) => l !== "")
          if (ls.length >= n) return ls.slice(0, n)
          if (fiber.unsafePoll() !== null) break
          yield* Effect.promise(() => new Promise((r) => setTimeout(r, 20)))
        }
        const exit = fiber.unsafePoll()
        throw new Error(`cpppo ${args.join(" ")}: ${n} lines not printed (${JSON.stringify(out())}; ${exit === null ? "running" : String(exit)})`)
      })
    return { out, lines }
  })

/** A file's text once it holds `needle` (or after 10 s: what it holds then, "" if it is not there). */
export const logWith = (file: string, needle: string) =>
  Effect.gen(function* () {
    let text = ""
    for (let i = 0; i < 250 && !text.includes(needle); i++) {
      yield* Effect.sleep("40 millis")
      text = existsSync(file) ? readFileSync(file, "utf8") : ""
    }
    return text
  })
