/**
 * `cpppo modbus server` composition: one device (makeModbusDevice) plus printing, history and
 * the web API over its registers, until Ctrl-C or the web API's `server/control/done`.
 */
import { Effect } from "effect"
import { makeModbusDevice, type ModbusDeviceConfig } from "../modbus/device.js"
import { formatRegisterEvent } from "../modbus/print.js"
import { ServerControl } from "../server/control.js"
import { ConnectionRegistry } from "../server/registry.js"
import type { BoundAddress } from "../server/server.js"
import { TagStore } from "../tags/tagStore.js"
import { startExtras } from "./extras.js"

export interface ModbusServerRun {
  readonly device: ModbusDeviceConfig
  readonly web?: { readonly host: string; readonly port: number; readonly token?: string } | undefined
  readonly historize?: string | undefined
  readonly print?: ((line: string) => Effect.Effect<void>) | undefined
  readonly onListening?: (tcp: BoundAddress, web: BoundAddress | undefined) => Effect.Effect<void>
}

/** Run the simulated PLC until done (web API) or interrupted (Ctrl-C). */
export const runModbusServer = (run: ModbusServerRun) =>
  Effect.gen(function* () {
    const device = yield* makeModbusDevice(run.device)
    const web = yield* startExtras({
      web: run.web,
      historize: run.historize,
      print: run.print !== undefined ? { format: formatRegisterEvent(device.registers), line: run.print } : undefined
    }).pipe(
      Effect.provideService(TagStore, device.tags),
      Effect.provideService(ServerControl, device.control),
      Effect.provideService(ConnectionRegistry, device.registry)
    )
    if (run.onListening) yield* run.onListening(device.address, web)
    yield* device.control.awaitDone
    yield* Effect.logInfo("done: shutting down")
  }).pipe(Effect.scoped)
