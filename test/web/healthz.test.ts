/**
 * The fleet's `/healthz` (README "Web API, health and metrics for a fleet"): 200 while every
 * controller listens (one disabled or stopped on purpose counts as up), else 503 naming those down.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Logger, LogLevel } from "effect"
import { makeFleet } from "../../src/server/fleet.js"
import { parseFleetConfig } from "../../src/server/fleetConfig.js"
import { webControllers } from "../../src/web/fleet.js"
import { serveWeb } from "../../src/web/server.js"

const FLEET = `
controllers:
  - name: plc
    count: 3
    address: 127.0.0.1:0
    tags: ["SCADA=INT[10]"]
`

describe("/healthz", () => {
  it.live("200 while every controller is up (disabled on purpose counts as up); 503 naming the ones not listening", () =>
    Effect.gen(function* () {
      const fleet = yield* makeFleet(Either.getOrThrow(parseFleetConfig(FLEET, "yaml")))
      const controllers = webControllers(fleet)
      let plc2Listening = true
      // plc2 as the web server sees a controller whose listener is gone without anyone asking.
      const watched = controllers.map((c) => (c.name === "plc2" ? { ...c, up: () => plc2Listening && c.up() } : c))
      const web = yield* serveWeb(watched, { host: "127.0.0.1", port: 0 })
      const health = () => Effect.promise(async () => {
        const r = await fetch(`http://127.0.0.1:${web.port}/healthz`)
        return { status: r.status, body: await r.json() }
      })
      expect(yield* health()).toEqual({ status: 200, body: { status: "ok", controllers: 3, down: [] } })
      yield* fleet.controllers.get("plc3")!.control.setDisabled(true)
      expect(yield* health()).toEqual({ status: 200, body: { status: "ok", controllers: 3, down: [] } })
      plc2Listening = false
      expect(yield* health()).toEqual({ status: 503, body: { status: "down", controllers: 3, down: ["plc2"] } })
    }).pipe(Effect.scoped, Effect.provide(Logger.minimumLogLevel(LogLevel.Warning))))
})
