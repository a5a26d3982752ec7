/**
 * `cpppo modbus poll -a host[:port] [-u unit] [-R rate] [-r reach] [-t timeout] REGISTERS…` —
 * poll a Modbus/TCP device (cpppo's modbus_poll): print ranges whenever their values change
 * (`40001-40010 == [1, 2, …]: 'OK'`), write values given with `=` (`40005=42`), and end with a
 * summary (polls/s, errors, latency) on Ctrl-C or after `--duration`.
 */
import { withExample } from "./examples.js"
import { Args, Command, Options } from "@effect/cli"
import { Effect, Either, Option } from "effect"
import { parseRangeSpec, type RangeSpec } from "../modbus/addresses.js"
import { parseAddress } from "../server/address.js"
import { loggingLayer } from "./logging.js"
import { usage } from "./usage.js"

const verbosity = Options.integer("verbosity").pipe(Options.withDefault(0), Options.withDescription("log verbosity (use -v, -vv)"))
const address = Options.text("address").pipe(Options.withAlias("a"), Options.withDefault("localhost:502"), Options.withDescription("host[:port] of the device (default localhost:502)"))
const unit = Options.integer("unit").pipe(Options.withAlias("u"), Options.withDefault(1), Options.withDescription("unit id of every request (default 1)"))
const rate = Options.float("rate").pipe(Options.withAlias("R"), Options.withDefault(1), Options.withDescription("poll period, seconds (default 1)"))
const reach = Options.integer("reach").pipe(Options.withAlias("r"), Options.withDefault(1), Options.withDescription("merge polled ranges fewer than this many registers apart into one request (default 1: adjacent)"))
const timeout = Options.float("timeout").pipe(Options.withAlias("t"), Options.withDefault(1), Options.withDescription("connect and request timeout, seconds (default 1)"))
const depth = Options.integer("depth").pipe(Options.withAlias("d"), Options.withDefault(1), Options.withDescription("requests in flight at once (default 1)"))
const duration = Options.float("duration").pipe(Options.optional, Options.withDescription("stop after this many seconds (default: until Ctrl-C)"))
const historize = Options.text("historize").pipe(Options.optional, Options.withDescription("record every polled change to this history FILE"))
const log = Options.text("log").pipe(Options.withAlias("l"), Options.optional, Options.withDescription("log to FILE (rotated at 10 MB, 5 copies)"))
const registers = Args.text({ name: "REGISTERS" }).pipe(Args.atLeast(1),
  Args.withDescription("ranges to poll, <begin>[-<end>]; with =<val>[,<val>…] the values are written first (e.g. 40005=42)"))

const options = { verbosity, address, unit, rate, reach, timeout, depth, duration, historize, log, registers }
export type PollOptions = Command.Command.ParseConfig<typeof options>

const load = Effect.promise(() => import("./modbusPollRun.js"))

const poll = (o: PollOptions) =>
  Effect.gen(function* () {
    const target = parseAddress(o.address, { host: "localhost", port: 502 })
    if (Either.isLeft(target)) return yield* usage(target.left)
    const specs: Array<RangeSpec> = []
    for (const text of o.registers) {
      const s = parseRangeSpec(text)
      if (Either.isLeft(s)) return yield* usage(s.left.message)
      specs.push(s.right)
    }
    if (o.unit < 0 || o.unit > 255) return yield* usage(`invalid unit id ${o.unit}: expected 0..255`)
    if (!(o.rate > 0)) return yield* usage(`invalid rate ${o.rate}: must be positive`)
    if (!(o.timeout > 0)) return yield* usage(`invalid timeout ${o.timeout}: must be positive`)
    if (o.reach < 1) return yield* usage(`invalid reach ${o.reach}: must be 1 or more`)
    if (o.depth < 1) return yield* usage(`invalid depth ${o.depth}: must be 1 or more`)
    if (Option.isSome(o.duration) && !(o.duration.value > 0)) return yield* usage(`invalid duration ${o.duration.value}: must be positive`)
    const { runModbusPoll } = yield* load
    yield* runModbusPoll({
      host: target.right.host,
      port: target.right.port,
      unit: o.unit,
      rate: o.rate,
      reach: o.reach,
      timeout: o.timeout,
      depth: o.depth,
      duration: Option.getOrUndefined(o.duration),
      historize: Option.getOrUndefined(o.historize),
      specs
    }).pipe(Effect.provide(loggingLayer(o.verbosity, Option.getOrUndefined(o.log))))
  })

export const modbusPollCommand = Command.make("poll", options, poll).pipe(
  Command.withDescription(withExample("cpppo modbus poll", "Poll a Modbus/TCP device: print values as they change, write values given with ="))
)
