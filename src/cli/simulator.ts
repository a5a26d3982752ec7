/**
 * `cpppo enip server` composition: one simulated controller run as a fleet of one (cli/fleet.ts),
 * so printing, history, the web API, /healthz and /metrics are the same code for a server and for
 * every controller of `cpppo enip fleet`; it runs until Ctrl-C or the web API's
 * `server/control/done`.
 */
import { Effect, type Layer } from "effect"
import type { BoundAddress } from "../server/server.js"
import type { SimulatorConfig } from "../server/simulator.js"
import type { AttributeFactory } from "../tags/attribute.js"
import type { WebExtras } from "./extras.js"
import { runFleet } from "./fleet.js"

export interface CliSimulatorConfig extends SimulatorConfig {
  readonly web?: WebExtras
  readonly historize?: string
}

export interface SimulatorHooks {
  /** Called once listening, with the bound addresses. */
  readonly onListening?: (addresses: { readonly tcp: BoundAddress; readonly udp: BoundAddress | undefined; readonly web: BoundAddress | undefined }) => Effect.Effect<void>
  /** When set, every tag event is rendered (cpppo's `--print` lines) and passed here. */
  readonly onEvent?: ((line: string) => Effect.Effect<void>) | undefined
}

/**
 * Run the simulator until done (web API) or interrupted (Ctrl-C). Tags backed by custom
 * Attributes (the Modbus bridge, an app's own) come from the `AttributeFactory` in the context,
 * or from `attributes`.
 */
export const runSimulator = (config: CliSimulatorConfig, hooks: SimulatorHooks = {}, attributes?: Layer.Layer<AttributeFactory>) => {
  const { web, historize, ...sim } = config
  const name = sim.name ?? "plc"
  const { onListening, onEvent } = hooks
  const run = runFleet({
    controllers: [{ ...sim, name }],
    ...(web !== undefined ? { web: { ...web, history: () => web.history ?? { file: historize } } } : {}),
    historyFile: () => historize,
    limits: {
      ...(sim.maxSessionsPerPeer !== undefined ? { maxSessionsPerPeer: sim.maxSessionsPerPeer } : {}),
      ...(sim.maxBufferedBytes !== undefined ? { maxBytes: sim.maxBufferedBytes } : {})
    }
  }, {
    ...(onListening !== undefined ? { onListening: ({ controllers: [c], web }) => onListening({ tcp: c!.tcp, udp: c!.udp, web }) } : {}),
    onEvent: onEvent !== undefined ? (_name, line) => onEvent(line) : undefined
  }).pipe(
    // One controller: its own error, as the command line and apps know it (not the fleet's wrapper).
    Effect.catchTag("FleetStartError", (e) => Effect.fail(e.cause))
  )
  return attributes === undefined ? run : Effect.provide(run, attributes)
}
