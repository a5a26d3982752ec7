/**
 * `cpppo enip poll -a host[:port] -R 1.0 [-m] [-d N] TAG… [--historize FILE]` — poll a controller
 * (cpppo's `poll`): read the tags every period, print and record each change, reconnect with
 * back-off when the connection is lost (recorded as a gap), end with a summary. It never writes.
 */
import { Args, Command, Options } from "@effect/cli"
import { Effect, Either, Option } from "effect"
import { parseRoutePath } from "../cip/epath.js"
import type { EPath } from "../cip/model.js"
import { pollOperations } from "../poll/poller.js"
import { parseAddress } from "../server/address.js"
import { withExample } from "./examples.js"
import { loggingLayer } from "./logging.js"
import { usage } from "./usage.js"

const verbosity = Options.integer("verbosity").pipe(Options.withDefault(0), Options.withDescription("log verbosity (use -v, -vv)"))
const address = Options.text("address").pipe(Options.withAlias("a"), Options.withDefault("localhost:44818"), Options.withDescription("host[:port] of the controller (default localhost:44818)"))
const rate = Options.float("rate").pipe(Options.withAlias("R"), Options.withDefault(1), Options.withDescription("poll period, seconds (default 1)"))
const multiple = Options.boolean("multiple").pipe(Options.withAlias("m"), Options.withDescription("pack the reads into Multiple Service Packets"))
const depth = Options.integer("depth").pipe(Options.withAlias("d"), Options.withDefault(1), Options.withDescription("requests in flight at once (default 1)"))
const timeout = Options.float("timeout").pipe(Options.withAlias("t"), Options.withDefault(5), Options.withDescription("connect and request timeout, seconds (default 5)"))
const connected = Options.boolean("connected").pipe(Options.withAlias("c"), Options.withDescription("poll over a class 3 connection (Forward Open)"))
const routePath = Options.text("route-path").pipe(Options.optional, Options.withDescription("route path (default 1/0; 'none' for none)"))
const simple = Options.boolean("simple").pipe(Options.withAlias("S"), Options.withDescription("a non-routing device: no Unconnected Send"))
const historize = Options.text("historize").pipe(Options.optional, Options.withDescription("record every change to this history FILE (rotated at 10 MB; FILE.gz is written gzipped)"))
const duration = Options.float("duration").pipe(Options.optional, Options.withDescription("stop after this many seconds (default: until Ctrl-C)"))
const quiet = Options.boolean("quiet").pipe(Options.withAlias("q"), Options.withDescription("do not print the changes (the summary still is)"))
const log = Options.text("log").pipe(Options.withAlias("l"), Options.optional, Options.withDescription("log to FILE (rotated at 10 MB, 5 copies)"))
const tags = Args.text({ name: "TAG" }).pipe(Args.atLeast(1), Args.withDescription("tags to read: NAME, NAME[i], NAME[a-b], NAME.MEMBER"))

const options = { verbosity, address, rate, multiple, depth, timeout, connected, routePath, simple, historize, duration, quiet, log, tags }

const load = Effect.promise(() => import("./enipPollRun.js"))

const poll = (o: Command.Command.ParseConfig<typeof options>) =>
  Effect.gen(function* () {
    const target = parseAddress(o.address, { host: "localhost", port: 44818 })
    if (Either.isLeft(target)) return yield* usage(target.left)
    const ops = pollOperations(o.tags)
    if (Either.isLeft(ops)) return yield* usage(ops.left.message)
    if (!(o.rate > 0)) return yield* usage(`invalid rate ${o.rate}: must be positive`)
    if (!(o.timeout > 0)) return yield* usage(`invalid timeout ${o.timeout}: must be positive`)
    if (o.depth < 1) return yield* usage(`invalid depth ${o.depth}: must be 1 or more`)
    if (Option.isSome(o.duration) && !(o.duration.value > 0)) return yield* usage(`invalid duration ${o.duration.value}: must be positive`)
    let route: EPath | undefined
    if (Option.isSome(o.routePath)) {
      const text = o.routePath.value.trim()
      if (/^(false|none|0)$/i.test(text)) route = []
      else {
        const r = parseRoutePath(text)
        if (Either.isLeft(r)) return yield* usage(`invalid route path ${JSON.stringify(text)}: ${r.left.message}`)
        route = r.right
      }
    }
    const { runEnipPoll } = yield* load
    yield* runEnipPoll({
      host: target.right.host,
      port: target.right.port,
      tags: o.tags,
      rate: o.rate,
      depth: o.depth,
      multiple: o.multiple,
      timeout: o.timeout * 1000,
      connected: o.connected,
      simple: o.simple,
      ...(route !== undefined ? { routePath: route } : {}),
      historize: Option.getOrUndefined(o.historize),
      duration: Option.getOrUndefined(o.duration),
      quiet: o.quiet
    }).pipe(Effect.provide(loggingLayer(o.verbosity, Option.getOrUndefined(o.log))))
  })

export const pollCommand = Command.make("poll", options, poll).pipe(
  Command.withDescription(withExample("cpppo enip poll", "Poll a controller's tags: print and record each change (never writes to it)"))
)
