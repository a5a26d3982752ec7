/** `cpppo modbus server|poll`: the Modbus/TCP simulator and poller. */
import { modbusPollCommand } from "./modbusPoll.js"
import { modbusServerCommand } from "./modbusServer.js"
import { group } from "./spec.js"

export const modbusCommand = group({ name: "modbus", summary: "Modbus/TCP: simulate a PLC, poll remote ones." }, [modbusServerCommand, modbusPollCommand])
