/**
 * `cpppo enip server [options] TAG…` — run a simulated Logix controller.
 *
 * Options follow cpppo's: -a/--address, -A/--address-output, -v, -d/--delay, -w/--web,
 * -l/--log, -p/--print, -s/--size, --route-path, -S/--simple, -U/--no-udp, identity options or
 * --config FILE, --udt 'Name{Member:TYPE[n],…}' (repeatable), then tag specs
 * `NAME[@cls/ins/att]=TYPE[n]` (TYPE may be a structure declared with --udt); with --modbus
 * HOST[:PORT] (and --modbus-unit/-rate/-timeout/-word-order), `NAME@REGISTER=TYPE[n]` tags are
 * bridged to that Modbus/TCP device's registers (src/modbus/bridge.ts).
 */
import { Args, Command, Options } from "@effect/cli"
import { Console, Effect, Either, Option } from "effect"
import { readFileSync, statSync } from "node:fs"
import { parseRoutePath } from "../cip/epath.js"
import { parseAddress } from "../server/address.js"
import type { SimulatorConfig } from "../server/simulator.js"
import { type CliSimulatorConfig, runSimulator } from "./simulator.js"
import { parseTagSpec } from "../tags/spec.js"
import { makeTypes } from "../tags/tagStore.js"
import { loggingLayer } from "./logging.js"
import { delayOption, webOption } from "./serverOptions.js"
import { usage } from "./usage.js"
import { withExample } from "./examples.js"

const verbosity = Options.integer("verbosity").pipe(Options.withDefault(0), Options.withDescription("log verbosity (use -v, -vv)"))
const address = Options.text("address").pipe(
  Options.withAlias("a"), Options.withDefault(":44818"),
  Options.withDescription("[iface][:port] to bind (default all interfaces, port 44818; port 0 asks the OS)")
)
const addressOutput = Options.boolean("address-output").pipe(Options.withAlias("A"), Options.withDescription("print the bound address (host:port) on stdout once listening"))
const delay = Options.text("delay").pipe(Options.withAlias("d"), Options.optional, Options.withDescription("reply delay in seconds, or a range like 0.1-0.9 re-drawn every second"))
const web = Options.text("web").pipe(Options.withAlias("w"), Options.optional, Options.withDescription("serve the web API and live page on [iface][:port] (:PORT = the server's interface)"))
const webToken = Options.text("web-token").pipe(Options.optional, Options.withDescription("require 'Authorization: Bearer TOKEN' for state-changing web API commands"))
const log = Options.text("log").pipe(Options.withAlias("l"), Options.optional, Options.withDescription("log to FILE (rotated at 10 MB, 5 copies)"))
const print = Options.boolean("print").pipe(Options.withAlias("p"), Options.withDescription("print every tag read/write/failure"))
const size = Options.integer("size").pipe(Options.withAlias("s"), Options.optional, Options.withDescription("largest encapsulation frame accepted, bytes (longer: status 0x65 and close)"))
const routePath = Options.text("route-path").pipe(Options.optional, Options.withDescription("route path Unconnected Sends must carry (default 1/0; 'false' or 'none' for no routing)"))
const simple = Options.boolean("simple").pipe(Options.withAlias("S"), Options.withDescription("no routing (like a MicroLogix): refuse routed Unconnected Sends"))
const noUdp = Options.boolean("no-udp").pipe(Options.withAlias("U"), Options.withDescription("do not answer List* on UDP"))
const maxSessions = Options.integer("max-sessions").pipe(Options.optional, Options.withDescription("most TCP sessions at once (default 2048)"))
const idle = Options.float("idle-timeout").pipe(Options.optional, Options.withDescription("close sessions idle this many seconds (default 120; 0 never)"))
const webHistory = Options.text("web-history").pipe(Options.optional, Options.withDescription("let the web API plot the history files in this DIR (besides --historize's)"))
const historize = Options.text("historize").pipe(Options.optional, Options.withDescription("record every tag read/write/failure to this history FILE"))
const config = Options.text("config").pipe(Options.optional, Options.withDescription("JSON file of identity values (and options)"))
const vendor = Options.integer("vendor").pipe(Options.optional, Options.withDescription("Identity vendor id"))
const deviceType = Options.integer("device-type").pipe(Options.optional, Options.withDescription("Identity device type"))
const productCode = Options.integer("product-code").pipe(Options.optional, Options.withDescription("Identity product code"))
const productName = Options.text("product-name").pipe(Options.optional, Options.withDescription("Identity product name"))
const serial = Options.text("serial").pipe(Options.optional, Options.withDescription("Identity serial number (decimal or 0x…)"))
const revision = Options.text("revision").pipe(Options.optional, Options.withDescription("Identity revision MAJOR.MINOR"))
const modbus = Options.text("modbus").pipe(Options.optional, Options.withDescription("bridge tags NAME@REGISTER=TYPE[n] to the Modbus/TCP device at host[:port] (default port 502)"))
const modbusUnit = Options.integer("modbus-unit").pipe(Options.withDefault(1), Options.withDescription("unit id of the bridged Modbus device (default 1)"))
const modbusRate = Options.float("modbus-rate").pipe(Options.withDefault(1), Options.withDescription("poll period of bridged registers, seconds (default 1); reads fail once the value is 2 periods old"))
const modbusTimeout = Options.float("modbus-timeout").pipe(Options.withDefault(1), Options.withDescription("Modbus connect and request timeout, seconds (default 1)"))
const wordOrder = Options.choice("modbus-word-order", ["big", "little"]).pipe(Options.withDefault("big" as const),
  Options.withDescription("32/64-bit values over registers: big = first register holds the high word (default), little = low word first"))
