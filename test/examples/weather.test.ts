import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Context, Duration, Effect, Either, Exit, Layer } from "effect"
import { WeatherAttributes, type WeatherOptions } from "../../examples/custom-tag/weather.js"
import { Client, type ClientService, OperationFailed } from "../../src/client/client.js"
import { EnipServer, SimulatorLive, TagStore } from "../../src/server/simulator.js"
import { startWeatherService } from "./weatherService.js"

const CITIES = {
  Edmonton: { latitude: 53.55, longitude: -113.47, celsius: -12.25 },
  Calgary: { latitude: 51.05, longitude: -114.09, celsius: 3.5 },
  "New York": { latitude: 40.71, longitude: -74.01, celsius: 7.75 }
}

/** The simulator with weather tags pointed at `service`, and a client session to it. */
const setup = (options: Partial<WeatherOptions> & { readonly tags?: ReadonlyArray<string> } = {}) =>
  Effect.gen(function* () {
    const service = yield* startWeatherService(CITIES)
    const { tags = ["Edmonton=REAL", "Calgary=LREAL", "New_York=REAL", "Atlantis=REAL", "SCADA=INT[10]"], ...weather } = options
    const layer = SimulatorLive({ host: "127.0.0.1", port: 0, tags, udp: false }).pipe(
      Layer.provide(WeatherAttributes({
        cities: ["Edmonton", "calgary", "New_York", "Atlantis"],
        geocodingUrl: service.url,
        forecastUrl: `${service.url}/`,
        maxAge: 0,
        ...weather
      })),
      Layer.provide(NodeHttpClient.layer)
    )
    const ctx = yield* Layer.build(layer)
    const { address } = Context.get(ctx, EnipServer)
    const store = Context.get(ctx, TagStore)
    const client = yield* Client.connect({ host: "127.0.0.1", port: address.port, timeout: "5 seconds" })
    return { service, client, store }
  })

/** The CIP status a failed client operation carried (or the failure, to show in the assertion). */
const statusOf = (r: Either.Either<unknown, unknown>) =>
  Either.isLeft(r) && r.left instanceof OperationFailed ? { status: r.left.result.status, noReply: r.left.result.error !== undefined } : r

const stillWorks = (client: ClientService) =>
  Effect.gen(function* () {
    yield* client.write("SCADA[2-4]", [7, 8, 9], "INT")
    expect(yield* client.read("SCADA[1-5]")).toEqual([0, 7, 8, 9, 0])
  })

