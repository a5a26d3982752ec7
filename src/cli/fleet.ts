/**
 * Running simulated controllers from the command line — a fleet (`cpppo enip fleet`) or a fleet
 * of one (`cpppo enip server`, through runSimulator): the controllers (server/fleet.ts) sharing
 * one ProcessLimits, each with its tag-event sinks started before it listens (`-p` printing, its
 * history recorder and file: see extras.ts), one web server for all (`-w`, each controller with
 * its own live hub and history), until every controller is done or Ctrl-C. The web module is
 * loaded only when asked for.
 */
import { Effect } from "effect"
import { basename, dirname, join } from "node:path"
import { type FleetMemberConfig, makeFleet } from "../server/fleet.js"
import type { BoundAddress } from "../server/server.js"
import type { SimulatorCore } from "../server/simulator.js"
import type { HistoryRecorderService } from "../history/recorderService.js"
import type { ProcessLimitsOptions } from "../server/limits.js"
import type { ReplayOptions, ReplayService } from "../replay/replay.js"
import type { SignalsService } from "../signals/engine.js"
import { formatTagEvent } from "../tags/events.js"
import { TagStore, type TagStoreService } from "../tags/tagStore.js"
import type { RegisterMap } from "../modbus/registers.js"
import type { HistoryAccess } from "../web/historyRoutes.js"
import { startSinks, type WebExtras } from "./extras.js"

export interface FleetRunConfig {
  readonly controllers: ReadonlyArray<FleetMemberConfig>
  readonly web?: Omit<WebExtras, "history"> & {
    /**
     * The history files the web API may plot for a controller (`/history/…`); by default its own
     * history file (`historyFile`). `--web-history DIR` adds a directory.
     */
    readonly history?: (name: string) => HistoryAccess
  }
  /** The history file of a controller (`--historize`), by name; none when absent or undefined. */
  readonly historyFile?: (name: string) => string | undefined
  /** The process-wide limits all controllers share (byte budget, sessions per peer, fd fit). */
  readonly limits?: ProcessLimitsOptions
  /** A controller's signal generators (`--signal`), by name; none when absent or undefined. */
  readonly signals?: (name: string) => SignalsConfig | undefined
  /** A history to play into a controller's tags (`--replay`), by name; none when absent or undefined. */
  readonly replay?: (name: string) => Omit<ReplayOptions, "deferStart"> | undefined
}

/** Signal specs (`Level=sine(period=60s)`), their tick period, and whether they start paused. */
export interface SignalsConfig {
  readonly specs: ReadonlyArray<string>
  readonly periodMillis?: number
  readonly paused?: boolean
}

const loadSignals = Effect.promise(() => import("../signals/engine.js"))
const loadReplay = Effect.promise(() => import("../replay/replay.js"))
const loadModbusPrint = Effect.promise(() => import("../modbus/print.js"))

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

/** Run the controllers until every one is done (web API) or interrupted (Ctrl-C). */
export const runFleet = (config: FleetRunConfig, hooks: FleetHooks = {}) =>
  Effect.gen(function* () {
    const print = hooks.onEvent
    const historyOf = (name: string) => config.historyFile?.(name)
    const recorders = new Map<string, HistoryRecorderService>()
    const moving = new Map<string, { signals?: SignalsService | undefined; replay?: ReplayService | undefined }>()
    // Each controller: its sinks first (they see the first values), then tags that move (before
    // the listeners, so no client reads a generated tag before its first value).
    const prepare = (core: SimulatorCore) =>
      Effect.gen(function* () {
        const { recorder } = yield* startSinks({
          print: print !== undefined ? { format: formatTagEvent, line: (line) => print(core.name, line) } : undefined,
          historize: historyOf(core.name)
        })
        if (recorder !== undefined) recorders.set(core.name, recorder)
        const sig = config.signals?.(core.name)
        const signals = sig !== undefined && sig.specs.length > 0
          ? yield* Effect.flatMap(loadSignals, (m) => m.makeSignals(core.tags, sig.specs, {
              ...(sig.periodMillis !== undefined ? { periodMillis: sig.periodMillis } : {}),
              ...(sig.paused !== undefined ? { paused: sig.paused } : {})
            }))
          : undefined
        const rep = config.replay?.(core.name)
        const replay = rep !== undefined ? yield* Effect.flatMap(loadReplay, (m) => m.makeReplay(core.tags, rep)) : undefined
        if (signals !== undefined || replay !== undefined) moving.set(core.name, { signals, replay })
      }).pipe(Effect.provideService(TagStore, core.tags))
    // Each Modbus device: its sinks (printing as `cpppo modbus server -p` prints, history).
    const prepareDevice = (device: { readonly name: string; readonly tags: TagStoreService; readonly registers: RegisterMap }) =>
      Effect.gen(function* () {
        const format = print !== undefined ? (yield* loadModbusPrint).formatRegisterEvent(device.registers) : undefined
        const { recorder } = yield* startSinks({
          print: print !== undefined && format !== undefined ? { format, line: (line) => print(device.name, line) } : undefined,
          historize: historyOf(device.name)
        })
        if (recorder !== undefined) recorders.set(device.name, recorder)
      }).pipe(Effect.provideService(TagStore, device.tags))
    const started = performance.now()
    const fleet = yield* makeFleet(config.controllers, { prepare, prepareDevice, ...(config.limits !== undefined ? { limits: config.limits } : {}) })
    const startMs = performance.now() - started
    let web: BoundAddress | undefined
    if (config.web !== undefined) {
      const [{ serveWeb }, { webControllers }] = yield* loadWeb
      const { history, ...options } = config.web
      const historyAccess = history ?? ((name: string) => ({ file: historyOf(name) }))
      const bound = yield* serveWeb(webControllers(fleet, (name) => ({ history: historyAccess(name), recorder: recorders.get(name), ...moving.get(name) })), options)
      web = { host: bound.host, port: bound.port }
    }
    // In the fleet file's order, whatever their kind.
    const bound = new Map<string, { readonly name: string; readonly tcp: BoundAddress; readonly udp: BoundAddress | undefined }>()
    for (const s of fleet.controllers.values()) bound.set(s.name, { name: s.name, tcp: s.server.address, udp: s.server.udpAddress })
    for (const d of fleet.devices.values()) bound.set(d.name, { name: d.name, tcp: d.address, udp: undefined })
    const listening = config.controllers.flatMap((c) => bound.get(c.name) ?? [])
    if (hooks.onListening) yield* hooks.onListening({ controllers: listening, web })
    if (listening.length > 1) {
      const modbus = fleet.devices.size > 0 ? ` (${fleet.devices.size} Modbus/TCP)` : ""
      yield* Effect.logInfo(`fleet of ${listening.length} controllers${modbus} listening (built and started in ${startMs.toFixed(0)} ms)`)
    }
    yield* fleet.awaitAllDone
    yield* Effect.logInfo(listening.length > 1 ? "done: every controller stopped" : "done: shutting down")
  }).pipe(Effect.scoped)
