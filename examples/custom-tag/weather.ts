/**
 * A customization-hook example: tags named after a city (`Edmonton=REAL`, `Calgary=REAL`) whose
 * reads return the city's current temperature (°C) from a weather web service, and whose writes
 * fail with CIP status 0x0E (attribute not settable).
 *
 * The web service is reached through the `HttpClient` in the context (inject
 * `NodeHttpClient.layer` in an application, or any HttpClient in a test). Its shape follows
 * Open-Meteo (no API key):
 *
 *   GET {geocodingUrl}/v1/search?name=Edmonton&count=1
 *     → {"results": [{"latitude": 53.55, "longitude": -113.47, ...}]}
 *   GET {forecastUrl}/v1/forecast?latitude=53.55&longitude=-113.47&current=temperature_2m
 *     → {"current": {"temperature_2m": -3.2, ...}}
 *
 * Underscores in a tag name stand for spaces (`New_York=REAL` asks for "New York"). A city's
 * coordinates are looked up once (on its first successful read); its temperature is kept for
 * `maxAge` so a polling HMI does not hit the service on every request.
 */
import { HttpClient, HttpClientResponse } from "@effect/platform"
import { Clock, Duration, Effect, Layer, Schema } from "effect"
import { Cip, Tags } from "cpppo"

const { Status } = Cip
const { AttributeError, AttributeFactory } = Tags

/** Where the weather comes from, and which tags are cities. */
export interface WeatherOptions {
  /** Tag names backed by the weather service (case-insensitive), e.g. `["Edmonton", "Calgary"]`. */
  readonly cities: ReadonlyArray<string>
  /** Base URL of the geocoding API (default `https://geocoding-api.open-meteo.com`). */
  readonly geocodingUrl?: string
  /** Base URL of the forecast API (default `https://api.open-meteo.com`). */
  readonly forecastUrl?: string
  /** Time limit of each HTTP request (default 3 seconds: below a client's usual 5 s timeout). */
  readonly timeout?: Duration.DurationInput
  /** How long a fetched temperature is served before it is fetched again (default 1 minute). */
  readonly maxAge?: Duration.DurationInput
}

export const DEFAULT_GEOCODING_URL = "https://geocoding-api.open-meteo.com"
export const DEFAULT_FORECAST_URL = "https://api.open-meteo.com"

const GeocodeReply = Schema.Struct({
  results: Schema.optional(Schema.Array(Schema.Struct({ latitude: Schema.Number, longitude: Schema.Number })))
})
const ForecastReply = Schema.Struct({
  current: Schema.Struct({ temperature_2m: Schema.Number })
})

interface Place {
  readonly latitude: number
  readonly longitude: number
}

const unavailable = (why: string) =>
  new AttributeError({ status: Status.ResourceUnavailable, extStatus: [], message: `weather service unavailable: ${why}` })

const describe = (e: unknown): string =>
  typeof e === "object" && e !== null && "message" in e && typeof e.message === "string" && e.message !== "" ? e.message : String(e)

/**
 * The Attribute of one city tag: reads fetch through `client`, writes are refused.
 * `spec.type` must be REAL or LREAL and the tag a scalar (checked by the factory).
 */
export const weatherAttribute = (
  spec: Tags.TagSpec,
  client: HttpClient.HttpClient,
  options: Omit<WeatherOptions, "cities">
): Tags.Attribute => {
  const city = spec.name.replaceAll("_", " ")
  const geocodingUrl = (options.geocodingUrl ?? DEFAULT_GEOCODING_URL).replace(/\/+$/, "")
  const forecastUrl = (options.forecastUrl ?? DEFAULT_FORECAST_URL).replace(/\/+$/, "")
  const timeout = Duration.decode(options.timeout ?? "3 seconds")
  const maxAge = Duration.toMillis(Duration.decode(options.maxAge ?? "1 minute"))
  const http = HttpClient.filterStatusOk(client)

  /** GET a URL and decode its JSON body; any failure (transport, status, body, time) → 0x02. */
  const getJson = <A, I>(url: string, params: Record<string, string>, schema: Schema.Schema<A, I>) =>
    http.get(url, { urlParams: params }).pipe(
      Effect.flatMap(HttpClientResponse.schemaBodyJson(schema)),
      Effect.timeoutFail({ duration: timeout, onTimeout: () => unavailable(`no answer from ${url} within ${Duration.format(timeout)}`) }),
      Effect.mapError((e) => (e instanceof AttributeError ? e : unavailable(describe(e))))
    )

  let place: Place | undefined
  let cached: { readonly celsius: number; readonly at: number } | undefined

  const locate: Effect.Effect<Place, Tags.AttributeError> = Effect.suspend(() =>
    place !== undefined
      ? Effect.succeed(place)
      : getJson(`${geocodingUrl}/v1/search`, { name: city, count: "1" }, GeocodeReply).pipe(
        Effect.flatMap((r) => {
          const first = r.results?.[0]
          if (first === undefined) {
            return Effect.fail(new AttributeError({
              status: Status.ResourceUnavailable, extStatus: [], message: `the weather service knows no city named "${city}"`
            }))
          }
          place = first
          return Effect.succeed(first)
        })
      ))

  const temperature: Effect.Effect<number, Tags.AttributeError> = Effect.gen(function* () {
    const now = yield* Clock.currentTimeMillis
    if (cached !== undefined && now - cached.at < maxAge) return cached.celsius
    const { latitude, longitude } = yield* locate
    const r = yield* getJson(`${forecastUrl}/v1/forecast`,
      { latitude: String(latitude), longitude: String(longitude), current: "temperature_2m" }, ForecastReply)
    cached = { celsius: r.current.temperature_2m, at: now }
    return r.current.temperature_2m
  })

  return {
    type: spec.type,
    count: spec.count,
    read: (_start, count) => Effect.map(temperature, (t) => Array.from({ length: count }, () => t)),
    write: () =>
      Effect.fail(new AttributeError({
        status: Status.AttributeNotSettable,
        extStatus: [],
        message: `the temperature comes from the weather service and cannot be written`
      }))
  }
}

/**
 * An AttributeFactory backing the tags named in `options.cities` by the weather service (through
 * the HttpClient in the context); every other tag stays in memory. A city tag that is not a
 * scalar REAL or LREAL fails the TagStore build (which names the tag in the message).
 */
export const WeatherAttributes = (options: WeatherOptions): Layer.Layer<Tags.AttributeFactory, never, HttpClient.HttpClient> =>
  Layer.unwrapEffect(
    Effect.map(HttpClient.HttpClient, (client) => {
      const cities = new Set(options.cities.map((c) => c.toLowerCase()))
      return AttributeFactory.layer((spec) => {
        if (!cities.has(spec.name.toLowerCase())) return undefined
        if ((spec.type !== "REAL" && spec.type !== "LREAL") || !spec.scalar) {
          return Effect.fail(new AttributeError({
            status: Status.InvalidParameter,
            extStatus: [],
            message: `a weather tag holds one temperature: declare it ${spec.name}=REAL or ${spec.name}=LREAL`
          }))
        }
        return weatherAttribute(spec, client, options)
      })
    })
  )