describe("custom tag example: city temperatures from a weather service", () => {
  it.scopedLive("a read returns the served temperature (REAL and LREAL, underscores as spaces)", () =>
    Effect.gen(function* () {
      const { client, service } = yield* setup()
      expect(yield* client.read("Edmonton")).toEqual([-12.25])
      expect(yield* client.read("Calgary")).toEqual([3.5])
      expect(yield* client.read("New_York")).toEqual([7.75])
      // The tag is found in any case, and the service was asked by city, then by coordinates.
      expect(yield* client.read("EDMONTON")).toEqual([-12.25])
      const geocodes = service.requests.filter((r) => r.startsWith("/v1/search"))
      expect(geocodes).toEqual(["/v1/search?name=Edmonton&count=1", "/v1/search?name=Calgary&count=1", "/v1/search?name=New+York&count=1"])
      expect(service.requests).toContain("/v1/forecast?latitude=53.55&longitude=-113.47&current=temperature_2m")
      // A changed temperature is seen on the next read (maxAge 0: no caching).
      service.cities.set("Edmonton", { ...CITIES.Edmonton, celsius: -20.5 })
      expect(yield* client.read("Edmonton")).toEqual([-20.5])
      // Ordinary tags are still in memory.
      yield* stillWorks(client)
    }))

  it.scopedLive("a write fails with 0x0E (attribute not settable) and the session keeps working", () =>
    Effect.gen(function* () {
      const { client, store } = yield* setup()
      const w = yield* Effect.either(client.write("Edmonton", [25], "REAL"))
      expect(statusOf(w)).toEqual({ status: 0x0e, noReply: false })
      const direct = yield* Effect.either(store.write("Calgary", 0, [1.5]))
      expect(Either.isLeft(direct) && direct.left.message).toBe("Calgary: the temperature comes from the weather service and cannot be written")
      expect(Either.isLeft(direct) && direct.left.status).toBe(0x0e)
      expect(yield* client.read("Edmonton")).toEqual([-12.25])
      yield* stillWorks(client)
    }))

  it.scopedLive("the service down: a read fails promptly with 0x02 (resource unavailable), and other tags keep working", () =>
    Effect.gen(function* () {
      const { client, service, store } = yield* setup()
      expect(yield* client.read("Calgary")).toEqual([3.5])
      yield* service.close
      const r = yield* Effect.either(client.read("Calgary"))
      expect(statusOf(r)).toEqual({ status: 0x02, noReply: false })
      // A city never located fails the same way (the geocoding request is refused too).
      expect(statusOf(yield* Effect.either(client.read("Edmonton")))).toEqual({ status: 0x02, noReply: false })
      const direct = yield* Effect.either(store.read("Calgary"))
      expect(Either.isLeft(direct) && direct.left.message).toMatch(/^Calgary: weather service unavailable: /)
      yield* stillWorks(client)
    }))

  it.scopedLive("a service that never answers: the read fails with 0x02 after the HTTP timeout, not the client's", () =>
    Effect.gen(function* () {
      const { client, service, store } = yield* setup({ timeout: "300 millis" })
      service.mode = "hang"
      const started = Date.now()
      expect(statusOf(yield* Effect.either(client.read("Edmonton")))).toEqual({ status: 0x02, noReply: false })
      expect(Date.now() - started).toBeGreaterThanOrEqual(250)
      expect(Date.now() - started).toBeLessThan(3000)
      const direct = yield* Effect.either(store.read("Edmonton"))
      expect(Either.isLeft(direct) && direct.left.message).toMatch(/no answer from .* within/)
      yield* stillWorks(client)
    }))

  it.scopedLive("HTTP errors and unknown cities fail with 0x02 and say why", () =>
    Effect.gen(function* () {
      const { client, service, store } = yield* setup()
      expect(statusOf(yield* Effect.either(client.read("Atlantis")))).toEqual({ status: 0x02, noReply: false })
      const unknown = yield* Effect.either(store.read("Atlantis"))
      expect(Either.isLeft(unknown) && unknown.left.message).toBe(`Atlantis: the weather service knows no city named "Atlantis"`)
      service.mode = "error500"
      expect(statusOf(yield* Effect.either(client.read("Edmonton")))).toEqual({ status: 0x02, noReply: false })
      service.mode = "ok"
      expect(yield* client.read("Edmonton")).toEqual([-12.25])
    }))

  it.scopedLive("temperatures are kept for maxAge: a polling client does not hit the service every time", () =>
    Effect.gen(function* () {
      const { client, service } = yield* setup({ maxAge: Duration.minutes(1) })
      for (let i = 0; i < 5; i++) expect(yield* client.read("Edmonton")).toEqual([-12.25])
      expect(service.requests.length).toBe(2) // one geocode, one forecast
      yield* service.close
      expect(yield* client.read("Edmonton")).toEqual([-12.25]) // still fresh
    }))

  it.scopedLive("a city tag that is not one REAL/LREAL fails the simulator's start with a clear message", () =>
    Effect.gen(function* () {
      for (const bad of ["Edmonton=INT", "Edmonton=REAL[3]"]) {
        const exit = yield* Effect.exit(setup({ tags: [bad] }))
        expect(Exit.isFailure(exit)).toBe(true)
        if (Exit.isFailure(exit)) expect(String(exit.cause)).toContain("AttributeError: Edmonton: a weather tag holds one temperature: declare it Edmonton=REAL or Edmonton=LREAL")
      }
    }))
})
