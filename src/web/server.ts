/**
 * The web server as a Layer: `GET /api…` (JSON or HTML by content negotiation), `GET /events`
 * (Server-Sent Events for the live page), `GET /history/…` (plots and series of history files,
 * see historyRoutes.ts) and `GET /` (the page), on @effect/platform's HttpRouter
 * over node's http server. It binds only where told; with a token, state-changing commands need
 * `Authorization: Bearer TOKEN` while reads stay open.
 */
import { Headers, HttpRouter, HttpServer, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { NodeHttpServer, NodeHttpServerRequest } from "@effect/platform-node"
import { Context, Deferred, Duration, Effect, Either, Layer, Option, PubSub } from "effect"
import { timingSafeEqual } from "node:crypto"
import { createServer } from "node:http"
import { HistoryRecorder } from "../history/recorderService.js"
import { ServerControl } from "../server/control.js"
import { Fleet } from "../server/fleet.js"
import { ConnectionRegistry } from "../server/registry.js"
import { Simulator } from "../server/simulator.js"
import { TagStore } from "../tags/tagStore.js"
import { answer, answerMany, type ApiTarget, refusal } from "./api.js"
import type { ReplayService } from "../replay/replay.js"
import type { SignalsService } from "../signals/engine.js"
import type { ApiServices } from "./groups.js"
import { asset } from "./assets.js"
import type { HistoryAccess } from "./historyRoutes.js"
import { apiHtml } from "./html.js"
import { bareController, makeFleetRouter, type WebController, webController, webControllers } from "./fleet.js"
import type { LiveHub, LiveStats } from "./live.js"
import { corsHeaders, crossSiteRefusal, hostAllowed, type OriginPolicy, originPolicy } from "./origin.js"
import { livePage } from "./page.js"
import type { ApiReply } from "./reply.js"
import { parseApiPath } from "./request.js"

export interface WebOptions {
  /** Interface to bind (e.g. `127.0.0.1`; `0.0.0.0` for all). */
  readonly host: string
  /** TCP port; 0 asks the OS for one (read it back from `WebServer`). */
  readonly port: number
  /** When set, state-changing commands need `Authorization: Bearer <token>`. */
  readonly token?: string
  /** How often the live page gets a full snapshot (default 1 second). */
  readonly snapshotInterval?: Duration.DurationInput
  /** How long tag events are gathered before being sent to the page (default 100 ms). */
  readonly eventBatch?: Duration.DurationInput
  /** History files served by `/history/…` (plots and trend data); none when absent. */
  readonly history?: HistoryAccess
  /** The signal generators the API controls (`options/signals`), when the simulator runs some. */
  readonly signals?: SignalsService | undefined
  /** The replay the API controls (`options/replay`), when the simulator plays a history. */
  readonly replay?: ReplayService | undefined
  /** Host names served besides IP addresses, `localhost` and this machine's name (`--web-host`). */
  readonly allowedHosts?: ReadonlyArray<string>
  /** Origins whose pages may read replies and send commands (`--web-cors`; `*` for any). Default none. */
  readonly cors?: ReadonlyArray<string>
  /** Most live pages (`/events` streams) at once (default 100). */
  readonly maxLiveStreams?: number
  /** Bytes a live page may have waiting before it counts as not reading and is dropped (default 256 KiB). */
  readonly liveBacklog?: number
}

export interface WebServerService {
  /** The bound address (the real port when 0 was asked for). */
  readonly host: string
  readonly port: number
  /** `http://host:port` (IPv6 hosts bracketed; 0.0.0.0 shown as 127.0.0.1 for local use). */
  readonly url: string
  /** The live pages: open, dropped, refused, and the events and messages built for all of them. */
  readonly liveStats: () => LiveStats
}

/** The running web server's bound address. */
export class WebServer extends Context.Tag("cpppo/web/WebServer")<WebServer, WebServerService>() {}

const COMMON_HEADERS = { "cache-control": "no-cache" } as const

/** Does the request carry the right bearer token? (Constant-time comparison.) */
export const authorized = (header: string | undefined, token: string): boolean => {
  const m = /^\s*Bearer\s+(\S+)\s*$/i.exec(header ?? "")
  if (m === null) return false
  const given = Buffer.from(m[1]!, "utf8")
  const want = Buffer.from(token, "utf8")
  return given.length === want.length && timingSafeEqual(given, want)
}

/**
 * JSON unless the client prefers HTML: a trailing `.json` forces JSON; a browser's
 * `Accept: text/html,…` gets HTML; `curl` (`*\/*`) and API clients get JSON.
 */
export const wantsHtml = (accept: string | undefined, json: boolean): boolean => {
  if (json || accept === undefined) return false
  let html = -1
  let js = -1
  for (const part of accept.split(",")) {
    // Spaces may stand on either side of each ";" (RFC 9110: OWS ";" OWS parameter).
    const [type, ...params] = part.toLowerCase().split(";").map((p) => p.trim())
    const qp = params.find((p) => p.startsWith("q="))
    const q = qp === undefined ? 1 : Number(qp.slice(2)) || 0
    if (type === "text/html" || type === "application/xhtml+xml") html = Math.max(html, q)
    if (type === "application/json") js = Math.max(js, q)
  }
  return html > 0 && html > js
}

const sinceOf = (url: URL): number | null => {
  const s = url.searchParams.get("since")
  if (s === null) return null
  const n = Number(s)
  return Number.isFinite(n) ? n : null
}

/** What the router shares with the live streams. */
export interface LiveControl {
  /** The live pages' hub. */
  readonly hub: LiveHub
  /** Told after every command that changed something, so pages update at once. */
  readonly changes: PubSub.PubSub<void>
}

export const tokenOf = (options: WebOptions) => (options.token !== undefined && options.token !== "" ? options.token : undefined)

const send = (req: HttpServerRequest.HttpServerRequest, query: string, json: boolean, reply: ApiReply, status: number, extra?: Record<string, string>) =>
  wantsHtml(req.headers["accept"], json)
    ? HttpServerResponse.html(apiHtml(query, reply)).pipe(HttpServerResponse.setStatus(status), HttpServerResponse.setHeaders(extra ?? {}))
    : HttpServerResponse.text(`${JSON.stringify(reply, null, 2)}\n`, { contentType: "application/json", status, headers: extra ?? {} })

/** The controllers an `/api` answers for: one (a simulator's own API) or a fleet's. */
export type ApiScope = ApiServices | ReadonlyArray<ApiTarget>

/**
 * A refused request's reply, with the alarms of the controllers the API answers for (a disabled
 * simulator's 401 says so, as its answers do); none for a request refused before it reaches any
 * (a foreign Host).
 */
const refused = (scope: ApiScope | undefined, message: string, since: number | null): ApiReply => refusal(scope ?? [], message, since)

/** `GET /api…`: parse, refuse other sites' commands, check the token for commands, answer, tell the live pages. */
export const apiHandler = (scope: ApiScope, options: WebOptions, changes: PubSub.PubSub<void>) => {
  const token = tokenOf(options)
  const policy = originPolicy(options.allowedHosts, options.cors)
  const many = Array.isArray(scope) ? (scope as ReadonlyArray<ApiTarget>) : undefined
  const s = many === undefined ? (scope as ApiServices) : undefined
  return Effect.gen(function* () {
    const req = yield* HttpServerRequest.HttpServerRequest
    const url = new URL(req.url, "http://localhost")
    const since = sinceOf(url)
    const query = url.pathname + url.search
    const parsed = parseApiPath(url.pathname)
    if (Either.isLeft(parsed)) return send(req, query, url.pathname.endsWith(".json"), refused(scope, parsed.left, since), 400)
    const path = parsed.right
    if (path.value !== undefined) {
      const crossSite = crossSiteRefusal(policy, { origin: req.headers["origin"], host: req.headers["host"], fetchSite: req.headers["sec-fetch-site"] })
      if (crossSite !== undefined) return send(req, query, path.json, refused(scope, crossSite, since), 403)
    }
    if (path.value !== undefined && token !== undefined && !authorized(req.headers["authorization"], token)) {
      return send(req, query, path.json, refused(scope, "this command changes the simulator: it needs Authorization: Bearer <token> (--web-token)", since), 401,
        { "www-authenticate": 'Bearer realm="cpppo"' })
    }
    const { reply, status } = yield* (s !== undefined ? answer(s, path, since) : answerMany(many!, path, since))
    if (path.value !== undefined && status === 200) yield* PubSub.publish(changes, undefined)
    return send(req, query, path.json, reply, status)
  })
}

/** CORS preflight for `/api`: only for the origins --web-cors allows (a browser then sends the real request). */
export const preflight = (options: WebOptions) => {
  const policy = originPolicy(options.allowedHosts, options.cors)
  return Effect.map(HttpServerRequest.HttpServerRequest, (req) => {
    const cors = corsHeaders(policy, req.headers["origin"])
    return "access-control-allow-origin" in cors
      ? HttpServerResponse.empty({
        status: 204,
        headers: { ...cors, "access-control-allow-methods": "GET, OPTIONS", "access-control-allow-headers": "Authorization, Accept", "access-control-max-age": "600" }
      })
      : HttpServerResponse.empty({ status: 403, headers: cors })
  })
}

/**
 * One controller's router over its services (`/`, `/events`, `/api…`, `/history/…`); with
 * `fleet`, its `/api` answers for every controller (a single simulator's API with the group
 * `controllers`). Unguarded: `guard` checks the Host and sets the headers of every response.
 */
export const makeRouter = (s: ApiServices, options: WebOptions, live: LiveControl, fleet?: ReadonlyArray<ApiTarget>) => {
  const api = apiHandler(fleet ?? s, options, live.changes)

  const events = Effect.gen(function* () {
    const req = yield* HttpServerRequest.HttpServerRequest
    const res = NodeHttpServerRequest.toServerResponse(req)
    const page = yield* live.hub.open({
      backlog: () => res.writableLength + (res.socket?.writableLength ?? 0),
      destroy: () => { res.destroy() }
    })
    if (page === undefined) {
      return HttpServerResponse.text("too many live pages are open; try again later\n", { status: 503, headers: { "retry-after": "5" } })
    }
    return HttpServerResponse.stream(page.stream, { contentType: "text/event-stream", headers: { "x-accel-buffering": "no" } })
  })

  // Loaded on first use: the history code brings the tz database into memory.
  const history = (route: "plot" | "series" | "files") =>
    Effect.flatMap(Effect.promise(() => import("./historyRoutes.js")), (m) => m.historyHandlers(options.history ?? {})[route])

  const router = HttpRouter.empty.pipe(
    HttpRouter.get("/", Effect.succeed(HttpServerResponse.html(livePage()))),
    HttpRouter.get("/events", events),
    HttpRouter.get("/api", api),
    HttpRouter.get("/api.json", api),
    HttpRouter.get("/api/*", api),
    HttpRouter.get("/history/plot", history("plot")),
    HttpRouter.get("/history/series", history("series")),
    HttpRouter.get("/history/files", history("files")),
    // The page's own files (uPlot, trends), from the package.
    HttpRouter.get("/assets/*", Effect.flatMap(HttpServerRequest.HttpServerRequest, (req) => asset(new URL(req.url, "http://localhost").pathname))),
    HttpRouter.options("/api", preflight(options)),
    HttpRouter.options("/api/*", preflight(options))
  )
  return router.pipe(Effect.catchTag("RouteNotFound", unroutable(fleet ?? s)))
}

/**
 * A request no route took: an /api path the router could not even decode (a malformed %-escape)
 * is a bad request (with the alarms of the controllers that API answers for); anything else is
 * not found. A simulator's router and a fleet's root both answer so.
 */
export const unroutable = (s: ApiScope) => (e: { readonly request: HttpServerRequest.HttpServerRequest }) =>
  Effect.succeed(e.request.url.startsWith("/api")
    ? send(e.request, e.request.url, true, refused(s, `malformed request path ${JSON.stringify(e.request.url)}`, null), 400)
    : HttpServerResponse.text("not found: try / or /api\n", { status: 404 }))

/**
 * Every request: the Host must be ours (DNS rebinding), and CORS headers go only to allowed
 * origins. `/healthz` and `/metrics` are read-only and answer any Host (Kubernetes probes and
 * Prometheus may use a Service's DNS name).
 */
export const guard = <E, R>(policy: OriginPolicy, routed: Effect.Effect<HttpServerResponse.HttpServerResponse, E, R | HttpServerRequest.HttpServerRequest>) =>
  Effect.gen(function* () {
    const req = yield* HttpServerRequest.HttpServerRequest
    const host = req.headers["host"]
    const path = req.url.replace(/\?.*$/, "")
    const message = `unknown Host ${JSON.stringify(host)}: use an IP address, localhost, or a name given with --web-host`
    const response = hostAllowed(policy, host) || path === "/healthz" || path === "/metrics"
      ? yield* routed
      : req.url.startsWith("/api")
        ? send(req, req.url, true, refused(undefined, message, null), 403)
        : HttpServerResponse.text(`${message}\n`, { status: 403 })
    return HttpServerResponse.setHeaders(response, Headers.fromInput({ ...COMMON_HEADERS, ...corsHeaders(policy, req.headers["origin"]) }))
  })

/**
 * The controllers to serve, from the context: the Fleet, else the Simulator, else a simulator
 * assembled from ServerControl, ConnectionRegistry and TagStore (apps composing their own Layers),
 * with the HistoryRecorder when there is one.
 */
const controllersInContext = Effect.gen(function* () {
  const fleet = yield* Effect.serviceOption(Fleet)
  if (Option.isSome(fleet)) return webControllers(fleet.value)
  const sim = yield* Effect.serviceOption(Simulator)
  if (Option.isSome(sim)) return [webController(sim.value, () => false)]
  const history = yield* Effect.serviceOption(HistoryRecorder)
  const s: ApiServices = {
    control: yield* ServerControl, registry: yield* ConnectionRegistry, tags: yield* TagStore,
    ...(Option.isSome(history) ? { history: history.value } : {})
  }
  return [bareController(s)]
})

/** Start the web server in the current scope, from the services in the context; returns its bound address. */
export const makeWebServer = (options: WebOptions) =>
  Effect.flatMap(controllersInContext, (controllers) => {
    // Signal generators and a replay given with the options belong to the one simulator.
    const { signals, replay } = options
    const moving = controllers.length === 1 && (signals !== undefined || replay !== undefined)
      ? [{ ...controllers[0]!, s: { ...controllers[0]!.s, signals: signals ?? controllers[0]!.s.signals, replay: replay ?? controllers[0]!.s.replay } }]
      : controllers
    return serveWeb(moving, options)
  })

/** Start the web server for these controllers in the current scope; returns its bound address. */
export const serveWeb = (controllers: ReadonlyArray<WebController>, options: WebOptions) =>
  Effect.gen(function* () {
    const stop = yield* Deferred.make<void>()
    const node = createServer()
    const http = yield* NodeHttpServer.make(() => node, { host: options.host, port: options.port })
    // Runs before the listener's own finalizer: end the live streams and drop kept-alive
    // connections, or node's close() would wait for them forever.
    yield* Effect.addFinalizer(() =>
      Deferred.succeed(stop, undefined).pipe(
        Effect.zipRight(Effect.sleep(Duration.millis(20))),
        Effect.zipRight(Effect.sync(() => node.closeAllConnections()))
      ))
    const { router, liveStats } = yield* makeFleetRouter(controllers, options, Deferred.await(stop))
    yield* HttpServer.serveEffect(router).pipe(Effect.provideService(HttpServer.HttpServer, http))
    const addr = http.address
    const host = addr._tag === "TcpAddress" ? addr.hostname : options.host
    const port = addr._tag === "TcpAddress" ? addr.port : options.port
    const shown = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host
    const url = `http://${shown.includes(":") ? `[${shown}]` : shown}:${port}`
    yield* Effect.logInfo(`web API and live page on ${url}${options.token ? " (commands need the token)" : ""}`)
    return { host, port, url, liveStats } satisfies WebServerService
  })

/**
 * The web API, live page, /healthz and /metrics as a Layer, providing the bound address. Serves
 * the Fleet in the context, else the Simulator, else ServerControl, ConnectionRegistry and
 * TagStore (the same instances the EtherNet/IP server uses).
 */
export const WebApiLive = (options: WebOptions) => Layer.scoped(WebServer, makeWebServer(options))
