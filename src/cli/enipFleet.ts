/**
 * `cpppo enip fleet` — many simulated controllers in one process.
 *
 *   cpppo enip fleet --count N --address 127.0.1.1[:44818] [server options] TAG…
 *   cpppo enip fleet --config plant.yaml [--shard I/N] [-w ADDR] [-A] [-p] [--list]
 *
 * The command-line form is a one-entry fleet file (name plc{n}, `count`, consecutive addresses,
 * serial base + n), checked by the same parser as a file, so both start the same way.
 */
import type { Command } from "@effect/cli"
import { Console, Effect, Either, Option } from "effect"
import { readFileSync } from "node:fs"
import { parseAddress } from "../server/address.js"
import type { FleetConfigError } from "../server/fleetConfig.js"
import { serverOptions } from "./enipServer.js"
import { loggingLayer } from "./logging.js"
import { isDirectory, list, webOption } from "./serverOptions.js"
import { args, flag, integer, leaf, text } from "./spec.js"
import { usage } from "./usage.js"

/** Loaded when the command runs: the YAML parser, the Schema and the fleet stay out of every other command's start-up. */
const loadFleet = Effect.promise(() =>
  Promise.all([import("../server/fleetConfig.js"), import("../server/shard.js"), import("../server/addressRange.js"), import("./fleet.js")]))

// The server's options apply to each controller, except cpppo's INI config files (-c: here the
// fleet file), the Modbus bridge (one device per process) and --replay (one history into one
// controller): not offered, so giving one is an unknown option, not silently ignored.
const {
  config: _iniFiles, noConfig: _noConfig, configBasename: _basename,
  modbus: _modbus, modbusUnit: _unit, modbusRate: _rate, modbusTimeout: _timeout, wordOrder: _order,
  replay: _replay, speed: _speed, loop: _loop, since: _since, until: _until,
  ...shared
} = serverOptions
const fleetOptions = {
  ...shared,
  address: text("address", { short: "a", metavar: "ADDRESS", default: ":44818", showDefault: ":44818, every interface",
    help: "[iface][:port] of the first controller; with --count N the next ones take the following IP addresses (127.0.1.1, 127.0.1.2, …), same port" }),
  count: integer("count", { short: "n", metavar: "N", range: [1, 65536], showDefault: "1", help: "how many controllers, at consecutive addresses from --address" }),
  name: text("name", { metavar: "PREFIX", default: "plc", help: "controller name prefix: plc → plc1 … plcN (web paths /plc1/…, metrics labels)" }),
  config: text("config", { short: "c", metavar: "FILE", help: "fleet FILE (.yaml, .yml or .json): defaults: and controllers: entries (name, count, address, identity, udts, tags, signals, delay, routePath, simple; kind: modbus with registers, units)" }),
  shard: text("shard", { metavar: "INDEX/COUNT", help: "run only shard INDEX of COUNT of the fleet (INDEX may be a pod name ending -ORDINAL, as in a StatefulSet)" }),
  list: flag("list", { help: "print each controller's 'name host:port' and exit without starting" }),
  tags: args("TAG", { help: "tag specs NAME[@cls/ins/att][=TYPE][[n]] of every controller, e.g. SCADA=INT[1000], TEXT=STRING, Speed=REAL; TYPE defaults to INT" })
}
type FleetCliOptions = Command.Command.ParseConfig<typeof fleetOptions>

/** The command-line options of the entry fields a command-line controller's mistakes name. */
const OPTION_OF: Readonly<Record<string, string>> = { name: "--name", delay: "-d/--delay", routePath: "--route-path", address: "-a/--address" }

