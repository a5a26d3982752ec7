/**
 * Running a fleet from the command line: the controllers (server/fleet.ts), each with its event
 * sinks subscribed before it listens (`-p` lines prefixed by the controller's name, one history
 * file per controller), one web server for all (`-w`), until every controller is done or Ctrl-C.
 * The web and history modules are loaded only when asked for.
 */
import { Effect, Layer, Queue, Stream } from "effect"
import { basename, dirname, join } from "node:path"
import { type FleetMemberConfig, makeFleet } from "../server/fleet.js"
import type { BoundAddress } from "../server/server.js"
import type { SimulatorCore } from "../server/simulator.js"
import { formatTagEvent } from "../tags/events.js"

export interface FleetRunConfig {
  readonly controllers: ReadonlyArray<FleetMemberConfig>
  readonly web?: { readonly host: string; readonly port: number; readonly token?: string }
  /** History file per controller: `{name}` is replaced, else `-NAME` goes before the extension. */
  readonly historize?: string
}

export interface FleetHooks {
  /** Called once every controller listens: each `name`, TCP and UDP address; the web address. */
  readonly onListening?: (a: {
    readonly controllers: ReadonlyArray<{ readonly name: string; readonly tcp: BoundAddress; readonly udp: BoundAddress | undefined }>
    readonly web: BoundAddress | undefined
  }) => Effect.Effect<void>
  /** When set, every tag event is rendered (cpppo's `--print` line) and passed here with its controller. */
  readonly onEvent?: ((name: string, line: string) => Effect.Effect<void>) | undefined
}

/** `hist.jsonl` → `hist-plc1.jsonl`; `{name}` in the path is replaced instead when present. */
export const historyPathFor = (template: string, name: string): string => {
  if (template.includes("{name}")) return template.replaceAll("{name}", name)
  const base = basename(template)
  const dot = base.indexOf(".", 1)
  const file = dot < 0 ? `${base}-${name}` : `${base.slice(0, dot)}-${name}${base.slice(dot)}`
  return join(dirname(template), file)
}

const loadWeb = Effect.promise(() => Promise.all([import("../web/server.js"), import("../web/fleet.js")]))
const loadHistory = Effect.promise(() => Promise.all([import("../history/writer.js"), import("../history/historize.js")]))

/** Record every tag event of one controller; events still queued at shutdown are written first. */
const historySink = (core: SimulatorCore, path: string) =>
  Effect.gen(function* () {
    const [{ HistoryWriter }, { historize }] = yield* loadHistory
    const writer = yield* HistoryWriter.layer({ path, rotate: { maxBytes: 10 * 1024 * 1024 } }).pipe(
      Layer.build,
      Effect.map((ctx) => ctx.unsafeMap.get(HistoryWriter.key) as typeof HistoryWriter.Service)
    )
    const queue = yield* core.tags.subscribe
    yield* Effect.addFinalizer(() =>
      Queue.takeAll(queue).pipe(Effect.flatMap((rest) => historize(Stream.fromIterable(rest))), Effect.provideService(HistoryWriter, writer), Effect.ignore))
    yield* Effect.forkScoped(historize(Stream.fromQueue(queue, { maxChunkSize: 1 })).pipe(Effect.provideService(HistoryWriter, writer)))
  })

/** Run the fleet until every controller is done (web API) or interrupted (Ctrl-C). */
export const runFleet = (config: FleetRunConfig, hooks: FleetHooks = {}) =>
  Effect.gen(function* () {
    const print = hooks.onEvent
    const prepare = (core: SimulatorCore) =>
      Effect.gen(function* () {
        if (print !== undefined) {
          const queue = yield* core.tags.subscribe
          yield* Effect.forkScoped(Stream.runForEach(Stream.fromQueue(queue), (e) => print(core.name, formatTagEvent(e))))
        }
        if (config.historize !== undefined) yield* historySink(core, historyPathFor(config.historize, core.name))
      })
    const started = performance.now()
    const fleet = yield* makeFleet(config.controllers, { prepare })
    const startMs = performance.now() - started
    let web: BoundAddress | undefined
    if (config.web !== undefined) {
      const [{ serveWeb }, { webControllers }] = yield* loadWeb
      const bound = yield* serveWeb(webControllers(fleet), config.web)
      web = { host: bound.host, port: bound.port }
    }
    const sims = Array.from(fleet.controllers.values())
    if (hooks.onListening) {
      yield* hooks.onListening({ controllers: sims.map((s) => ({ name: s.name, tcp: s.server.address, udp: s.server.udpAddress })), web })
    }
    yield* Effect.logInfo(`fleet of ${sims.length} controller(s) listening (built and started in ${startMs.toFixed(0)} ms)`)
    yield* fleet.awaitAllDone
    yield* Effect.logInfo("done: every controller stopped")
  }).pipe(Effect.scoped)
