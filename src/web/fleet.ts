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
import { Effect, PubSub } from "effect"
import type { FleetService } from "../server/fleet.js"
import type { SimulatorService } from "../server/simulator.js"
import { ControllerStats } from "../server/stats.js"
import type { ApiTarget } from "./api.js"
import { fleetPage } from "./fleetPage.js"
import type { ApiServices } from "./groups.js"
import type { HistoryAccess } from "./historyRoutes.js"
import { makeMetricsRegistry, type MetricsSource, renderMetrics } from "./metrics.js"
import type { ControllerItem } from "./reply.js"
import { apiHandler, type LiveControl, makeRouter, preflight, type WebOptions } from "./server.js"

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

/** The web view of a running simulator of a fleet. */
export const webController = (sim: SimulatorService, stopped: () => boolean, history?: HistoryAccess): WebController => {
  const s: ApiServices = { control: sim.control, registry: sim.registry, tags: sim.tags }
  const address = `${sim.server.address.host.includes(":") ? `[${sim.server.address.host}]` : sim.server.address.host}:${sim.server.address.port}`
  return {
    name: sim.name,
    s,
    history,
    item: () => {
      const st = sim.control.unsafeState()
      let requests = 0
      for (const byStatus of sim.stats.requests.values()) for (const n of byStatus.values()) requests += n
      return {
        address,
        state: stopped() || st.done ? "done" : st.disabled ? "disabled" : "running",
        sessions: sim.registry.size(),
        requests,
        tags: sim.tags.tags.length,
        product: sim.device.identityConfig.productName,
        serial: sim.device.identityConfig.serial,
        delay: st.delay.value,
        errors: sim.tags.tags.filter((t) => t.error !== undefined).length
      }
    },
    up: () => {
      const st = sim.control.unsafeState()
      return st.listening || st.disabled || st.done || stopped()
    },
    metrics: { name: sim.name, stats: sim.stats, registry: sim.registry, control: sim.control, tags: sim.tags, cipConnections: () => sim.device.connections().length }
  }
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

/** The web controllers of a fleet, in its order; `history` gives each one's history access. */
export const webControllers = (fleet: FleetService, history?: (name: string) => HistoryAccess | undefined): ReadonlyArray<WebController> =>
  Array.from(fleet.controllers.values(), (sim) => webController(sim, () => fleet.stopped(sim.name), history?.(sim.name)))

/** The router for every controller, the fleet API, the fleet page, health and metrics. */
export const makeFleetRouter = (controllers: ReadonlyArray<WebController>, options: WebOptions, stop: LiveControl["stop"]) =>
  Effect.gen(function* () {
    const optionsOf = (c: WebController): WebOptions => (c.history !== undefined ? { ...options, history: c.history } : options)
    const targets: ReadonlyArray<ApiTarget> = controllers.map((c) => ({ name: c.name, s: c.s, item: c.item }))
    const routers = new Map<string, ReturnType<typeof makeRouter>>()
    const changes = new Map<string, PubSub.PubSub<void>>()
    for (const c of controllers) {
      const pubsub = yield* PubSub.sliding<void>(16)
      changes.set(c.name, pubsub)
      routers.set(c.name, makeRouter(c.s, optionsOf(c), { stop, changes: pubsub }))
    }
    const registry = makeMetricsRegistry(() => controllers.map((c) => c.metrics))
    const fleetChanges = yield* PubSub.sliding<void>(16)
    const single = controllers.length === 1 ? controllers[0]! : undefined
    // A single simulator keeps its page, feed and API at the root (with the controllers group).
    const root = single !== undefined
      ? makeRouter(single.s, optionsOf(single), { stop, changes: changes.get(single.name)! }, targets)
      : HttpRouter.empty.pipe(
          HttpRouter.get("/", Effect.succeed(HttpServerResponse.html(fleetPage()))),
          HttpRouter.get("/api", apiHandler(targets, options, fleetChanges)),
          HttpRouter.get("/api.json", apiHandler(targets, options, fleetChanges)),
          HttpRouter.get("/api/*", apiHandler(targets, options, fleetChanges)),
          HttpRouter.options("/api", preflight),
          HttpRouter.options("/api/*", preflight)
        )

    const healthz = Effect.sync(() => {
      const down = controllers.filter((c) => !c.up()).map((c) => c.name)
      return HttpServerResponse.unsafeJson(
        { status: down.length === 0 ? "ok" : "down", controllers: controllers.length, down },
        { status: down.length === 0 ? 200 : 503, headers: { "cache-control": "no-cache" } }
      )
    })
    const metrics = Effect.map(Effect.promise(() => renderMetrics(registry)), ({ body, contentType }) =>
      HttpServerResponse.text(body, { contentType, headers: { "cache-control": "no-cache" } }))

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
    return HttpRouter.empty.pipe(
      HttpRouter.get("/healthz", healthz),
      HttpRouter.get("/metrics", metrics),
      HttpRouter.all("*", dispatch),
      // A path the router cannot decode (a malformed %-escape): the root answers it (400 for /api).
      Effect.catchTag("RouteNotFound", () => root)
    )
  })

const safeDecode = (s: string): string | undefined => {
  try {
    return decodeURIComponent(s)
  } catch {
    return undefined
  }
}
