/**
 * The web server of a fleet (and of one simulator: a one-entry fleet), one HTTP listener for all:
 *
 * - `/<name>/`, `/<name>/events`, `/<name>/api/…`: that controller's live page and
 *   cpppo-compatible API, exactly as a single simulator serves them at `/`;
 * - `/api/…`: every controller at once (items keyed `name/item`), plus the read-only group
 *   `controllers`; with one controller it is that controller's API;
 * - `/`: with one controller its live page, otherwise the fleet page listing the controllers;
 * - `/healthz`: 200 when every controller listens (one disabled or stopped on purpose counts as
 *   up), else 503 naming those that don't;
 * - `/metrics`: Prometheus metrics of every controller (web/metrics.ts).
 */
import { HttpRouter, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Duration, Effect, PubSub, Scope, Stream } from "effect"
import type { ModbusDeviceService } from "../modbus/device.js"
import type { FleetService } from "../server/fleet.js"
import type { SimulatorService } from "../server/simulator.js"
import { ControllerStats } from "../server/stats.js"
import type { ApiTarget } from "./api.js"
import { fleetPage } from "./fleetPage.js"
import type { ApiServices } from "./groups.js"
import type { HistoryRecorderService } from "../history/recorderService.js"
import type { ReplayService } from "../replay/replay.js"
import type { SignalsService } from "../signals/engine.js"
import type { HistoryAccess } from "./historyRoutes.js"
import { makeMetricsRegistry, type MetricsSource, renderMetrics } from "./metrics.js"
import type { ControllerItem } from "./reply.js"
import { type LiveHub, type LiveStats, makeLiveHub } from "./live.js"
import { originPolicy } from "./origin.js"
import { apiHandler, guard, type LiveControl, makeRouter, preflight, tokenOf, unroutable, type WebOptions } from "./server.js"

/** What the web server needs of one controller. */
export interface WebController {
  readonly name: string
  readonly s: ApiServices
  readonly item: () => ControllerItem
  /** Listening, or not listening on purpose (disabled, stopped). */
  readonly up: () => boolean
  readonly metrics: MetricsSource
  /** This controller's history file(s) for `/history/…` (default: the web options' `history`). */
  readonly history?: HistoryAccess | undefined
}

/** What the command line added around a controller: its history files for plots, its history recorder. */
export interface ControllerExtras {
  readonly history?: HistoryAccess | undefined
  /** Its history recorder: the API reports what it could not record (alarms). */
  readonly recorder?: HistoryRecorderService | undefined
  /** Its signal generators (`options/signals`), when it runs some. */
  readonly signals?: SignalsService | undefined
  /** The history played into its tags (`options/replay`), when there is one. */
  readonly replay?: ReplayService | undefined
}

/** What the web view reads of a device, whatever its kind. */
interface DeviceParts {
  readonly name: string
  readonly address: { readonly host: string; readonly port: number }
  readonly control: ApiServices["control"]
  readonly registry: ApiServices["registry"]
  readonly tags: ApiServices["tags"]
  readonly stats: ControllerStats
  readonly product: string
  readonly serial: number
  readonly cipConnections: () => number
}

/** The web view of one device: its item in `controllers`, health and metrics. */
const deviceView = (d: DeviceParts, s: ApiServices, stopped: () => boolean, history: HistoryAccess | undefined): WebController => {
  const address = `${d.address.host.includes(":") ? `[${d.address.host}]` : d.address.host}:${d.address.port}`
  return {
    name: d.name,
    s,
    history,
    item: () => {
      const st = d.control.unsafeState()
      let requests = 0
      for (const byStatus of d.stats.requests.values()) for (const n of byStatus.values()) requests += n
      return {
        address,
        state: stopped() || st.done ? "done" : st.disabled ? "disabled" : "running",
        sessions: d.registry.size(),
        requests,
        tags: d.tags.tags.length,
        product: d.product,
        serial: d.serial,
        delay: st.delay.value,
        errors: d.tags.tags.filter((t) => t.error !== undefined).length
      }
    },
    up: () => {
      const st = d.control.unsafeState()
      return st.listening || st.disabled || st.done || stopped()
    },
    metrics: { name: d.name, stats: d.stats, registry: d.registry, control: d.control, tags: d.tags, cipConnections: d.cipConnections }
  }
}

