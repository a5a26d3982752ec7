/**
 * What the simulators' command lines add around a device: printing of its tag events, a history
 * file of them, and the web API — for the EtherNet/IP simulator and the Modbus simulator alike
 * (each provides its own TagStore, ServerControl and ConnectionRegistry). The web and history
 * modules are loaded only when asked for (they bring the HTTP server and zlib code into memory).
 */
import { Effect, Layer, Option, Queue, Stream } from "effect"
import type { TypeRegistry } from "../cip/layout.js"
import type { BoundAddress } from "../server/server.js"
import type { TagEvent } from "../tags/events.js"
import { TagStore } from "../tags/tagStore.js"
import type { HistoryAccess } from "../web/historyRoutes.js"

export interface ExtrasConfig {
  readonly web?: { readonly host: string; readonly port: number; readonly token?: string; readonly history?: HistoryAccess } | undefined
  readonly historize?: string | undefined
  /** Print each tag event: rendered by `format`, passed to `print`. */
  readonly print?: { readonly format: (e: TagEvent, types: TypeRegistry) => string; readonly line: (text: string) => Effect.Effect<void> } | undefined
}

const loadWeb = Effect.promise(() => import("../web/server.js"))
const loadHistory = Effect.promise(() => Promise.all([import("../history/writer.js"), import("../history/historize.js")]))

/** Start printing, history and the web API in the current scope; returns the web address if any. */
export const startExtras = (config: ExtrasConfig) =>
  Effect.gen(function* () {
    const store = yield* TagStore
    if (config.print !== undefined) {
      const { format, line } = config.print
      yield* Effect.forkScoped(Stream.runForEach(store.events, (e) => line(format(e, store.types))))
    }
    if (config.historize !== undefined) {
      const [{ HistoryWriter }, { historize }] = yield* loadHistory
      const writer = yield* HistoryWriter.layer({ path: config.historize, rotate: { maxBytes: 10 * 1024 * 1024 } }).pipe(
        Layer.build,
        Effect.map((ctx) => ctx.unsafeMap.get(HistoryWriter.key) as typeof HistoryWriter.Service)
      )
      // Subscribe for the life of the run; on shutdown (Ctrl-C, done) the events still queued are
      // appended before the writer flushes and closes (finalizers run in reverse order).
      // The history holds the configured tags: a request for an unknown tag (an event without a
      // type) is printed with -p but not recorded.
      const queue = yield* store.subscribe
      const known = (e: TagEvent) => e.type !== undefined
      yield* Effect.addFinalizer(() =>
        Queue.takeAll(queue).pipe(
          Effect.flatMap((rest) => historize(Stream.fromIterable(rest).pipe(Stream.filter(known)))),
          Effect.provideService(HistoryWriter, writer)
        ))
      yield* Effect.forkScoped(
        historize(Stream.fromQueue(queue, { maxChunkSize: 1 }).pipe(Stream.filter(known))).pipe(Effect.provideService(HistoryWriter, writer))
      )
    }
    let web: BoundAddress | undefined
    if (config.web !== undefined) {
      const { WebApiLive, WebServer } = yield* loadWeb
      const ctx = yield* Layer.build(WebApiLive(config.web))
      const bound = Option.getOrThrow(Option.fromNullable(ctx.unsafeMap.get(WebServer.key) as typeof WebServer.Service | undefined))
      web = { host: bound.host, port: bound.port }
    }
    return web
  })
