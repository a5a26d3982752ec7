/**
 * `cpppo enip server` composition: the simulator Layer plus what the command line asks for —
 * the web API, printing of tag I/O, a history file (src/cli/extras.ts), signal generators and a
 * replay (src/signals, src/replay) — running until Ctrl-C or
 * the web API's `server/control/done`.
 */
import { Context, Effect, Layer } from "effect"
import { EnipServer } from "../server/server.js"
import type { ReplayOptions } from "../replay/replay.js"
import { ServerControl, type SimulatorConfig, SimulatorCoreLive, SimulatorListenersLive, TagStore } from "../server/simulator.js"
import type { AttributeFactory } from "../tags/attribute.js"
import { formatTagEvent } from "../tags/events.js"
import { startSinks, startWeb, type WebExtras } from "./extras.js"
import type { BoundAddress } from "../server/server.js"

export interface CliSimulatorConfig extends SimulatorConfig {
  readonly web?: WebExtras
  readonly historize?: string
  /** Signal specs (`Level=sine(period=60s)`), their tick period, and whether they start paused. */
  readonly signals?: { readonly specs: ReadonlyArray<string>; readonly periodMillis?: number; readonly paused?: boolean }
  /** A history to play into the tags. */
  readonly replay?: Omit<ReplayOptions, "deferStart">
}

const loadSignals = Effect.promise(() => import("../signals/engine.js"))
const loadReplay = Effect.promise(() => import("../replay/replay.js"))

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
    // Tags that move start after the sinks (which see their first values) and before the
    // listeners (so no client reads a generated tag before its first value).
    const store = Context.get(core, TagStore)
    const sig = config.signals
    const signals = sig !== undefined && sig.specs.length > 0
      ? yield* Effect.flatMap(loadSignals, (m) => m.makeSignals(store, sig.specs, {
          ...(sig.periodMillis !== undefined ? { periodMillis: sig.periodMillis } : {}),
          ...(sig.paused !== undefined ? { paused: sig.paused } : {})
        }))
      : undefined
    const rep = config.replay
    const replay = rep !== undefined ? yield* Effect.flatMap(loadReplay, (m) => m.makeReplay(store, rep)) : undefined
    const listeners = yield* Layer.build(SimulatorListenersLive(config).pipe(Layer.provide(Layer.succeedContext(core))))
    const server = Context.get(listeners, EnipServer)
    const web = yield* startWeb(config.web, sinks, { signals, replay }).pipe(Effect.provide(core))
    if (hooks.onListening) yield* hooks.onListening({ tcp: server.address, udp: server.udpAddress, web })
    yield* control.awaitDone
    yield* Effect.logInfo("done: shutting down")
  }).pipe(Effect.scoped)
