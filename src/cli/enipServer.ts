/**
 * `cpppo enip server [options] TAG…` — run a simulated Logix controller; `cpppo enip historize
 * FILE TAG…` — the same, recording every tag read/write/failure to FILE.
 *
 * Options follow cpppo's `enip_server` (see README, "Coming from Python cpppo"); the values are
 * checked here and a mistake is one `cpppo:` line with exit status 2. With --modbus HOST[:PORT]
 * (and --modbus-unit/-rate/-timeout/-word-order), `NAME@REGISTER=TYPE[n]` tags are bridged to
 * that Modbus/TCP device's registers (src/modbus/bridge.ts).
 */
import type { Command } from "@effect/cli"
import { Console, Effect, Either, Option } from "effect"
import { parseRoutePath } from "../cip/epath.js"
import { formatAddress, parseAddress } from "../server/address.js"
import type { SimulatorConfig } from "../server/simulator.js"
import { parseTagSpec } from "../tags/spec.js"
import { type DeviceFileConfig, loadConfigFiles, setIdentity } from "./config.js"
import { loggingLayer } from "./logging.js"
import { delayOption, isDirectory, list, webOption } from "./serverOptions.js"
import { type CliSimulatorConfig, runSimulator } from "./simulator.js"
import { arg, args, flag, float, integer, leaf, text, texts } from "./spec.js"
import { usage } from "./usage.js"

