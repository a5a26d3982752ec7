/**
 * Test wiring for the web API: the real ServerControl, ConnectionRegistry and TagStore layers
 * with the web server on 127.0.0.1:0, and small fetch helpers.
 */
import { Effect, Layer, Schema } from "effect"
import * as http from "node:http"
import { ServerControlLive } from "../../src/server/control.js"
import { ConnectionRegistry, ConnectionRegistryLive, sessionKey } from "../../src/server/registry.js"
import { TagStore } from "../../src/tags/tagStore.js"
import { ApiReply } from "../../src/web/reply.js"
import { WebApiLive, WebServer, type WebOptions } from "../../src/web/server.js"

export const TAGS = ["SCADA=INT[10]", "TEXT=SSTRING", "FLAG=BOOL", "BIG=LINT[2]", "Speed@0x93/3/10=REAL"]

/** Services plus the web server, exposing all of them to the test. */
export const webEnv = (options: Partial<WebOptions> = {}, tags: ReadonlyArray<string> = TAGS, udts?: ReadonlyArray<string>) => {
  const services = Layer.mergeAll(ServerControlLive(), ConnectionRegistryLive, TagStore.layer(tags, udts !== undefined ? { udts } : {}).pipe(Layer.orDie))
  return WebApiLive({ host: "127.0.0.1", port: 0, snapshotInterval: "200 millis", eventBatch: "20 millis", ...options }).pipe(
    Layer.provideMerge(services)
  )
}

export interface Fetched {
  readonly status: number
  readonly headers: Headers
  readonly text: string
}

export const fetchText = (path: string, init?: RequestInit) =>
  Effect.gen(function* () {
    const { url } = yield* WebServer
    return yield* Effect.promise(async (): Promise<Fetched> => {
      const res = await fetch(url + path, { ...init, signal: AbortSignal.timeout(5000) })
      return { status: res.status, headers: res.headers, text: await res.text() }
    })
  })

/** GET an API path and decode the reply with the ApiReply Schema (so the shape is checked too). */
export const api = (path: string, init?: RequestInit) =>
  Effect.map(fetchText(path, init), (r) => ({ ...r, reply: Schema.decodeUnknownSync(ApiReply)(JSON.parse(r.text)) }))

/** A fake session in the registry whose drop() removes it, as the server's session finalizer does. */
export const addSession = (address: string, port: number) =>
  Effect.gen(function* () {
    const registry = yield* ConnectionRegistry
    const key = sessionKey(address, port)
    const dropped = { count: 0 }
    registry.add({
      key, interface: address, port, local: "127.0.0.1", localPort: 44818, since: Date.now(),
      received: 48, requests: 2, eof: false,
      drop: () => { dropped.count++; registry.remove(key) }
    })
    return { key, dropped }
  })

/** The `command` of a reply as a result (fails the test if it is null or `{}`). */
export const commandOf = (reply: ApiReply) => {
  const c = reply.command
  if (c === null || !("success" in c)) throw new Error(`no command result in ${JSON.stringify(reply)}`)
  return c
}

/** A raw HTTP answer: status, headers and body as text. */
export interface Got { readonly status: number; readonly headers: http.IncomingHttpHeaders; readonly body: string }

/** A request with chosen headers and method through node:http (fetch will not set Host). */
export const httpGet = (url: string, headers: Record<string, string> = {}, method = "GET") =>
  new Promise<Got>((resolve, reject) => {
    const req = http.request(url, { method, headers, timeout: 5000 }, (res) => {
      let body = ""
      res.on("data", (d: Buffer) => { body += d.toString("utf8") })
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on("error", reject)
    req.end()
  })
