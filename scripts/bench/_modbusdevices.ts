/**
 * N simulated Modbus PLCs in one process (makeModbusDevice, as a fleet would build them), for
 * the poller benchmark: `_modbusdevices.ts N REGISTERS…` prints "127.0.0.1:PORT,PORT,…".
 */
import { Effect, Logger, LogLevel } from "effect"
import { makeModbusDevice } from "../../src/modbus/device.js"

const [countText = "1", ...registers] = process.argv.slice(2)
const program = Effect.gen(function* () {
  const devices = yield* Effect.forEach(Array.from({ length: Number(countText) }, (_, i) => i), (i) =>
    makeModbusDevice({ name: `plc${i}`, host: "127.0.0.1", port: 0, registers: registers.length ? registers : ["40001-42000=1"] }))
  console.log(`127.0.0.1:${devices.map((d) => d.address.port).join(",")}`)
  yield* Effect.never
})
Effect.runPromise(program.pipe(Effect.scoped, Effect.provide(Logger.minimumLogLevel(LogLevel.Warning))))
