/**
 * `cpppo enip server` composition: the simulator Layer plus what the command line asks for —
 * the web API, printing of tag I/O, a history file (src/cli/extras.ts) — running until Ctrl-C or
 * the web API's `server/control/done`.
 */
import { Context, Effect, Layer } from "effect"
import { EnipServer } from "../server/server.js"
import { ServerControl, type SimulatorConfig, SimulatorCoreLive, SimulatorListenersLive } from "../server/simulator.js"
import type { AttributeFactory } from "../tags/attribute.js"
import { formatTagEvent } from "../tags/events.js"
import { startSinks, startWeb, type WebExtras } from "./extras.js"
import type { BoundAddress } from "../server/server.js"

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
 * Run the simulator until done (web API) or interrupted (Ctrl-C). Start-up order matters: the core
 * (tags, controller, control, registry) first, then every sink of tag events (printing, history),
 * and only then the listeners, so the first request is already recorded. Shutdown runs the other
 * way: listeners and sessions close, then history hands over its last events and flushes.
 */
export const runSimulator = (config: CliSimulatorConfig, hooks: SimulatorHooks = {}, attributes?: Layer.Layer<AttributeFactory>) =>
  Effect.gen(function* () {
    const coreLayer = attributes === undefined ? SimulatorCoreLive(config) : Layer.provide(SimulatorCoreLive(config), attributes)
    const core = yield* Layer.build(coreLayer)
    const control = Context.get(core, ServerControl)
    const sinks = yield* startSinks({
      historize: config.historize,
      print: hooks.onEvent !== undefined ? { format: formatTagEvent, line: hooks.onEvent } : undefined
    }).pipe(Effect.provide(core))
    const listeners = yield* Layer.build(SimulatorListenersLive(config).pipe(Layer.provide(Layer.succeedContext(core))))
    const server = Context.get(listeners, EnipServer)
    const web = yield* startWeb(config.web, sinks).pipe(Effect.provide(core))
    if (hooks.onListening) yield* hooks.onListening({ tcp: server.address, udp: server.udpAddress, web })
    yield* control.awaitDone
    yield* Effect.logInfo("done: shutting down")
  }).pipe(Effect.scoped)