/** A fleet-file error in command-line words: the field (identity.productName → --product-name) and the reason, without the entry. */
const cliMessage = (e: FleetConfigError) => {
  // -T with -U: the file words it as its two fields; enip server's words.
  if (e.field === "tcp") return "-T/--no-tcp with -U/--no-udp leaves nothing to serve"
  const m = /^controllers\[0\](?: \([^)]*\))?: (.*)$/.exec(e.message)
  const rest = m === null ? e.message : m[1]!
  return rest.replace(/^(tags|udts|signals)\[\d+\]: /, "")
    .replace(/^identity\.([a-zA-Z]+): /, (_, key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: `)
    .replace(/^([a-zA-Z]+): /, (all, field: string) => (Object.hasOwn(OPTION_OF, field) ? `${OPTION_OF[field]}: ` : all))
}

/** The command-line controller options, as the one entry of a fleet file. */
const entryOf = (o: FleetCliOptions): Record<string, unknown> => ({
  name: o.name,
  count: Option.getOrElse(o.count, () => 1),
  address: o.address,
  tags: o.tags,
  ...(o.udt.length > 0 ? { udts: o.udt } : {}),
  ...(o.signal.length > 0 ? { signals: o.signal } : {}),
  ...(Option.isSome(o.delay) ? { delay: o.delay.value } : {}),
  ...(Option.isSome(o.routePath) ? { routePath: o.routePath.value } : {}),
  ...(o.simple ? { simple: true } : {}),
  ...(o.noUdp ? { udp: false } : {}),
  ...(o.noTcp ? { tcp: false } : {}),
  ...(Option.isSome(o.idle) ? { idleTimeout: o.idle.value } : {}),
  ...(Option.isSome(o.maxSessions) ? { maxSessions: o.maxSessions.value } : {}),
  ...(Option.isSome(o.size) ? { size: o.size.value } : {}),
  identity: {
    ...(Option.isSome(o.vendor) ? { vendor: o.vendor.value } : {}),
    ...(Option.isSome(o.deviceType) ? { deviceType: o.deviceType.value } : {}),
    ...(Option.isSome(o.productCode) ? { productCode: o.productCode.value } : {}),
    ...(Option.isSome(o.productName) ? { productName: o.productName.value } : {}),
    ...(Option.isSome(o.serial) ? { serial: o.serial.value } : {}),
    ...(Option.isSome(o.revision) ? { revision: o.revision.value } : {})
  }
})

/** Controller options given with --config: they belong in the file. */
const controllerOptionsGiven = (o: FleetCliOptions): ReadonlyArray<string> => [
  ...(o.tags.length > 0 ? ["TAG…"] : []), ...(o.udt.length > 0 ? ["--udt"] : []), ...(o.signal.length > 0 ? ["--signal"] : []), ...(Option.isSome(o.count) ? ["--count"] : []), ...(o.address !== ":44818" ? ["--address"] : []),
  ...(Option.isSome(o.delay) ? ["--delay"] : []), ...(Option.isSome(o.routePath) ? ["--route-path"] : []), ...(o.simple ? ["--simple"] : []),
  ...(o.noUdp ? ["--no-udp"] : []), ...(o.noTcp ? ["--no-tcp"] : []), ...(Option.isSome(o.idle) ? ["--idle-timeout"] : []), ...(Option.isSome(o.maxSessions) ? ["--max-sessions"] : []),
  ...(Option.isSome(o.size) ? ["--size"] : []), ...(Option.isSome(o.vendor) ? ["--vendor"] : []), ...(Option.isSome(o.deviceType) ? ["--device-type"] : []),
  ...(Option.isSome(o.productCode) ? ["--product-code"] : []), ...(Option.isSome(o.productName) ? ["--product-name"] : []),
  ...(Option.isSome(o.serial) ? ["--serial"] : []), ...(Option.isSome(o.revision) ? ["--revision"] : []), ...(o.name !== "plc" ? ["--name"] : [])
]

const fleet = (o: FleetCliOptions) =>
  Effect.gen(function* () {
    const [{ decodeFleetFile, fleetFormatOf, parseFleetConfig, resolveFleet }, { parseShard, shardOf }, { formatHostPort }, { historyPathFor, runFleet }] = yield* loadFleet
    let controllers
    if (Option.isSome(o.config)) {
      const given = controllerOptionsGiven(o)
      if (given.length > 0) return yield* usage(`${given.join(", ")}: with --config, controller options go in the file (its defaults: or entries)`)
      let text: string
      try {
        text = readFileSync(o.config.value, "utf8")
      } catch (e) {
        return yield* usage(`cannot read fleet file ${o.config.value}: ${(e as Error).message}`)
      }
      const parsed = parseFleetConfig(text, fleetFormatOf(o.config.value))
      if (Either.isLeft(parsed)) return yield* usage(`${o.config.value}: ${parsed.left.message}`)
      controllers = parsed.right
    } else {
      if (Option.isSome(o.count) && o.count.value < 1) return yield* usage(`invalid count ${o.count.value}: expected 1 or more`)
      const raw = { controllers: [entryOf(o)] }
      const parsed = Either.flatMap(decodeFleetFile(raw), (file) => resolveFleet(file, raw))
      if (Either.isLeft(parsed)) return yield* usage(cliMessage(parsed.left))
      controllers = parsed.right
    }
    if (o.paused && !controllers.some((c) => c.kind === "enip" && (c.signals?.length ?? 0) > 0)) {
      return yield* usage("--paused goes with --signal (or signals: in the fleet file)")
    }
    if (Option.isSome(o.shard)) {
      const s = parseShard(o.shard.value)
      if (Either.isLeft(s)) return yield* usage(s.left)
      controllers = shardOf(controllers, s.right)
    }
    if (o.list) {
      for (const c of controllers) yield* Console.log(`${c.name} ${formatHostPort(c)}`)
      return
    }
    const fallback = parseAddress(o.address, { host: "0.0.0.0", port: 44818 })
    const w = webOption(o.web, Either.isRight(fallback) && !Option.isSome(o.config) ? fallback.right.host : "0.0.0.0")
    if (Either.isLeft(w)) return yield* usage(w.left)
    if (Option.isSome(o.webHistory) && !isDirectory(o.webHistory.value)) return yield* usage(`--web-history ${o.webHistory.value}: not a directory`)
    for (const [given, name] of [[o.webCors, "--web-cors"], [o.webHost, "--web-host"]] as const) {
      if (Option.isSome(given) && w.right === undefined) return yield* usage(`${name} needs -w/--web`)
    }
    const historyFile = Option.isSome(o.historize) ? ((template: string) => (n: string) => historyPathFor(template, n))(o.historize.value) : undefined
    const historyDir = Option.getOrUndefined(o.webHistory)
    yield* runFleet({
      controllers,
      ...(w.right !== undefined ? {
        web: {
          ...w.right,
          ...(Option.isSome(o.webToken) ? { token: o.webToken.value } : {}),
          ...(Option.isSome(o.webCors) ? { cors: list(o.webCors.value) } : {}),
          ...(Option.isSome(o.webHost) ? { allowedHosts: list(o.webHost.value) } : {}),
          history: (n: string) => ({ file: historyFile?.(n), dir: historyDir })
        }
      } : {}),
      ...(historyFile !== undefined ? { historyFile } : {}),
      // Each controller's signal generators (`--signal` or the file's `signals:`, `{n}` expanded),
      // computed every --signal-rate seconds, paused with --paused.
      signals: ((byName: ReadonlyMap<string, ReadonlyArray<string>>) => (n: string) => {
        const specs = byName.get(n)
        return specs !== undefined && specs.length > 0 ? { specs, periodMillis: o.signalRate * 1000, paused: o.paused } : undefined
      })(new Map(controllers.map((c) => [c.name, c.kind === "enip" ? c.signals ?? [] : []] as const))),
      // One budget for the whole fleet (process-wide, like the descriptor limit).
      ...(Option.isSome(o.maxSessionsPerPeer) ? { limits: { maxSessionsPerPeer: o.maxSessionsPerPeer.value } } : {})
    }, {
      onListening: ({ controllers: bound, web: w }) =>
        o.addressOutput
          ? Console.log([...bound.map((c) => `${c.name} ${formatHostPort(c.tcp)}`), ...(w ? [`web ${formatHostPort(w)}`] : [])].join("\n"))
          : Effect.void,
      onEvent: o.print ? (n, line) => Console.log(`${n}: ${line}`) : undefined
    }).pipe(
      Effect.catchTag("FleetStartError", (e) => Effect.fail(new Error(e.message))),
      Effect.provide(loggingLayer(o.verbosity, Option.getOrUndefined(o.log)))
    )
  })

export const fleetCommand = leaf({
  name: "fleet",
  summary: "Run many simulated controllers in one process (a fleet), from --count/--address or a fleet file (-c).",
  description: [
    "Each controller is a whole simulator with its own address, identity, tags, faults and history; the server's options apply to each. -w serves one web API for all: /NAME/api/… per controller, /api/… for all of them (group controllers), /healthz and /metrics. Ctrl-C stops them all."
  ]
}, fleetOptions, fleet)