const udt = Options.text("udt").pipe(Options.repeated,
  Options.withDescription("declare a structure, Name{Member:TYPE[n],…} (repeatable; later ones may use earlier ones)"))
const tags = Args.text({ name: "TAG" }).pipe(Args.repeated,
  Args.withDescription("tag specs NAME[@cls/ins/att]=TYPE[n] (TYPE: atomic, STRING, or a --udt structure), or NAME@REGISTER=TYPE[n] with --modbus"))

const fail = usage

const isDirectory = (p: string): boolean => {
  try {
    return statSync(p).isDirectory()
  } catch {
    return false
  }
}

const num = (text: string, what: string) => {
  const t = text.trim().toLowerCase()
  const n = /^(0x[0-9a-f]+|0o[0-7]+|0b[01]+|\d+)$/.test(t) ? Number(t) : NaN
  return Number.isSafeInteger(n) ? Either.right(n) : Either.left(`invalid ${what} ${JSON.stringify(text)}`)
}

const serverOptions = { verbosity, address, addressOutput, delay, web, webToken, log, print, size, routePath, simple, noUdp, maxSessions, idle, historize, webHistory, modbus, modbusUnit, modbusRate, modbusTimeout, wordOrder, config, vendor, deviceType, productCode, productName, serial, revision, udt, tags }

type ServerOptions = Command.Command.ParseConfig<typeof serverOptions>

