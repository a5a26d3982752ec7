/**
 * `cpppo enip poll -a host[:port] -R 1.0 [-m] [-d N] TAG… [--historize FILE]` — poll a controller
 * (cpppo's `poll`): read the tags every period, print and record each change, reconnect with
 * back-off when the connection is lost (recorded as a gap), end with a summary. It never writes.
 */
import type { Command } from "@effect/cli"
import { Effect, Either, Option } from "effect"
import { pollOperations } from "../poll/poller.js"
import { parseAddress } from "../server/address.js"
import { loggingLayer } from "./logging.js"
import { routePathOption } from "./serverOptions.js"
import { args, flag, float, integer, leaf, text } from "./spec.js"
import { usage } from "./usage.js"

const options = {
  verbosity: integer("verbosity", { metavar: "N", help: "log verbosity (what -v, -vv count)", default: 0, hidden: true }),
  address: text("address", { short: "a", metavar: "ADDRESS", default: "localhost:44818", help: "host[:port] of the controller; IPv6 as [::1]:44818" }),
  rate: float("rate", { short: "R", metavar: "SECONDS", default: 1, range: [0.001, Infinity], help: "poll period" }),
  multiple: flag("multiple", { short: "m", help: "pack the reads into Multiple Service Packets" }),
  depth: integer("depth", { short: "d", metavar: "N", default: 1, range: [1, Infinity], help: "requests in flight at once (pipelining)" }),
  timeout: float("timeout", { short: "t", metavar: "SECONDS", default: 5, range: [0.001, Infinity], help: "connect and per-request timeout" }),
  connected: flag("connected", { short: "c", help: "poll over a class 3 connection (Forward Open)" }),
  routePath: text("route-path", { metavar: "PATH", showDefault: "1/0", help: "route path, as port/link[/port/link…] or JSON; false or none for none" }),
  simple: flag("simple", { short: "S", help: "a simple (non-routing) device such as a MicroLogix: no Unconnected Send" }),
  historize: text("historize", { metavar: "FILE", help: "record every change (and every gap in the connection) to the history FILE, rotated at 10 MB; FILE.gz is written gzipped" }),
  duration: float("duration", { metavar: "SECONDS", range: [0.001, Infinity], showDefault: "until Ctrl-C", help: "stop after this many seconds" }),
  quiet: flag("quiet", { short: "q", help: "do not print the changes (the summary still is)" }),
  log: text("log", { short: "l", metavar: "FILE", help: "log to FILE, rotated at 10 MB, 5 copies kept" }),
  tags: args("TAG", { min: 1, help: "tags to read: NAME, NAME[i], NAME[a-b], NAME.MEMBER (never written)" })
}

const load = Effect.promise(() => import("./enipPollRun.js"))

const poll = (o: Command.Command.ParseConfig<typeof options>) =>
  Effect.gen(function* () {
    const target = parseAddress(o.address, { host: "localhost", port: 44818 })
    if (Either.isLeft(target)) return yield* usage(target.left)
    const ops = pollOperations(o.tags)
    if (Either.isLeft(ops)) return yield* usage(ops.left.message)
    // -R, -t, -d and --duration are checked against their ranges before parsing (spec.ts).
    const route = routePathOption(o.routePath)
    if (Either.isLeft(route)) return yield* usage(route.left)
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
      ...(route.right !== undefined ? { routePath: route.right } : {}),
      historize: Option.getOrUndefined(o.historize),
      duration: Option.getOrUndefined(o.duration),
      quiet: o.quiet
    }).pipe(Effect.provide(loggingLayer(o.verbosity, Option.getOrUndefined(o.log))))
  })

export const pollCommand = leaf({
  name: "poll",
  summary: "Poll a controller's tags: print and record each change, reconnecting after a loss (never writes to it).",
  description: [
    "Each poll reads every TAG (packed with -m); the elements whose values changed are printed and, with --historize, recorded as history (cpppo history cat/plot/play read it; cpppo enip server --replay plays it back).",
    "A lost connection is recorded once per tag as a gap and retried with back-off (from the poll period, x1.5, up to ten periods); the first poll after it records every value again. A summary is printed at the end."
  ]
}, options, poll)