/** The web view of a running simulator of a fleet. */
export const webController = (sim: SimulatorService, stopped: () => boolean, extras: ControllerExtras = {}): WebController => {
  const { history, recorder, signals, replay } = extras
  const s: ApiServices = {
    control: sim.control, registry: sim.registry, tags: sim.tags, signals, replay,
    ...(recorder !== undefined ? { history: recorder } : {})
  }
  return deviceView({
    name: sim.name, address: sim.server.address, control: sim.control, registry: sim.registry, tags: sim.tags, stats: sim.stats,
    product: sim.device.identityConfig.productName, serial: sim.device.identityConfig.serial, cipConnections: () => sim.device.connections().length
  }, s, stopped, history)
}

/** The web view of a Modbus/TCP device of a fleet (`kind: modbus`): its registers are its tags. */
export const modbusWebController = (device: ModbusDeviceService, stopped: () => boolean, extras: ControllerExtras = {}): WebController => {
  const { history, recorder } = extras
  const s: ApiServices = { control: device.control, registry: device.registry, tags: device.tags, ...(recorder !== undefined ? { history: recorder } : {}) }
  return deviceView({ ...device, product: "Modbus/TCP", serial: 0, cipConnections: () => 0 }, s, stopped, history)
}

/** A controller known only by its services (no counters, no listener of its own to report). */
export const bareController = (s: ApiServices): WebController => {
  const stats = new ControllerStats()
  return {
    name: "plc",
    s,
    item: () => {
      const st = s.control.unsafeState()
      return {
        address: "", state: st.done ? "done" : st.disabled ? "disabled" : "running", sessions: s.registry.size(), requests: 0,
        tags: s.tags.tags.length, product: "", serial: 0, delay: st.delay.value, errors: s.tags.tags.filter((t) => t.error !== undefined).length
      }
    },
    up: () => true,
    metrics: { name: "plc", stats, registry: s.registry, control: s.control, tags: s.tags, cipConnections: () => 0 }
  }
}

/** The web controllers of a fleet, in its order; `extras` gives each one's history files and recorder. */
export const webControllers = (fleet: FleetService, extras?: (name: string) => ControllerExtras): ReadonlyArray<WebController> => [
  ...Array.from(fleet.controllers.values(), (sim) => webController(sim, () => fleet.stopped(sim.name), extras?.(sim.name))),
  ...Array.from(fleet.devices.values(), (d) => modbusWebController(d, () => fleet.stopped(d.name), extras?.(d.name)))
]

/** A controller's live hub, made on its first page (500 idle hubs would each wake 10 times a second). */
const lazyHub = (s: ApiServices, options: WebOptions, changes: PubSub.PubSub<void>, stop: Effect.Effect<void>, scope: Scope.Scope) =>
  Effect.gen(function* () {
    let made: LiveHub | undefined
    const get = yield* Effect.cached(makeLiveHub(s, {
      interval: options.snapshotInterval ?? Duration.seconds(1),
      batch: options.eventBatch ?? Duration.millis(100),
      tokenRequired: tokenOf(options) !== undefined,
      changed: Stream.fromPubSub(changes),
      ...(options.maxLiveStreams !== undefined ? { maxStreams: options.maxLiveStreams } : {}),
      ...(options.liveBacklog !== undefined ? { maxBacklog: options.liveBacklog } : {})
    }, stop).pipe(Scope.extend(scope), Effect.tap((h) => { made = h })))
    return {
      open: (connection) => Effect.flatMap(get, (h) => h.open(connection)),
      stats: () => made?.stats() ?? NO_PAGES
    } satisfies LiveHub
  })

const NO_PAGES: LiveStats = { pages: 0, events: 0, messages: 0, dropped: 0, refused: 0 }

/**
 * The router for every controller, the fleet API, the fleet page, health and metrics, behind
 * one Host/CORS guard; and the live pages' counters, summed over the controllers.
 */
