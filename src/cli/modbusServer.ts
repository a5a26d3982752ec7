/**
 * `cpppo modbus server [options] REGISTERS…` — a simulated Modbus/TCP PLC (cpppo's modbus_sim):
 * `cpppo modbus server -a :502 40001-40100=99 1-64=0 30001-30010=7 10001-10016=1`.
 *
 * Options: -a/--address, -A/--address-output, -u/--unit (repeat or comma-separate), -d/--delay,
 * -p/--print (--no-print), -v, -l/--log, -w/--web, --web-token, --historize FILE, --idle-timeout,
 * --max-sessions (declared in spec.ts style, so the argv check and help know them). Mistakes give
 * one `cpppo:` line and exit status 2.
 */
import type { Command } from "@effect/cli"
import { Console, Effect, Either, Option } from "effect"
import { planRuns } from "../modbus/registers.js"
import { formatAddress, parseAddress } from "../server/address.js"
import { loggingLayer } from "./logging.js"
import { delayOption, webOption } from "./serverOptions.js"
import { args, flag, float, integer, leaf, text, texts } from "./spec.js"
import { usage } from "./usage.js"

const options = {
  verbosity: integer("verbosity", { metavar: "N", help: "log verbosity (what -v, -vv count)", default: 0, hidden: true }),
  address: text("address", { short: "a", metavar: "ADDRESS", default: ":502", showDefault: ":502, every interface",
    help: "[iface][:port] to listen on; port 0 asks the OS for one; IPv6 as [::1]:502" }),
  addressOutput: flag("address-output", { short: "A", help: "print the bound address (host:port, IPv6 as [::1]:port) as the first line of stdout once listening" }),
  unit: texts("unit", { short: "u", metavar: "IDS", showDefault: "every unit id", help: "unit id(s) to answer, e.g. -u 1 -u 2 or -u 1,2; others get exception 0x0B" }),
  delay: text("delay", { short: "d", metavar: "SECONDS", showDefault: "0", help: "delay every reply by SECONDS, or by a value in a range such as 0.1-0.9 drawn again every second" }),
  print: flag("print", { short: "p", help: "print a line per register read, write or failure", negation: { long: "no-print", help: "do not print register I/O (the default)" } }),
  log: text("log", { short: "l", metavar: "FILE", help: "log to FILE, rotated at 10 MB, 5 copies kept" }),
  web: text("web", { short: "w", metavar: "ADDRESS", help: "serve the web API and live page on [iface][:port] (the interface defaults to -a's, the port to 80)" }),
  webToken: text("web-token", { metavar: "TOKEN", help: "require 'Authorization: Bearer TOKEN' for web API commands that change state" }),
  historize: text("historize", { metavar: "FILE", help: "record every register read, write and failure to the history FILE" }),
  idle: float("idle-timeout", { metavar: "SECONDS", range: [0, Infinity], showDefault: "120", help: "close a session idle this long; 0 never" }),
  maxSessions: integer("max-sessions", { metavar: "N", range: [1, Infinity], showDefault: "256", help: "the most TCP sessions at once; more are closed at once" }),
  registers: args("REGISTERS", { min: 1, help: "register ranges and values: <begin>[-<end>][=<val>[,<val>…]], e.g. 40001-40100=99 1-64=0 400001=1,2,3" })
}
type Options = Command.Command.ParseConfig<typeof options>

/** `-u 1 -u 2,3` → [1, 2, 3]. */
export const parseUnits = (given: ReadonlyArray<string>): Either.Either<ReadonlyArray<number>, string> => {
  const out: Array<number> = []
  for (const part of given.flatMap((g) => g.split(","))) {
    const t = part.trim()
    const n = /^(0x[0-9a-f]+|\d+)$/i.test(t) ? Number(t) : NaN
    if (!Number.isInteger(n) || n < 0 || n > 255) return Either.left(`invalid unit id ${JSON.stringify(part)}: expected 0..255`)
    out.push(n)
  }
  return Either.right(out)
}

const load = Effect.promise(() => import("./modbusRun.js"))

const serve = (o: Options) =>
  Effect.gen(function* () {
    const bind = parseAddress(o.address, { host: "0.0.0.0", port: 502 })
    if (Either.isLeft(bind)) return yield* usage(bind.left)
    const planned = planRuns(o.registers)
    if (Either.isLeft(planned)) return yield* usage(planned.left.message)
    const units = parseUnits(o.unit)
    if (Either.isLeft(units)) return yield* usage(units.left)
    const delayParsed = delayOption(o.delay)
    if (Either.isLeft(delayParsed)) return yield* usage(delayParsed.left)
    const delayValue = delayParsed.right
    const web = webOption(o.web, bind.right.host)
    if (Either.isLeft(web)) return yield* usage(web.left)
    const webAddress = web.right
    const { runModbusServer } = yield* load
    yield* runModbusServer({
      device: {
        host: bind.right.host,
        port: bind.right.port,
        registers: o.registers,
        units: units.right,
        ...(delayValue !== undefined ? { delay: delayValue } : {}),
        ...(Option.isSome(o.idle) ? { idleTimeout: o.idle.value } : {}),
        ...(Option.isSome(o.maxSessions) ? { maxSessions: o.maxSessions.value } : {})
      },
      web: webAddress !== undefined ? { ...webAddress, ...(Option.isSome(o.webToken) ? { token: o.webToken.value } : {}) } : undefined,
      historize: Option.getOrUndefined(o.historize),
      print: o.print ? (line) => Console.log(line) : undefined,
      onListening: (tcp, webBound) =>
        o.addressOutput ? Console.log(`${formatAddress(tcp)}${webBound ? `\nweb ${formatAddress(webBound)}` : ""}`) : Effect.void
    }).pipe(Effect.provide(loggingLayer(o.verbosity, Option.getOrUndefined(o.log))))
  })

export const modbusServerCommand = leaf({
  name: "server",
  summary: "Run a simulated Modbus/TCP PLC (coils, discrete inputs, input and holding registers)."
}, options, serve)
