/**
 * `cpppo modbus poll -a host[:port] [-u unit] [-R rate] [-r reach] [-t timeout] REGISTERS…` —
 * poll a Modbus/TCP device (cpppo's modbus_poll): print ranges whenever their values change
 * (`40001-40010 == [1, 2, …]: 'OK'`), write values given with `=` (`40005=42`), and end with a
 * summary (polls/s, errors, latency) on Ctrl-C or after `--duration`.
 */
import type { Command } from "@effect/cli"
import { Effect, Either, Option } from "effect"
import { parseRangeSpec, type RangeSpec } from "../modbus/addresses.js"
import { parseAddress } from "../server/address.js"
import { loggingLayer } from "./logging.js"
import { args, float, integer, leaf, text } from "./spec.js"
import { usage } from "./usage.js"

const options = {
  verbosity: integer("verbosity", { metavar: "N", help: "log verbosity (what -v, -vv count)", default: 0, hidden: true }),
  address: text("address", { short: "a", metavar: "ADDRESS", default: "localhost:502", help: "host[:port] of the device; IPv6 as [::1]:502" }),
  unit: integer("unit", { short: "u", metavar: "ID", default: 1, range: [0, 255], help: "unit id of every request" }),
  rate: float("rate", { short: "R", metavar: "SECONDS", default: 1, range: [0.001, Infinity], help: "poll period" }),
  reach: integer("reach", { short: "r", metavar: "N", default: 1, range: [1, Infinity], help: "merge polled ranges fewer than N registers apart into one request (1: adjacent)" }),
  timeout: float("timeout", { short: "t", metavar: "SECONDS", default: 1, range: [0.001, Infinity], help: "connect and request timeout" }),
  depth: integer("depth", { short: "d", metavar: "N", default: 1, range: [1, Infinity], help: "requests in flight at once" }),
  duration: float("duration", { metavar: "SECONDS", range: [0.001, Infinity], showDefault: "until Ctrl-C", help: "stop after this many seconds" }),
  historize: text("historize", { metavar: "FILE", help: "record every polled change to the history FILE" }),
  log: text("log", { short: "l", metavar: "FILE", help: "log to FILE, rotated at 10 MB, 5 copies kept" }),
  registers: args("REGISTERS", { min: 1, help: "ranges to poll, <begin>[-<end>]; with =<val>[,<val>…] the values are written first (e.g. 40005=42)" })
}
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
    // -u, -R, -t, -r, -d and --duration are in range here: the argv check (spec.ts `range`) refuses
    // anything else before this handler runs (test/cli/commandUsage.test.ts).
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

export const modbusPollCommand = leaf({
  name: "poll",
  summary: "Poll a Modbus/TCP device: print values as they change, write values given with =."
}, options, poll)