/** The options of `enip server` (the fleet command shares most of them). */
export const serverOptions = {
  verbosity: integer("verbosity", { metavar: "N", help: "log verbosity (what -v, -vv count)", default: 0, hidden: true }),
  address: text("address", { short: "a", metavar: "ADDRESS", default: ":44818", showDefault: ":44818, every interface",
    help: "[iface][:port] to listen on; port 0 asks the OS for one; IPv6 as [::1]:44818" }),
  addressOutput: flag("address-output", { short: "A", help: "print the bound address (host:port, IPv6 as [::1]:port) as the first line of stdout once listening" }),
  print: flag("print", { short: "p", help: "print a line per tag read, write or failure", negation: { long: "no-print", help: "do not print tag I/O (the default)" } }),
  noUdp: flag("no-udp", { short: "U", help: "do not listen on UDP", negation: { long: "udp", short: "u", help: "answer ListIdentity/ListServices/ListInterfaces on UDP too (the default)" } }),
  noTcp: flag("no-tcp", { short: "T", help: "no TCP sessions: answer only List* on UDP", negation: { long: "tcp", short: "t", help: "serve EtherNet/IP sessions on TCP (the default)" } }),
  delay: text("delay", { short: "d", metavar: "SECONDS", showDefault: "0", help: "delay every reply by SECONDS, or by a value in a range such as 0.1-0.9 drawn again every second" }),
  size: integer("size", { short: "s", metavar: "BYTES", range: [24 + 16, 24 + 0xffff], showDefault: "65559",
    help: "the largest encapsulation frame accepted, header included; a longer one gets status 0x65 and the session is closed" }),
  routePath: text("route-path", { metavar: "PATH", showDefault: "1/0",
    help: "the route path an Unconnected Send must carry (port/link, or JSON); false or none accepts only unrouted requests" }),
  simple: flag("simple", { short: "S", help: "a simple (non-routing) device such as a MicroLogix: a routed Unconnected Send is refused" }),
  web: text("web", { short: "w", metavar: "ADDRESS", help: "serve the web API and live page on [iface][:port] (the interface defaults to -a's, the port to 80)" }),
  webToken: text("web-token", { metavar: "TOKEN", help: "require 'Authorization: Bearer TOKEN' for web API commands that change state" }),
  webCors: text("web-cors", { metavar: "ORIGIN,…", showDefault: "none",
    help: "let pages of these origins (comma-separated, or *) use the web API from a browser; other sites' pages get no CORS headers and their commands are refused" }),
  webHost: text("web-host", { metavar: "NAME,…",
    help: "host names the web server answers to, besides IP addresses, localhost and this machine's name (others get 403: DNS rebinding)" }),
  log: text("log", { short: "l", metavar: "FILE", help: "log to FILE, rotated at 10 MB, 5 copies kept" }),
  maxSessions: integer("max-sessions", { metavar: "N", range: [1, Infinity], showDefault: "2048, or the file-descriptor limit less 64",
    help: "the most TCP sessions at once; more are closed at once (above what the file-descriptor limit allows: fitted, with a warning)" }),
  maxSessionsPerPeer: integer("max-sessions-per-peer", { metavar: "N", range: [1, Infinity], showDefault: "64",
    help: "the most TCP sessions from one client address at once; more are closed at once" }),
  idle: float("idle-timeout", { metavar: "SECONDS", range: [0, Infinity], showDefault: "120", help: "close a session idle this long; 0 never" }),
  historize: text("historize", { metavar: "FILE", help: "record every tag read, write and failure to the history FILE" }),
  webHistory: text("web-history", { metavar: "DIR", help: "let the web API plot the history files in DIR (besides --historize's)" }),
  config: texts("config", { short: "c", metavar: "FILE", help: "read a config file after cpppo's default ones: cpppo's INI ([Identity], [TCPIP], [UCMM]) or, when FILE ends in .json, JSON ({identity, network, routePath})" }),
  noConfig: flag("no-config", { help: "do not read the default config files (/etc/cpppo.cfg, ~/.cpppo/cpppo.cfg, ~/.cpppo.cfg, ./cpppo.cfg)" }),
  configBasename: text("config-basename", { short: "b", metavar: "NAME", showDefault: "cpppo", help: "look for NAME.cfg instead of cpppo.cfg in the default places" }),
  vendor: integer("vendor", { metavar: "N", range: [0, 0xffff], showDefault: "1", help: "Identity vendor id" }),
  deviceType: integer("device-type", { metavar: "N", range: [0, 0xffff], showDefault: "14", help: "Identity device type" }),
  productCode: integer("product-code", { metavar: "N", range: [0, 0xffff], showDefault: "54", help: "Identity product code" }),
  productName: text("product-name", { metavar: "TEXT", showDefault: "1756-L61/B LOGIX5561", help: "Identity product name (at most 32 characters)" }),
  serial: text("serial", { metavar: "N", showDefault: "0x006c061a", help: "Identity serial number (decimal or 0x…)" }),
  revision: text("revision", { metavar: "MAJOR.MINOR", showDefault: "20.11", help: "Identity revision" }),
  modbus: text("modbus", { metavar: "ADDRESS", help: "bridge tags NAME@REGISTER=TYPE[n] to the Modbus/TCP device at host[:port] (port 502 by default)" }),
  modbusUnit: integer("modbus-unit", { metavar: "ID", default: 1, range: [0, 255], help: "unit id of the bridged Modbus device" }),
  modbusRate: float("modbus-rate", { metavar: "SECONDS", default: 1, range: [0.001, Infinity], help: "poll period of bridged registers; reads fail once the value is 2 periods old" }),
  modbusTimeout: float("modbus-timeout", { metavar: "SECONDS", default: 1, range: [0.001, Infinity], help: "Modbus connect and request timeout" }),
  wordOrder: text("modbus-word-order", { metavar: "big|little", default: "big",
    help: "32/64-bit values over registers: big = the first register holds the high word, little = the low word first" }),
  tags: args("TAG", { help: "tag specs NAME[@cls/ins/att][=TYPE][[n]], e.g. SCADA=INT[1000], TEXT=STRING, Speed@0x93/3/10=REAL; TYPE defaults to INT; with --modbus, NAME@REGISTER=TYPE[n]" })
}

type ServerOptions = Command.Command.ParseConfig<typeof serverOptions>

