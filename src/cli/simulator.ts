/**
 * `cpppo enip server` composition: the simulator Layer plus what the command line asks for —
 * the web API, printing of tag I/O, a history file — running until Ctrl-C or the web API's
 * `server/control/done`.
 */
import { Effect, Layer, Option, Stream } from "effect"
import { HistoryWriter } from "../history/writer.js"
import { historize } from "../history/historize.js"
import { type BoundAddress, EnipServer } from "../server/server.js"
import { ServerControl, SimulatorLive, type SimulatorConfig, TagStore } from "../server/simulator.js"
import { formatTagEvent } from "../tags/events.js"
import { WebApiLive, WebServer } from "../web/server.js"

export interface CliSimulatorConfig extends SimulatorConfig {
  readonly web?: { readonly host: string; readonly port: number; readonly token?: string }
  readonly historize?: string
}

export interface SimulatorHooks {
  /** Called once listening, with the bound addresses. */
  readonly onListening?: (addresses: { readonly tcp: BoundAddress; readonly udp: BoundAddress | undefined; readonly web: BoundAddress | undefined }) => Effect.Effect<void>
  /** When set, every tag event is rendered (cpppo's `--print` lines) and passed here. */
  readonly onEvent?: ((line: string) => Effect.Effect<void>) | undefined
}

/** Run the simulator until done (web API) or interrupted (Ctrl-C). */
export const runSimulator = (config: CliSimulatorConfig, hooks: SimulatorHooks = {}) =>
  Effect.gen(function* () {
    const server = yield* EnipServer
    const control = yield* ServerControl
    const store = yield* TagStore
    const web = yield* Effect.serviceOption(WebServer)
    if (hooks.onEvent !== undefined) {
      const print = hooks.onEvent
      yield* Effect.forkScoped(Stream.runForEach(store.events, (e) => print(formatTagEvent(e))))
    }
    const history = yield* Effect.serviceOption(HistoryWriter)
    if (Option.isSome(history)) {
      yield* Effect.forkScoped(historize(store.events).pipe(Effect.provideService(HistoryWriter, history.value)))
    }
    if (hooks.onListening) {
      yield* hooks.onListening({
        tcp: server.address,
        udp: server.udpAddress,
        web: Option.isSome(web) ? { host: web.value.host, port: web.value.port } : undefined
      })
    }
    yield* control.awaitDone
    yield* Effect.logInfo("done: shutting down")
  }).pipe(
    Effect.scoped,
    Effect.provide(
      Layer.mergeAll(
        config.web !== undefined ? WebApiLive(config.web) : Layer.empty,
        config.historize !== undefined ? HistoryWriter.layer({ path: config.historize, rotate: { maxBytes: 10 * 1024 * 1024 } }) : Layer.empty
      ).pipe(Layer.provideMerge(SimulatorLive(config)))
    )
  )
