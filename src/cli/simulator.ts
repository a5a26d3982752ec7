/**
 * `cpppo enip server` composition: the simulator Layer plus what the command line asks for —
 * the web API, printing of tag I/O, a history file (src/cli/extras.ts) — running until Ctrl-C or
 * the web API's `server/control/done`.
 */
import { Effect, Layer } from "effect"
import type { ReplayOptions } from "../replay/replay.js"
import { type BoundAddress, EnipServer } from "../server/server.js"
import { ServerControl, SimulatorLive, type SimulatorConfig, TagStore } from "../server/simulator.js"
import type { AttributeFactory } from "../tags/attribute.js"
import { formatTagEvent } from "../tags/events.js"
import type { HistoryAccess } from "../web/historyRoutes.js"
import { startExtras } from "./extras.js"

export interface CliSimulatorConfig extends SimulatorConfig {
  readonly web?: { readonly host: string; readonly port: number; readonly token?: string; readonly history?: HistoryAccess }
  readonly historize?: string
  /** Signal specs (`Level=sine(period=60s)`) and their tick period. */
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

/** Run the simulator until done (web API) or interrupted (Ctrl-C). */
export const runSimulator = (config: CliSimulatorConfig, hooks: SimulatorHooks = {}, attributes?: Layer.Layer<AttributeFactory>) =>
  Effect.gen(function* () {
    const server = yield* EnipServer
    const control = yield* ServerControl
    const store = yield* TagStore
    // Built (and checked) first, started once printing, history and the web API listen, so
    // they see the first generated or replayed values too.
    const sig = config.signals
    const signals = sig !== undefined && sig.specs.length > 0
      ? yield* Effect.flatMap(loadSignals, (m) => m.makeSignals(store, sig.specs, {
          deferStart: true,
          ...(sig.periodMillis !== undefined ? { periodMillis: sig.periodMillis } : {}),
          ...(sig.paused !== undefined ? { paused: sig.paused } : {})
        }))
      : undefined
    const rep = config.replay
    const replay = rep !== undefined ? yield* Effect.flatMap(loadReplay, (m) => m.makeReplay(store, { ...rep, deferStart: true })) : undefined
    const web = yield* startExtras({
      web: config.web,
      historize: config.historize,
      print: hooks.onEvent !== undefined ? { format: formatTagEvent, line: hooks.onEvent } : undefined,
      moving: { signals, replay }
    })
    if (signals !== undefined) yield* signals.start
    if (replay !== undefined) yield* replay.start
    if (hooks.onListening) yield* hooks.onListening({ tcp: server.address, udp: server.udpAddress, web })
    yield* control.awaitDone
    yield* Effect.logInfo("done: shutting down")
  }).pipe(Effect.scoped, Effect.provide(attributes === undefined ? SimulatorLive(config) : Layer.provide(SimulatorLive(config), attributes)))
