/**
 * `cpppo enip server [options] TAG…` — run a simulated Logix controller.
 *
 * Options follow cpppo's: -a/--address, -A/--address-output, -v, -d/--delay, -w/--web,
 * -l/--log, -p/--print, -s/--size, --route-path, -S/--simple, -U/--no-udp, identity options or
 * --config FILE, then tag specs `NAME[@cls/ins/att]=TYPE[n]`.
 */
import { Args, Command, Options } from "@effect/cli"
import { Console, Effect, Either, Option } from "effect"
import { readFileSync, statSync } from "node:fs"
import { parseRoutePath } from "../cip/epath.js"
import { parseAddress } from "../server/address.js"
import { parseDelay } from "../server/control.js"
import type { SimulatorConfig } from "../server/simulator.js"
import { type CliSimulatorConfig, runSimulator } from "./simulator.js"
import { parseTagSpec } from "../tags/spec.js"
import { loggingLayer } from "./logging.js"
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
const webCors = Options.text("web-cors").pipe(Options.optional, Options.withDescription("let pages of these origins (comma-separated, or *) use the web API from a browser (default: none)"))
const webHost = Options.text("web-host").pipe(Options.optional, Options.withDescription("host names the web server answers to, besides IP addresses, localhost and this machine's name (comma-separated)"))
const log = Options.text("log").pipe(Options.withAlias("l"), Options.optional, Options.withDescription("log to FILE (rotated at 10 MB, 5 copies)"))
const print = Options.boolean("print").pipe(Options.withAlias("p"), Options.withDescription("print every tag read/write/failure"))
const size = Options.integer("size").pipe(Options.withAlias("s"), Options.optional, Options.withDescription("largest encapsulation frame accepted, bytes (longer: status 0x65 and close)"))
const routePath = Options.text("route-path").pipe(Options.optional, Options.withDescription("route path Unconnected Sends must carry (default 1/0; 'false' or 'none' for no routing)"))
const simple = Options.boolean("simple").pipe(Options.withAlias("S"), Options.withDescription("no routing (like a MicroLogix): refuse routed Unconnected Sends"))
const noUdp = Options.boolean("no-udp").pipe(Options.withAlias("U"), Options.withDescription("do not answer List* on UDP"))
const maxSessions = Options.integer("max-sessions").pipe(Options.optional, Options.withDescription("most TCP sessions at once (default 2048, or fewer if the file-descriptor limit allows fewer)"))
const maxSessionsPerPeer = Options.integer("max-sessions-per-peer").pipe(Options.optional, Options.withDescription("most TCP sessions from one client address at once (default 64)"))
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
const tags = Args.text({ name: "TAG" }).pipe(Args.repeated, Args.withDescription("tag specs NAME[@cls/ins/att]=TYPE[n]"))

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

const list = (text: string): ReadonlyArray<string> => text.split(",").map((x) => x.trim()).filter((x) => x !== "")

const serverOptions = { verbosity, address, addressOutput, delay, web, webToken, webCors, webHost, log, print, size, routePath, simple, noUdp, maxSessions, maxSessionsPerPeer, idle, historize, webHistory, config, vendor, deviceType, productCode, productName, serial, revision, tags }

type ServerOptions = Command.Command.ParseConfig<typeof serverOptions>

const serve = (o: ServerOptions) =>
    Effect.gen(function* () {
      // Validate everything first: one line per mistake, non-zero exit.
      const bind = parseAddress(o.address, { host: "0.0.0.0", port: 44818 })
      if (Either.isLeft(bind)) return yield* fail(bind.left)
      // Each spec is checked before anything starts (the TagStore parses them again when built).
      for (const t of o.tags) {
        const s = parseTagSpec(t)
        if (Either.isLeft(s)) return yield* fail(s.left.message)
      }
      let delayValue: number | readonly [number, number] | undefined
      if (Option.isSome(o.delay)) {
        const d = parseDelay(o.delay.value)
        if (Option.isNone(d)) return yield* fail(`invalid delay ${JSON.stringify(o.delay.value)}: expected seconds like 0.5 or a range like 0.1-0.9`)
        delayValue = d.value
      }
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
      let webAddress: { host: string; port: number } | undefined
      if (Option.isSome(o.web)) {
        const w = parseAddress(o.web.value, { host: bind.right.host, port: 80 })
        if (Either.isLeft(w)) return yield* fail(w.left)
        webAddress = w.right
      }
      if (Option.isSome(o.webHistory) && !isDirectory(o.webHistory.value)) return yield* fail(`--web-history ${o.webHistory.value}: not a directory`)
      if (Option.isSome(o.maxSessionsPerPeer) && o.maxSessionsPerPeer.value < 1) {
        return yield* fail(`invalid --max-sessions-per-peer ${o.maxSessionsPerPeer.value}: at least 1`)
      }
      for (const [given, name] of [[o.webCors, "--web-cors"], [o.webHost, "--web-host"]] as const) {
        if (Option.isSome(given) && webAddress === undefined) return yield* fail(`${name} needs -w/--web`)
      }
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
        tags: o.tags, // the text, so a start-up error (duplicate name, reserved class) quotes the whole spec
        udp: !o.noUdp,
        simple: o.simple,
        routePath: route,
        delay: delayValue,
        identity,
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
      yield* runSimulator(cfg, {
        onListening: (addrs) =>
          o.addressOutput
            ? Console.log(`${addrs.tcp.host}:${addrs.tcp.port}${addrs.web ? `\nweb ${addrs.web.host}:${addrs.web.port}` : ""}`)
            : Effect.void,
        onEvent: o.print ? (line) => Console.log(line) : undefined
      }).pipe(
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

