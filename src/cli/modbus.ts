/** `cpppo modbus server|poll`: the Modbus/TCP simulator and poller. */
import { Command } from "@effect/cli"
import { withExample } from "./examples.js"
import { modbusPollCommand } from "./modbusPoll.js"
import { modbusServerCommand } from "./modbusServer.js"

export const modbusCommand = Command.make("modbus").pipe(
  Command.withDescription(withExample("cpppo modbus", "Modbus/TCP: simulate a PLC, poll remote ones")),
  Command.withSubcommands([modbusServerCommand, modbusPollCommand])
)
