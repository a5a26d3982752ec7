import { Command } from "@effect/cli"
import { Console } from "effect"

/** `cpppo enip client` (placeholder until the client lands). */
export const clientCommand = Command.make("client", {}, () => Console.log("cpppo enip client: not yet implemented")).pipe(
  Command.withDescription("Read and write tags and CIP attributes on an EtherNet/IP controller")
)

/** Extra `cpppo enip …` subcommands contributed by the client (e.g. get-attribute). */
export const clientExtraCommands: ReadonlyArray<Command.Command<string, never, never, unknown>> = []
