/**
 * The fleet web API's read-only `controllers` group (README, "Web API, health and metrics for a
 * fleet"): each controller's item has exactly the fields `address state sessions requests tags
 * product serial delay errors`, each read from the running simulator (src/web/fleet.ts); its
 * state follows disable and stop; `up` (what /healthz reports) counts disabled and stopped as up.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Logger, LogLevel } from "effect"
import { Client } from "../../src/client/client.js"
import { makeSimulator } from "../../src/server/simulator.js"
import { webController } from "../../src/web/fleet.js"

const quiet = Logger.minimumLogLevel(LogLevel.Warning)

describe("the controllers group", () => {
  it.scopedLive("address state sessions requests tags product serial delay errors, from the running controller", () =>
    Effect.gen(function* () {
      const sim = yield* makeSimulator({
        name: "p", host: "127.0.0.1", port: 0, udp: false, tags: ["A=INT[4]", "B=DINT", "C=REAL"],
        identity: { productName: "Probe", serial: 0x1234 }
      }).pipe(Effect.provide(quiet))
      let stopped = false
      const c = webController(sim, () => stopped)
      const port = sim.server.address.port
      expect(c.item()).toEqual({
        address: `127.0.0.1:${port}`, state: "running", sessions: 0, requests: 0, tags: 3,
        product: "Probe", serial: 0x1234, delay: 0, errors: 0
      })
      const client = yield* Client.connect({ host: "127.0.0.1", port, timeout: "5 seconds" })
      yield* client.read("A[0-1]")
      yield* client.read("B")
      yield* sim.control.setDelay(0.25)
      yield* sim.tags.setError("C", { status: 0x08 })
      yield* sim.tags.setError("B", { status: 0x08 })
      expect(c.item()).toEqual({
        address: `127.0.0.1:${port}`, state: "running", sessions: 1, requests: 2, tags: 3,
        product: "Probe", serial: 0x1234, delay: 0.25, errors: 2
      })
      expect(c.up()).toBe(true)
      yield* sim.control.setDisabled(true)
      expect(c.item()).toMatchObject({ state: "disabled", sessions: 0 })
      expect(c.up()).toBe(true)
      yield* sim.control.setDisabled(false)
      expect(c.item().state).toBe("running")
      stopped = true
      expect(c.item().state).toBe("done")
      expect(c.up()).toBe(true)
    }))

  it.scopedLive("an IPv6 address is written [host]:port", () =>
    Effect.gen(function* () {
      const sim = yield* makeSimulator({ name: "v6", host: "::1", port: 0, udp: false, tags: ["A=INT"] }).pipe(Effect.provide(quiet))
      expect(webController(sim, () => false).item().address).toBe(`[::1]:${sim.server.address.port}`)
    }))
})
