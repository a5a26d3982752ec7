/**
 * A simulated controller whose city tags read the current temperature from Open-Meteo:
 *
 *   node --import tsx examples/custom-tag/main.ts [CITY ...]        (default: Edmonton Calgary)
 *   cpppo enip client -a 127.0.0.1 Edmonton Calgary SCADA[0-3]     (or any EtherNet/IP client)
 *
 * Each CITY becomes a tag `CITY=REAL` (underscores for spaces: `New_York`), plus an ordinary
 * in-memory `SCADA=INT[10]`. Listens on 127.0.0.1:44818 (set HOST / PORT to change it); stops
 * on Ctrl-C. Set WEATHER_GEOCODING_URL / WEATHER_FORECAST_URL to use another service of the same
 * shape (see weather.ts).
 */
import { NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import { Server } from "cpppo"
import { WeatherAttributes, type WeatherOptions } from "./weather.js"

const cities = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ["Edmonton", "Calgary"]
const host = process.env["HOST"] ?? "127.0.0.1"
const port = Number(process.env["PORT"] ?? 44818)

const weather: WeatherOptions = {
  cities,
  ...(process.env["WEATHER_GEOCODING_URL"] !== undefined ? { geocodingUrl: process.env["WEATHER_GEOCODING_URL"] } : {}),
  ...(process.env["WEATHER_FORECAST_URL"] !== undefined ? { forecastUrl: process.env["WEATHER_FORECAST_URL"] } : {})
}

const Announce = Layer.effectDiscard(
  Effect.flatMap(Server.EnipServer, ({ address }) =>
    Effect.logInfo(`listening on ${address.host}:${address.port}; weather tags: ${cities.join(", ")}; in-memory: SCADA`))
)

// The AttributeFactory is provided *to* the simulator: the TagStore inside it asks the factory
// for each tag's Attribute; the factory in turn needs an HttpClient (Node's, here).
const App = Announce.pipe(
  Layer.provideMerge(Server.SimulatorLive({ host, port, tags: [...cities.map((c) => `${c}=REAL`), "SCADA=INT[10]"] })),
  Layer.provide(WeatherAttributes(weather)),
  Layer.provide(NodeHttpClient.layer)
)

NodeRuntime.runMain(Layer.launch(App))
