/**
 * `cpppo enip server` composition: the simulator Layer plus what the command line asks for —
 * the web API, printing of tag I/O, a history file — running until Ctrl-C or the web API's
 * `server/control/done`. The web and history modules are loaded only when asked for (they bring
 * the HTTP server and zlib code into memory).
 */
import { Context, Effect, Layer, Stream } from "effect"
import { type BoundAddress, EnipServer } from "../server/server.js"
import { ServerControl, type SimulatorConfig, SimulatorCoreLive, SimulatorListenersLive, TagStore } from "../server/simulator.js"
import { formatTagEvent } from "../tags/events.js"
import type { HistoryAccess } from "../web/historyRoutes.js"

export interface CliSimulatorConfig extends SimulatorConfig {
  readonly web?: {
    readonly host: string
    readonly port: number
    readonly token?: string
    readonly history?: HistoryAccess
    readonly cors?: ReadonlyArray<string>
    readonly allowedHosts?: ReadonlyArray<string>
  }
  readonly historize?: string
}

export interface SimulatorHooks {
  /** Called once listening, with the bound addresses. */
  readonly onListening?: (addresses: { readonly tcp: BoundAddress; readonly udp: BoundAddress | undefined; readonly web: BoundAddress | undefined }) => Effect.Effect<void>
  /** When set, every tag event is rendered (cpppo's `--print` lines) and passed here. */
  readonly onEvent?: ((line: string) => Effect.Effect<void>) | undefined
}

const loadWeb = Effect.promise(() => import("../web/server.js"))
const loadHistory = Effect.promise(() => Promise.all([import("../history/writer.js"), import("../history/recorder.js")]))

/**
 * Run the simulator until done (web API) or interrupted (Ctrl-C). Start-up order matters: the core
 * (tags, controller, control, registry) first, then every sink of tag events (printing, history),
 * and only then the listeners, so the first request is already recorded. Shutdown runs the other
 * way: listeners and sessions close, then history hands over its last events and flushes.
 */
export const runSimulator = (config: CliSimulatorConfig, hooks: SimulatorHooks = {}) =>
  Effect.gen(function* () {
    const core = yield* Layer.build(SimulatorCoreLive(config))
    const store = Context.get(core, TagStore)
    const control = Context.get(core, ServerControl)
    if (hooks.onEvent !== undefined) {
      const print = hooks.onEvent
      const queue = yield* store.subscribe
      yield* Effect.forkScoped(Stream.runForEach(Stream.fromQueue(queue), (e) => print(formatTagEvent(e))))
    }
    // The web API finds the history recorder here (to report losses), when there is one.
    let context = core
    if (config.historize !== undefined) {
      const [{ makeHistoryWriter }, { HistoryRecorder, makeHistoryRecorder }] = yield* loadHistory
      const writer = yield* makeHistoryWriter({ path: config.historize, rotate: { maxBytes: 10 * 1024 * 1024 } })
      const recorder = yield* makeHistoryRecorder(writer)
      yield* store.addSink(recorder.record, { congested: recorder.congested })
      context = Context.add(core, HistoryRecorder, recorder) as typeof core
    }
    const listeners = yield* Layer.build(SimulatorListenersLive(config).pipe(Layer.provide(Layer.succeedContext(context))))
    const server = Context.get(listeners, EnipServer)
    let web: BoundAddress | undefined
    if (config.web !== undefined) {
      const { WebApiLive, WebServer } = yield* loadWeb
      const ctx = yield* Layer.build(WebApiLive(config.web).pipe(Layer.provide(Layer.succeedContext(context))))
      const bound = Context.get(ctx, WebServer)
      web = { host: bound.host, port: bound.port }
    }
    if (hooks.onListening) yield* hooks.onListening({ tcp: server.address, udp: server.udpAddress, web })
    yield* control.awaitDone
    yield* Effect.logInfo("done: shutting down")
  }).pipe(Effect.scoped)