export const makeFleetRouter = (controllers: ReadonlyArray<WebController>, options: WebOptions, stop: Effect.Effect<void>) =>
  Effect.gen(function* () {
    const scope = yield* Effect.scope
    const optionsOf = (c: WebController): WebOptions => (c.history !== undefined ? { ...options, history: c.history } : options)
    const targets: ReadonlyArray<ApiTarget> = controllers.map((c) => ({ name: c.name, s: c.s, item: c.item }))
    const routers = new Map<string, ReturnType<typeof makeRouter>>()
    const lives = new Map<string, LiveControl>()
    for (const c of controllers) {
      const changes = yield* PubSub.sliding<void>(16)
      const live: LiveControl = { hub: yield* lazyHub(c.s, optionsOf(c), changes, stop, scope), changes }
      lives.set(c.name, live)
      routers.set(c.name, makeRouter(c.s, optionsOf(c), live))
    }
    const registry = makeMetricsRegistry(() => controllers.map((c) => c.metrics))
    const fleetChanges = yield* PubSub.sliding<void>(16)
    const single = controllers.length === 1 ? controllers[0]! : undefined
    // A single simulator keeps its page, feed and API at the root (with the controllers group).
    const root = single !== undefined
      ? makeRouter(single.s, optionsOf(single), lives.get(single.name)!, targets)
      : HttpRouter.empty.pipe(
          HttpRouter.get("/", Effect.succeed(HttpServerResponse.html(fleetPage()))),
          HttpRouter.get("/api", apiHandler(targets, options, fleetChanges)),
          HttpRouter.get("/api.json", apiHandler(targets, options, fleetChanges)),
          HttpRouter.get("/api/*", apiHandler(targets, options, fleetChanges)),
          HttpRouter.options("/api", preflight(options)),
          HttpRouter.options("/api/*", preflight(options))
        ).pipe(Effect.catchTag("RouteNotFound", unroutable(targets)))

    const healthz = Effect.sync(() => {
      const down = controllers.filter((c) => !c.up()).map((c) => c.name)
      return HttpServerResponse.unsafeJson(
        { status: down.length === 0 ? "ok" : "down", controllers: controllers.length, down },
        { status: down.length === 0 ? 200 : 503 }
      )
    })
    const metrics = Effect.map(Effect.promise(() => renderMetrics(registry)), ({ body, contentType }) =>
      HttpServerResponse.text(body, { contentType }))

    // `/<name>/…` → that controller's router, with the prefix removed from the URL.
    const dispatch = Effect.gen(function* () {
      const req = yield* HttpServerRequest.HttpServerRequest
      const m = /^\/([^/?]+)(\/[^?]*)?(\?.*)?$/.exec(req.url)
      const name = m === null ? undefined : safeDecode(m[1]!)
      const router = name === undefined ? undefined : routers.get(name)
      if (router === undefined) return yield* root
      if (m![2] === undefined) return HttpServerResponse.empty({ status: 308, headers: { location: `/${m![1]}/${m![3] ?? ""}` } })
      return yield* Effect.provideService(router, HttpServerRequest.HttpServerRequest, req.modify({ url: `${m![2]}${m![3] ?? ""}` }))
    })
    const router = guard(originPolicy(options.allowedHosts, options.cors), HttpRouter.empty.pipe(
      HttpRouter.get("/healthz", healthz),
      HttpRouter.get("/metrics", metrics),
      HttpRouter.all("*", dispatch),
      // A path the router cannot decode (a malformed %-escape): dispatched all the same, by its
      // first segment (a controller's /api answers 400 naming the path, as the root's does).
      Effect.catchTag("RouteNotFound", () => dispatch)
    ))
    const liveStats = (): LiveStats => {
      const sum = { ...NO_PAGES }
      for (const l of lives.values()) {
        const st = l.hub.stats()
        for (const k of Object.keys(sum) as Array<keyof LiveStats>) sum[k] += st[k]
      }
      return sum
    }
    return { router, liveStats }
  })

const safeDecode = (s: string): string | undefined => {
  try {
    return decodeURIComponent(s)
  } catch {
    return undefined
  }
}
