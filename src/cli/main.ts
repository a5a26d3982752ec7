import { type CliApp, Command } from "@effect/cli"
import type { Effect } from "effect"
import { clientCommand, clientExtraCommands } from "./enipClient.js"
import { historizeCommand, serverCommand } from "./enipServer.js"
import { pollCommand } from "./enipPoll.js"
import { historyCommand } from "./history.js"
import { withExample } from "./examples.js"
import { modbusCommand } from "./modbus.js"

export const VERSION = "0.1.0"

const enip = Command.make("enip").pipe(
  Command.withDescription(withExample("cpppo enip", "EtherNet/IP CIP: simulator, client and tools")),
  Command.withSubcommands([serverCommand, clientCommand, historizeCommand, pollCommand, ...clientExtraCommands])
)

/** The whole command tree (`cpppo …`). */
export const cpppoCommand = Command.make("cpppo").pipe(
  Command.withDescription(withExample("cpppo", "cpppo: EtherNet/IP CIP simulator and client, Modbus/TCP simulator and poller, DFA parsers, history")),
  Command.withSubcommands([enip, modbusCommand, historyCommand])
)

/** Parse argv (including node and script, as in process.argv) and run the command. */
export const cli: (args: ReadonlyArray<string>) => Effect.Effect<void, unknown, CliApp.CliApp.Environment> =
  Command.run(cpppoCommand, { name: "cpppo", version: VERSION })
