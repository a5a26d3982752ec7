/**
 * `cpppo enip server` composition: the simulator Layer plus what the command line asks for —
 * the web API, printing of tag I/O, a history file — running until Ctrl-C or the web API's
 * `server/control/done`. The web and history modules are loaded only when asked for (they bring
 * the HTTP server and zlib code into memory).
 */
import { Effect, Layer, Option, Queue, Stream } from "effect"
import { type BoundAddress, EnipServer } from "../server/server.js"
import { ServerControl, SimulatorLive, type SimulatorConfig, TagStore } from "../server/simulator.js"
import { formatTagEvent } from "../tags/events.js"
import type { HistoryAccess } from "../web/historyRoutes.js"

export interface CliSimulatorConfig extends SimulatorConfig {
  readonly web?: { readonly host: string; readonly port: number; readonly token?: string; readonly history?: HistoryAccess }
  readonly historize?: string
}

export interface SimulatorHooks {
  /** Called once listening, with the bound addresses. */
  readonly onListening?: (addresses: { readonly tcp: BoundAddress; readonly udp: BoundAddress | undefined; readonly web: BoundAddress | undefined }) => Effect.Effect<void>
  /** When set, every tag event is rendered (cpppo's `--print` lines) and passed here. */
  readonly onEvent?: ((line: string) => Effect.Effect<void>) | undefined
}

const loadWeb = Effect.promise(() => import("../web/server.js"))
const loadHistory = Effect.promise(() => Promise.all([import("../history/writer.js"), import("../history/historize.js")]))

/** Run the simulator until done (web API) or interrupted (Ctrl-C). */
export const runSimulator = (config: CliSimulatorConfig, hooks: SimulatorHooks = {}) =>
  Effect.gen(function* () {
    const server = yield* EnipServer
    const control = yield* ServerControl
    const store = yield* TagStore
    if (hooks.onEvent !== undefined) {
      const print = hooks.onEvent
      yield* Effect.forkScoped(Stream.runForEach(store.events, (e) => print(formatTagEvent(e))))
    }
    if (config.historize !== undefined) {
      const [{ HistoryWriter }, { historize }] = yield* loadHistory
      const writer = yield* HistoryWriter.layer({ path: config.historize, rotate: { maxBytes: 10 * 1024 * 1024 } }).pipe(
        Layer.build,
        Effect.map((ctx) => ctx.unsafeMap.get(HistoryWriter.key) as typeof HistoryWriter.Service)
      )
      // Subscribe for the life of the run; on shutdown (Ctrl-C, done) the events still queued are
      // appended before the writer flushes and closes (finalizers run in reverse order).
      const queue = yield* store.subscribe
      yield* Effect.addFinalizer(() =>
        Queue.takeAll(queue).pipe(
          Effect.flatMap((rest) => historize(Stream.fromIterable(rest))),
          Effect.provideService(HistoryWriter, writer)
        ))
      yield* Effect.forkScoped(
        historize(Stream.fromQueue(queue, { maxChunkSize: 1 })).pipe(Effect.provideService(HistoryWriter, writer))
      )
    }
    let web: BoundAddress | undefined
    if (config.web !== undefined) {
      const { WebApiLive, WebServer } = yield* loadWeb
      const ctx = yield* Layer.build(WebApiLive(config.web))
      const bound = Option.getOrThrow(Option.fromNullable(ctx.unsafeMap.get(WebServer.key) as typeof WebServer.Service | undefined))
      web = { host: bound.host, port: bound.port }
    }
    if (hooks.onListening) yield* hooks.onListening({ tcp: server.address, udp: server.udpAddress, web })
    yield* control.awaitDone
    yield* Effect.logInfo("done: shutting down")
  }).pipe(Effect.scoped, Effect.provide(SimulatorLive(config)))