/** Identity options over the config files: checked as the files are. */
const identityFrom = (o: ServerOptions, into: DeviceFileConfig): string | undefined => {
  const given: ReadonlyArray<[Parameters<typeof setIdentity>[1], Option.Option<unknown>, string]> = [
    ["vendor", o.vendor, "--vendor"], ["deviceType", o.deviceType, "--device-type"], ["productCode", o.productCode, "--product-code"],
    ["productName", o.productName, "--product-name"], ["serial", o.serial, "--serial"], ["revision", o.revision, "--revision"]
  ]
  for (const [key, value, name] of given) {
    if (Option.isSome(value)) {
      const bad = setIdentity(into, key, value.value, name)
      if (bad !== undefined) return bad
    }
  }
  return undefined
}

const serve = (o: ServerOptions) =>
  Effect.gen(function* () {
    // Validate everything first: one line per mistake, non-zero exit.
    const bind = parseAddress(o.address, { host: "0.0.0.0", port: 44818 })
    if (Either.isLeft(bind)) return yield* usage(bind.left)
    // Each spec is checked before anything starts (the TagStore parses them again when built).
    const bridged = o.tags.filter((t) => /^[^@=]+@\s*\d+\s*=/.test(t.trim()))
    for (const t of o.tags) {
      if (bridged.includes(t)) continue
      const s = parseTagSpec(t)
      if (Either.isLeft(s)) return yield* usage(s.left.message)
    }
    if (bridged.length > 0 && Option.isNone(o.modbus)) return yield* usage(`tag spec ${JSON.stringify(bridged[0])} names a Modbus register: give --modbus host[:port]`)
    if (o.wordOrder !== "big" && o.wordOrder !== "little") return yield* usage(`--modbus-word-order takes big or little, not ${JSON.stringify(o.wordOrder)}`)
    const wordOrder: "big" | "little" = o.wordOrder
    const bridge = Option.isSome(o.modbus) ? yield* Effect.promise(() => import("../modbus/bridge.js")) : undefined
    const bridgeSpecs: Array<import("../modbus/bridge.js").BridgeSpec> = []
    let modbusTarget: { host: string; port: number } | undefined
    if (bridge !== undefined && Option.isSome(o.modbus)) {
      const m = parseAddress(o.modbus.value, { host: "localhost", port: 502 })
      if (Either.isLeft(m)) return yield* usage(m.left)
      modbusTarget = m.right
      for (const t of bridged) {
        const b = bridge.parseBridgeSpec(t)
        if (Either.isLeft(b)) return yield* usage(b.left.message)
        bridgeSpecs.push(b.right)
      }
    }
    if (o.noTcp && o.noUdp) return yield* usage("-T/--no-tcp with -U/--no-udp leaves nothing to serve")
    const delayParsed = delayOption(o.delay)
    if (Either.isLeft(delayParsed)) return yield* usage(delayParsed.left)
    const delayValue = delayParsed.right
    const files = loadConfigFiles(o.config, { noDefaults: o.noConfig, ...(Option.isSome(o.configBasename) ? { basename: o.configBasename.value } : {}) })
    if (Either.isLeft(files)) return yield* usage(files.left)
    const device = files.right
    const badIdentity = identityFrom(o, device)
    if (badIdentity !== undefined) return yield* usage(badIdentity)
    let route: SimulatorConfig["routePath"] = device.routePath
    if (Option.isSome(o.routePath)) {
      const t = o.routePath.value.trim()
      if (/^(false|none|0)$/i.test(t)) route = []
      else {
        const r = parseRoutePath(t)
        if (Either.isLeft(r)) return yield* usage(`invalid route path ${JSON.stringify(t)}: ${r.left.message}`)
        route = r.right
      }
    }
    const web = webOption(o.web, bind.right.host)
    if (Either.isLeft(web)) return yield* usage(web.left)
    const webAddress = web.right
    if (Option.isSome(o.webHistory) && !isDirectory(o.webHistory.value)) return yield* usage(`--web-history ${o.webHistory.value}: not a directory`)
    for (const [given, name] of [[o.webCors, "--web-cors"], [o.webHost, "--web-host"]] as const) {
      if (Option.isSome(given) && webAddress === undefined) return yield* usage(`${name} needs -w/--web`)
    }

    const cfg: CliSimulatorConfig = {
      host: bind.right.host,
      port: bind.right.port,
      // the text, so a start-up error (duplicate name, reserved class) quotes the whole spec
      tags: o.tags.map((t) => bridgeSpecs.find((b) => b.text === t)?.spec ?? t),
      udp: !o.noUdp,
      ...(o.noTcp ? { tcp: false } : {}),
      simple: o.simple,
      routePath: route,
      delay: delayValue,
      identity: device.identity,
      network: device.network,
      ...(Option.isSome(o.size) ? { maxFrame: o.size.value } : {}),
      ...(Option.isSome(o.maxSessions) ? { maxSessions: o.maxSessions.value } : {}),
      ...(Option.isSome(o.maxSessionsPerPeer) ? { maxSessionsPerPeer: o.maxSessionsPerPeer.value } : {}),
      ...(Option.isSome(o.idle) ? { idleTimeout: o.idle.value } : {}),
      ...(webAddress !== undefined ? {
        web: {
          ...webAddress,
          ...(Option.isSome(o.webToken) ? { token: o.webToken.value } : {}),
          ...(Option.isSome(o.webCors) ? { cors: list(o.webCors.value) } : {}),
          ...(Option.isSome(o.webHost) ? { allowedHosts: list(o.webHost.value) } : {}),
          history: { file: Option.getOrUndefined(o.historize), dir: Option.getOrUndefined(o.webHistory) }
        }
      } : {}),
      ...(Option.isSome(o.historize) ? { historize: o.historize.value } : {})
    }
    yield* Effect.gen(function* () {
      if (device.loaded.length > 0) yield* Effect.logInfo(`config files read: ${device.loaded.join(", ")}`)
      for (const key of device.ignored) yield* Effect.logWarning(`config ${key}: not configurable in this simulator (ignored)`)
      yield* runSimulator(cfg, {
        onListening: (addrs) =>
          o.addressOutput ? Console.log(`${formatAddress(addrs.tcp)}${addrs.web ? `\nweb ${formatAddress(addrs.web)}` : ""}`) : Effect.void,
        onEvent: o.print ? (line) => Console.log(line) : undefined
      }, bridge !== undefined && modbusTarget !== undefined
        ? bridge.modbusBridgeLayer({
            host: modbusTarget.host, port: modbusTarget.port, unit: o.modbusUnit, rate: o.modbusRate,
            timeout: o.modbusTimeout * 1000, wordOrder
          }, bridgeSpecs)
        : undefined)
    }).pipe(
      // Tag specs that parse but cannot be built together are usage mistakes too.
      Effect.catchTag("TagSpecError", (e) => usage(e.message)),
      Effect.provide(loggingLayer(o.verbosity, Option.getOrUndefined(o.log)))
    )
  })

export const serverCommand = leaf({
  name: "server",
  summary: "Run a simulated Logix controller (EtherNet/IP CIP server).",
  description: [
    "It listens on TCP and UDP port 44818 and serves the tags given, until Ctrl-C. A mistake on the command line prints one line and exits with status 2."
  ]
}, serverOptions, serve)

/** `cpppo enip historize FILE TAG…`: a simulator recording every tag read/write/failure to FILE. */
export const historizeCommand = leaf({
  name: "historize",
  summary: "Run the simulator, recording every tag read, write and failure to a history FILE.",
  description: ["The same as `cpppo enip server --historize FILE`; read the file back with `cpppo history cat|play|stats|plot`."]
}, { file: arg("FILE", { help: "history file to record into (rotated at 10 MB)" }), ...serverOptions },
({ file, ...o }) => serve({ ...o, historize: Option.some(file) }))