const serve = (o: ServerOptions) =>
    Effect.gen(function* () {
      // Validate everything first: one line per mistake, non-zero exit.
      const bind = parseAddress(o.address, { host: "0.0.0.0", port: 44818 })
      if (Either.isLeft(bind)) return yield* fail(bind.left)
      // Each structure and spec is checked before anything starts (the TagStore builds them again).
      const types = makeTypes(o.udt)
      if (Either.isLeft(types)) return yield* fail(types.left.message)
      const bridged = o.tags.filter((t) => /^[^@=]+@\s*\d+\s*=/.test(t.trim()))
      for (const t of o.tags) {
        if (bridged.includes(t)) continue
        const s = parseTagSpec(t, types.right)
        if (Either.isLeft(s)) return yield* fail(s.left.message)
      }
      if (bridged.length > 0 && Option.isNone(o.modbus)) return yield* fail(`tag spec ${JSON.stringify(bridged[0])} names a Modbus register: give --modbus host[:port]`)
      const bridge = Option.isSome(o.modbus) ? yield* Effect.promise(() => import("../modbus/bridge.js")) : undefined
      const bridgeSpecs: Array<import("../modbus/bridge.js").BridgeSpec> = []
      let modbusTarget: { host: string; port: number } | undefined
      if (bridge !== undefined && Option.isSome(o.modbus)) {
        const m = parseAddress(o.modbus.value, { host: "localhost", port: 502 })
        if (Either.isLeft(m)) return yield* fail(m.left)
        modbusTarget = m.right
        for (const t of bridged) {
          const b = bridge.parseBridgeSpec(t)
          if (Either.isLeft(b)) return yield* fail(b.left.message)
          bridgeSpecs.push(b.right)
        }
        if (o.modbusUnit < 0 || o.modbusUnit > 255) return yield* fail(`invalid Modbus unit id ${o.modbusUnit}: expected 0..255`)
        if (!(o.modbusRate > 0)) return yield* fail(`invalid Modbus poll rate ${o.modbusRate}: must be positive`)
        if (!(o.modbusTimeout > 0)) return yield* fail(`invalid Modbus timeout ${o.modbusTimeout}: must be positive`)
      }
      const delayParsed = delayOption(o.delay)
      if (Either.isLeft(delayParsed)) return yield* fail(delayParsed.left)
      const delayValue = delayParsed.right
      let route: SimulatorConfig["routePath"] = undefined
      if (Option.isSome(o.routePath)) {
        const text = o.routePath.value.trim()
        if (/^(false|none|0)$/i.test(text)) route = []
        else {
          const r = parseRoutePath(text)
          if (Either.isLeft(r)) return yield* fail(`invalid route path ${JSON.stringify(text)}: ${r.left.message}`)
          route = r.right
        }
      }
      const web = webOption(o.web, bind.right.host)
      if (Either.isLeft(web)) return yield* fail(web.left)
      const webAddress = web.right
      if (Option.isSome(o.webHistory) && !isDirectory(o.webHistory.value)) return yield* fail(`--web-history ${o.webHistory.value}: not a directory`)
      let fileConfig: Record<string, unknown> = {}
      if (Option.isSome(o.config)) {
        try {
          const parsed: unknown = JSON.parse(readFileSync(o.config.value, "utf8"))
          if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("not a JSON object")
          fileConfig = parsed as Record<string, unknown>
        } catch (e) {
          return yield* fail(`cannot read config ${o.config.value}: ${(e as Error).message}`)
        }
      }
      const identity: Record<string, unknown> = { ...((fileConfig["identity"] as Record<string, unknown> | undefined) ?? fileConfig) }
      if (Option.isSome(o.vendor)) identity["vendor"] = o.vendor.value
      if (Option.isSome(o.deviceType)) identity["deviceType"] = o.deviceType.value
      if (Option.isSome(o.productCode)) identity["productCode"] = o.productCode.value
      if (Option.isSome(o.productName)) identity["productName"] = o.productName.value
      if (Option.isSome(o.serial)) {
        const s = num(o.serial.value, "serial number")
        if (Either.isLeft(s)) return yield* fail(s.left)
        identity["serial"] = s.right
      }
      if (Option.isSome(o.revision)) {
        const m = /^(\d+)\.(\d+)$/.exec(o.revision.value.trim())
        if (m === null) return yield* fail(`invalid revision ${JSON.stringify(o.revision.value)}: expected MAJOR.MINOR`)
        identity["revision"] = [Number(m[1]), Number(m[2])]
      }
      if (Option.isSome(o.size) && (o.size.value < 24 + 16 || o.size.value > 24 + 0xffff)) {
        return yield* fail(`invalid size ${o.size.value}: expected ${24 + 16}..${24 + 0xffff}`)
      }

      const cfg: CliSimulatorConfig = {
        host: bind.right.host,
        port: bind.right.port,
        // the text, so a start-up error (duplicate name, reserved class) quotes the whole spec
        tags: o.tags.map((t) => bridgeSpecs.find((b) => b.text === t)?.spec ?? t),
        ...(o.udt.length > 0 ? { udts: o.udt } : {}),
        udp: !o.noUdp,
        simple: o.simple,
        routePath: route,
        delay: delayValue,
        identity,
        ...(Option.isSome(o.size) ? { maxFrame: o.size.value } : {}),
        ...(Option.isSome(o.maxSessions) ? { maxSessions: o.maxSessions.value } : {}),
        ...(Option.isSome(o.idle) ? { idleTimeout: o.idle.value } : {}),
        ...(webAddress !== undefined ? {
          web: {
            ...webAddress,
            ...(Option.isSome(o.webToken) ? { token: o.webToken.value } : {}),
            history: { file: Option.getOrUndefined(o.historize), dir: Option.getOrUndefined(o.webHistory) }
          }
        } : {}),
        ...(Option.isSome(o.historize) ? { historize: o.historize.value } : {})
      }
      yield* runSimulator(cfg, {
        onListening: (addrs) =>
          o.addressOutput
            ? Console.log(`${addrs.tcp.host}:${addrs.tcp.port}${addrs.web ? `\nweb ${addrs.web.host}:${addrs.web.port}` : ""}`)
            : Effect.void,
        onEvent: o.print ? (line) => Console.log(line) : undefined
      }, bridge !== undefined && modbusTarget !== undefined
        ? bridge.modbusBridgeLayer({
            host: modbusTarget.host, port: modbusTarget.port, unit: o.modbusUnit, rate: o.modbusRate,
            timeout: o.modbusTimeout * 1000, wordOrder: o.wordOrder
          }, bridgeSpecs)
        : undefined).pipe(
        // Tag specs that parse but cannot be built together are usage mistakes too.
        Effect.catchTag("TagSpecError", (e) => usage(e.message)),
        Effect.provide(loggingLayer(o.verbosity, Option.getOrUndefined(o.log)))
      )
    })

export const serverCommand = Command.make("server", serverOptions, serve).pipe(
  Command.withDescription(withExample("cpppo enip server", "Run a simulated Logix controller (EtherNet/IP CIP server)"))
)

/** `cpppo enip historize FILE TAG…`: a simulator recording every tag read/write/failure to FILE. */
export const historizeCommand = Command.make(
  "historize",
  { file: Args.text({ name: "FILE" }).pipe(Args.withDescription("history file to record into")), ...serverOptions },
  ({ file, ...o }) => serve({ ...o, historize: Option.some(file) })
).pipe(Command.withDescription(withExample("cpppo enip historize", "Run the simulator, recording every tag read, write and failure to a history FILE")))

