/**
 * The `cpppo` command tree and how a command line runs: the argv check (argv.ts) first — help,
 * version, usage mistakes — then @effect/cli with case-sensitive options (`-a` is not `-A`).
 */
import { type CliApp, CliConfig, Command } from "@effect/cli"
import { Effect, Either, Layer } from "effect"
import { prepare } from "./argv.js"
import { clientCommand, clientExtraCommands } from "./enipClient.js"
import { fleetCommand } from "./enipFleet.js"
import { historizeCommand, serverCommand } from "./enipServer.js"
import { renderHelp } from "./help.js"
import { historyCommand } from "./history.js"
import { modbusCommand } from "./modbus.js"
import { group } from "./spec.js"
import { UsageError } from "./usage.js"

export const VERSION = "0.1.0"

const enip = group({ name: "enip", summary: "EtherNet/IP CIP: simulator, client and tools." },
  [serverCommand, fleetCommand, clientCommand, historizeCommand, ...clientExtraCommands])

/** The whole command tree (for the argv check and help). */
export const tree = group({
  name: "cpppo",
  summary: "EtherNet/IP CIP controller simulator and client, Modbus/TCP simulator and poller, and history tools (a TypeScript re-making of Python cpppo)."
}, [enip, modbusCommand, historyCommand])

const run = Command.run(tree.command, { name: "cpppo", version: VERSION })

/**
 * How @effect/cli parses: case-sensitive (its default folds case, so `-A` matched `-a` and a tag
 * after `-A` was read as the flag's value), and no built-in options (`--log-level`, `--wizard`,
 * `--completions`): the argv check answers `-h` and `--version` itself.
 */
export const CLI_CONFIG: CliConfig.CliConfig = CliConfig.make({ isCaseSensitive: true, showBuiltIns: false, finalCheckBuiltIn: false })
export const cliConfig = Layer.succeed(CliConfig.CliConfig, CLI_CONFIG)

/** What a command line produced: its output is written by the command; help and version here. */
export const cli = (args: ReadonlyArray<string>): Effect.Effect<void, unknown, CliApp.CliApp.Environment> =>
  Effect.suspend(() => {
    const checked = prepare(tree, args.slice(2))
    if (Either.isLeft(checked)) return Effect.fail(new UsageError({ message: checked.left }))
    const d = checked.right
    switch (d._tag) {
      case "Help":
        return Effect.sync(() => { process.stdout.write(renderHelp(d.path, VERSION, process.stdout.columns ?? 80)) })
      case "Version":
        return Effect.sync(() => { process.stdout.write(`${VERSION}\n`) })
      case "Run":
        return run([...args.slice(0, 2), ...d.argv]).pipe(
          Effect.provide(cliConfig)
        )
    }
  })
