/**
 * What the simulators' command lines add around a device: printing of its tag events, a history
 * file of them, and the web API — for the EtherNet/IP simulator and the Modbus simulator alike
 * (each provides its own TagStore, ServerControl and ConnectionRegistry). The web and history
 * modules are loaded only when asked for (they bring the HTTP server and zlib code into memory).
 *
 * Two phases, so that a simulator can open its listeners between them: `startSinks` (printing,
 * history) before any request can arrive — the first writes after start-up are recorded too —
 * and `startWeb` after.
 */
import { Effect, Layer, Option, Stream } from "effect"
import type { HistoryRecorderService } from "../history/recorderService.js"
import type { BoundAddress } from "../server/server.js"
import type { TagEvent } from "../tags/events.js"
import { TagStore } from "../tags/tagStore.js"
import type { HistoryAccess } from "../web/historyRoutes.js"

export interface WebExtras {
  readonly host: string
  readonly port: number
  readonly token?: string
  readonly history?: HistoryAccess
  /** Origins whose pages may use the API from a browser (`--web-cors`). */
  readonly cors?: ReadonlyArray<string>
  /** Host names answered to besides IP addresses, localhost and this machine's (`--web-host`). */
  readonly allowedHosts?: ReadonlyArray<string>
}

export interface ExtrasConfig {
  readonly web?: WebExtras | undefined
  readonly historize?: string | undefined
  /** Print each tag event: rendered by `format`, passed to `print`. */
  readonly print?: { readonly format: (e: TagEvent) => string; readonly line: (text: string) => Effect.Effect<void> } | undefined
}

/** What the sinks started: the history recorder, for the web API to report on. */
export interface Sinks {
  readonly recorder: HistoryRecorderService | undefined
}

const loadWeb = Effect.promise(() => import("../web/server.js"))
const loadHistory = Effect.promise(() => Promise.all([import("../history/writer.js"), import("../history/recorder.js")]))

/**
 * Start printing and history in the current scope, before the listeners open. History is a
 * synchronous TagStore sink feeding a batching recorder (nothing acknowledged is dropped on the
 * way; when it falls behind, the servers stop reading their sockets). On shutdown (finalizers run
 * in reverse order) the recorder hands its last events over, then the writer flushes and closes.
 */
export const startSinks = (config: Pick<ExtrasConfig, "historize" | "print">) =>
  Effect.gen(function* () {
    const store = yield* TagStore
    if (config.print !== undefined) {
      const { format, line } = config.print
      const queue = yield* store.subscribe
      yield* Effect.forkScoped(Stream.runForEach(Stream.fromQueue(queue), (e) => line(format(e))))
    }
    let recorder: HistoryRecorderService | undefined
    if (config.historize !== undefined) {
      const [{ makeHistoryWriter }, { makeHistoryRecorder }] = yield* loadHistory
      const writer = yield* makeHistoryWriter({ path: config.historize, rotate: { maxBytes: 10 * 1024 * 1024 } })
      const r = yield* makeHistoryRecorder(writer)
      // The history holds the configured tags: a request for an unknown tag (an event without a
      // type) is printed with -p but not recorded.
      yield* store.addSink((e) => { if (e.type !== undefined) r.record(e) }, { congested: r.congested })
      recorder = r
    }
    return { recorder } satisfies Sinks
  })

/** Start the web API in the current scope (after the listeners); returns its address if any. */
export const startWeb = (web: WebExtras | undefined, sinks: Sinks) =>
  Effect.gen(function* () {
    if (web === undefined) return undefined
    const [{ WebApiLive, WebServer }, { HistoryRecorder }] = yield* Effect.all([loadWeb, Effect.promise(() => import("../history/recorderService.js"))])
    const layer = sinks.recorder === undefined ? WebApiLive(web) : WebApiLive(web).pipe(Layer.provide(Layer.succeed(HistoryRecorder, sinks.recorder)))
    const ctx = yield* Layer.build(layer)
    const bound = Option.getOrThrow(Option.fromNullable(ctx.unsafeMap.get(WebServer.key) as typeof WebServer.Service | undefined))
    return { host: bound.host, port: bound.port } satisfies BoundAddress
  })

/** Sinks then web, for a device already listening (the Modbus simulator). */
export const startExtras = (config: ExtrasConfig) =>
  Effect.flatMap(startSinks(config), (sinks) => startWeb(config.web, sinks))
