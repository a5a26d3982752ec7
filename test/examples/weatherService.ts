/**
 * A canned Open-Meteo-shaped weather service on 127.0.0.1 (node:http, port 0) for the custom-tag
 * example's tests: `/v1/search?name=CITY` and `/v1/forecast?latitude=..&current=temperature_2m`.
 */
import { Effect, type Scope } from "effect"
import * as http from "node:http"
import type { AddressInfo } from "node:net"

export interface City {
  readonly latitude: number
  readonly longitude: number
  readonly celsius: number
}

/** How the service answers: canned JSON, HTTP 500, or never (the request hangs). */
export type Mode = "ok" | "error500" | "hang"

export interface WeatherService {
  readonly url: string
  /** Paths with query strings, in arrival order. */
  readonly requests: Array<string>
  readonly cities: Map<string, City>
  mode: Mode
  /** Stop listening and drop every open connection (the service is down). */
  readonly close: Effect.Effect<void>
}

/** Start the service for the life of the scope. */
export const startWeatherService = (cities: Record<string, City>): Effect.Effect<WeatherService, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.async<WeatherService>((resume) => {
      const byName = new Map(Object.entries(cities))
      const service: { -readonly [K in keyof WeatherService]: WeatherService[K] } = {
        url: "", requests: [], cities: byName, mode: "ok", close: Effect.void
      }
      const json = (res: http.ServerResponse, code: number, body: unknown) => {
        res.writeHead(code, { "content-type": "application/json" })
        res.end(JSON.stringify(body))
      }
      const server = http.createServer((req, res) => {
        service.requests.push(req.url ?? "")
        if (service.mode === "hang") return
        if (service.mode === "error500") return json(res, 500, { error: true, reason: "boom" })
        const url = new URL(req.url ?? "/", "http://localhost")
        if (url.pathname === "/v1/search") {
          const city = byName.get(url.searchParams.get("name") ?? "")
          return json(res, 200, city === undefined ? { generationtime_ms: 0.1 } : {
            results: [{ name: url.searchParams.get("name"), latitude: city.latitude, longitude: city.longitude, country_code: "CA" }]
          })
        }
        if (url.pathname === "/v1/forecast") {
          const lat = Number(url.searchParams.get("latitude"))
          const city = [...byName.values()].find((c) => c.latitude === lat)
          if (city === undefined || url.searchParams.get("current") !== "temperature_2m") return json(res, 400, { error: true })
          return json(res, 200, { latitude: city.latitude, longitude: city.longitude, current: { time: "2026-11-25T20:00", temperature_2m: city.celsius } })
        }
        json(res, 404, { error: true })
      })
      const close = Effect.async<void>((done) => {
        server.close(() => done(Effect.void))
        server.closeAllConnections()
      })
      server.listen(0, "127.0.0.1", () => {
        service.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
        service.close = Effect.suspend(() => (server.listening ? close : Effect.void))
        resume(Effect.succeed(service))
      })
    }),
    (s) => s.close
  )
