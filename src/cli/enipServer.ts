import { Command } from "@effect/cli"
import { Console } from "effect"

/** `cpppo enip server` (placeholder until the simulator lands). */
export const serverCommand = Command.make("server", {}, () => Console.log("cpppo enip server: not yet implemented")).pipe(
  Command.withDescription("Run a simulated Logix controller (EtherNet/IP CIP server)")
)
