/**
 * `cpppo modbus server [options] REGISTERS…` — a simulated Modbus/TCP PLC (cpppo's modbus_sim):
 * `cpppo modbus server -a :502 40001-40100=99 1-64=0 30001-30010=7 10001-10016=1`.
 *
 * Options: -a/--address, -A/--address-output, -u/--unit (repeat or comma-separate), -d/--delay,
 * -p/--print, -v, -l/--log, -w/--web, --web-token, --historize FILE, --idle-timeout,
 * --max-sessions. Mistakes give one `cpppo:` line and exit status 2.
 */
import { withExample } from "./examples.js"
import { Args, Command, Options } from "@effect/cli"
import { Console, Effect, Either, Option } from "effect"
import { planRuns } from "../modbus/registers.js"
import { parseAddress } from "../server/address.js"
import { loggingLayer } from "./logging.js"
import { delayOption, webOption } from "./serverOptions.js"
import { usage } from "./usage.js"

const verbosity = Options.integer("verbosity").pipe(Options.withDefault(0), Options.withDescription("log verbosity (use -v, -vv)"))
const address = Options.text("address").pipe(Options.withAlias("a"), Options.withDefault(":502"),
  Options.withDescription("[iface][:port] to bind (default all interfaces, port 502; port 0 asks the OS)"))
const addressOutput = Options.boolean("address-output").pipe(Options.withAlias("A"), Options.withDescription("print the bound address (host:port) on stdout once listening"))
const unit = Options.text("unit").pipe(Options.withAlias("u"), Options.repeated,
  Options.withDescription("unit id(s) to answer, e.g. -u 1 -u 2 or -u 1,2 (default: every unit id); others get exception 0x0B"))
const delay = Options.text("delay").pipe(Options.withAlias("d"), Options.optional, Options.withDescription("reply delay in seconds, or a range like 0.1-0.9 re-drawn every second"))
const print = Options.boolean("print").pipe(Options.withAlias("p"), Options.withDescription("print every register read/write/failure"))
const log = Options.text("log").pipe(Options.withAlias("l"), Options.optional, Options.withDescription("log to FILE (rotated at 10 MB, 5 copies)"))
const web = Options.text("web").pipe(Options.withAlias("w"), Options.optional, Options.withDescription("serve the web API and live page on [iface][:port] (:PORT = the server's interface)"))
const webToken = Options.text("web-token").pipe(Options.optional, Options.withDescription("require 'Authorization: Bearer TOKEN' for state-changing web API commands"))
const historize = Options.text("historize").pipe(Options.optional, Options.withDescription("record every register read/write/failure to this history FILE"))
const idle = Options.float("idle-timeout").pipe(Options.optional, Options.withDescription("close sessions idle this many seconds (default 120; 0 never)"))
const maxSessions = Options.integer("max-sessions").pipe(Options.optional, Options.withDescription("most TCP sessions at once (default 256)"))
const registers = Args.text({ name: "REGISTERS" }).pipe(Args.atLeast(1),
  Args.withDescription("register ranges and values: <begin>[-<end>][=<val>[,<val>…]], e.g. 40001-40100=99 1-64=0 400001=1,2,3"))

const options = { verbosity, address, addressOutput, unit, delay, print, log, web, webToken, historize, idle, maxSessions, registers }
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
        o.addressOutput ? Console.log(`${tcp.host}:${tcp.port}${webBound ? `\nweb ${webBound.host}:${webBound.port}` : ""}`) : Effect.void
    }).pipe(Effect.provide(loggingLayer(o.verbosity, Option.getOrUndefined(o.log))))
  })

export const modbusServerCommand = Command.make("server", options, serve).pipe(
  Command.withDescription(withExample("cpppo modbus server", "Run a simulated Modbus/TCP PLC (coils, discrete inputs, input and holding registers)"))
)
