/**
 * `cpppo enip client [options] OPERATION…` and `cpppo enip get-attribute [options] @cls/ins[/att][=v]…`.
 *
 * Options follow cpppo's `enip_client` (see README, "Coming from Python cpppo"). Mistakes give
 * one `cpppo:` line and exit status 2; failed operations exit 1.
 */
import type { Command } from "@effect/cli"
import { Effect, Either, Option } from "effect"
import { readFileSync } from "node:fs"
import { parseRoutePath } from "../cip/epath.js"
import type { EPath } from "../cip/model.js"
import type { ListCommand } from "../client/discovery.js"
import { parseOperations } from "../client/operations.js"
import { runClient, runGetAttribute } from "../client/run.js"
import { parseAddress } from "../server/address.js"
import { parseNumber } from "../tags/spec.js"
import { loggingLayer } from "./logging.js"
import { args, flag, float, integer, leaf, text } from "./spec.js"
import { usage } from "./usage.js"

const common = {
  verbosity: integer("verbosity", { metavar: "N", help: "log verbosity (what -v, -vv count)", default: 0, hidden: true }),
  address: text("address", { short: "a", metavar: "ADDRESS", showDefault: "localhost:44818; with -b, 255.255.255.255:44818", help: "host[:port] of the controller; IPv6 as [::1]:44818" }),
  timeout: float("timeout", { short: "t", metavar: "SECONDS", default: 5, range: [0.001, Infinity], help: "connect and per-request timeout" }),
  depth: integer("depth", { short: "d", metavar: "N", default: 1, range: [1, Infinity], help: "requests in flight at once (pipelining)" }),
  routePath: text("route-path", { metavar: "PATH", showDefault: "1/0", help: "route path, as port/link[/port/link…] or JSON; false or none for none" }),
  sendPath: text("send-path", { metavar: "PATH", showDefault: "@6/1", help: "where Unconnected Send goes; '' sends requests without it (with --route-path none: a simple device)" }),
  priorityTimeTick: integer("priority-time-tick", { metavar: "N", range: [0, 15], showDefault: "5, 32 ms", help: "timeout tick of routed requests and Forward Open: 2^N ms" }),
  timeoutTicks: integer("timeout-ticks", { metavar: "N", range: [1, 255], showDefault: "157, about 5 s", help: "timeout of routed requests and Forward Open, in ticks" }),
  simple: flag("simple", { short: "S", help: "a simple (non-routing) device such as a MicroLogix: no Unconnected Send, no route path" }),
  log: text("log", { short: "l", metavar: "FILE", help: "log to FILE, rotated at 10 MB, 5 copies kept" })
}

const clientOptions = {
  ...common,
  repeat: integer("repeat", { short: "r", metavar: "N", default: 1, range: [1, Infinity], help: "run the operations N times" }),
  multiple: flag("multiple", { short: "m", help: "pack operations into Multiple Service Packets; a bare number among the operations sets the byte limit (default: the connection size)" }),
  fragment: flag("fragment", { short: "f", help: "always use Read/Write Tag Fragmented" }),
  connected: flag("connected", { short: "c", help: "use a class 3 connection (Large Forward Open, falling back to Forward Open)" }),
  print: flag("print", { short: "p", help: "print one line per operation", negation: { long: "no-print", help: "print nothing but errors (the default)" } }),
  listIdentity: flag("list-identity", { short: "i", help: "List Identity" }),
  listServices: flag("list-services", { short: "s", help: "List Services" }),
  listInterfaces: flag("list-interfaces", { short: "I", help: "List Interfaces" }),
  udp: flag("udp", { short: "u", help: "send the List* requests over UDP" }),
  broadcast: flag("broadcast", { short: "b", help: "send the List* requests over UDP with broadcast allowed, to -a (default 255.255.255.255), and gather every answer until -t" }),
  listTags: flag("list-tags", { help: "list the controller's tags (Symbol object browse)" }),
  operations: args("OPERATION", {
    help: "Tag, Tag[i], Tag[a-b], Tag[a-b]+offset, Tag=v,…, Tag[a-b]=(TYPE)v,…, @cls/ins/att[=v], @cls/ins; - reads more operations from stdin, one per line"
  })
}

type CommonOptions = Command.Command.ParseConfig<typeof common>

const write = (line: string) => { process.stdout.write(line + "\n") }
const setExit = (code: number) => Effect.sync(() => { if (code !== 0) process.exitCode = code })

/** `-a host[:port]` as host and port; without `-a`, or without a host or port in it: localhost:44818. */
export const clientAddress = (address: Option.Option<string>) =>
  parseAddress(Option.getOrElse(address, () => ""), { host: "localhost", port: 44818 })

/** Address, route path and send path, or the usage message. */
const resolveTarget = (o: CommonOptions) => {
  const addr = clientAddress(o.address)
  if (Either.isLeft(addr)) return Either.left(addr.left)
  let routePath: EPath | undefined
  if (Option.isSome(o.routePath)) {
    const t = o.routePath.value.trim()
    const r = /^(false|none|0)$/i.test(t) ? Either.right([]) : parseRoutePath(t)
    if (Either.isLeft(r)) return Either.left(`invalid route path ${JSON.stringify(t)}: ${r.left.message}`)
    routePath = r.right
  }
  let sendPath: EPath | undefined
  if (Option.isSome(o.sendPath)) {
    const t = o.sendPath.value.trim()
    const m = /^@?([^/]+)\/([^/]+)$/.exec(t)
    const [cls, ins] = m === null ? [] : [parseNumber(m[1]!), parseNumber(m[2]!)]
    if (t === "" || /^(false|none)$/i.test(t)) sendPath = []
    else if (cls === undefined || ins === undefined || cls > 0xffff || ins > 0xffffffff) return Either.left(`invalid send path ${JSON.stringify(t)}: expected @class/instance such as @6/1, or ''`)
    else sendPath = [{ _tag: "Class", id: cls }, { _tag: "Instance", id: ins }]
  }
  return Either.right({
    host: addr.right.host,
    port: addr.right.port,
    timeout: o.timeout,
    depth: o.depth,
    routePath,
    sendPath,
    priorityTimeTick: Option.getOrUndefined(o.priorityTimeTick),
    timeoutTicks: Option.getOrUndefined(o.timeoutTicks),
    simple: o.simple
  })
}

/** `-b` without `-a` asks the whole local network (255.255.255.255); with `-a`, that address. */
export const udpHostOf = (address: Option.Option<string>, broadcast: boolean): string | undefined =>
  broadcast && Option.isNone(address) ? "255.255.255.255" : undefined

/** The operations with `-` replaced by stdin's lines (as cpppo's client does). */
const withStdin = (texts: ReadonlyArray<string>): Array<string> =>
  texts.flatMap((t) => (t === "-" ? readFileSync(0, "utf8").split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#")) : [t]))

export const clientCommand = leaf({
  name: "client",
  summary: "Read and write tags and CIP attributes on an EtherNet/IP controller.",
  description: ["Prints nothing unless -p (one line per operation, in cpppo's format) or -v. The exit status is 1 when any operation failed."]
}, clientOptions, (o) =>
  Effect.gen(function* () {
    const t = resolveTarget(o)
    if (Either.isLeft(t)) return yield* usage(t.left)
    // `-m 200`: a bare number among the operations is the packet size (no tag starts with a digit).
    let multipleBytes = o.multiple ? Number.MAX_SAFE_INTEGER : 0
    const texts: Array<string> = []
    for (const text of withStdin(o.operations)) {
      if (o.multiple && /^\d+$/.test(text)) multipleBytes = Number(text)
      else texts.push(text)
    }
    if (o.multiple && multipleBytes < 16) return yield* usage(`invalid --multiple ${multipleBytes}: too small for any request`)
    const ops = parseOperations(texts, { fragment: o.fragment })
    if (Either.isLeft(ops)) return yield* usage(ops.left.message)
    const list: Array<ListCommand> = []
    if (o.listIdentity) list.push("ListIdentity")
    if (o.listServices) list.push("ListServices")
    if (o.listInterfaces) list.push("ListInterfaces")
    if ((o.udp || o.broadcast) && list.length === 0) return yield* usage("-u/--udp and -b/--broadcast need -i, -s or -I")
    if (list.length === 0 && !o.listTags && ops.right.length === 0) return yield* usage("nothing to do: give operations, --list-tags, -i, -s or -I")
    const code = yield* runClient({
      ...t.right,
      operations: ops.right,
      repeat: o.repeat,
      multiple: multipleBytes,
      fragment: o.fragment,
      connected: o.connected,
      print: o.print,
      verbosity: o.verbosity,
      list,
      udp: o.udp,
      broadcast: o.broadcast,
      udpHost: udpHostOf(o.address, o.broadcast),
      listTags: o.listTags
    }, write).pipe(Effect.provide(loggingLayer(o.verbosity, Option.getOrUndefined(o.log))))
    yield* setExit(code)
  }))

const getAttributeCommand = leaf({
  name: "get-attribute",
  summary: "Get or set CIP attributes by @class/instance/attribute, decoding Identity and TCP/IP."
}, {
  ...common,
  noPrint: flag("no-print", { help: "print nothing; the exit status tells (printing is the default, as in cpppo)", negation: { long: "print", help: "print each result and its decoded fields (the default)" } }),
  multiple: flag("multiple", { short: "m", help: "pack the requests into Multiple Service Packets" }),
  attributes: args("ATTRIBUTE", { help: "@cls/ins (Get Attributes All), @cls/ins/att (Get Attribute Single), @cls/ins/att=(TYPE)v,… (Set Attribute Single); - reads more from stdin" })
}, (o) =>
  Effect.gen(function* () {
    const t = resolveTarget(o)
    if (Either.isLeft(t)) return yield* usage(t.left)
    const ops = parseOperations(withStdin(o.attributes))
    if (Either.isLeft(ops)) return yield* usage(ops.left.message)
    if (ops.right.length === 0) return yield* usage("nothing to do: give @class/instance[/attribute] operations")
    for (const op of ops.right) {
      if (op.target._tag !== "Numeric") return yield* usage(`get-attribute takes numeric @class/instance[/attribute] paths, not ${op.target.names.map((n) => n.name).join(".")}`)
    }
    const code = yield* runGetAttribute({ ...t.right, operations: ops.right, multiple: o.multiple }, o.noPrint ? () => {} : write)
      .pipe(Effect.provide(loggingLayer(o.verbosity, Option.getOrUndefined(o.log))))
    yield* setExit(code)
  }))

/** Extra `cpppo enip …` subcommands contributed by the client. */
export const clientExtraCommands = [getAttributeCommand] as const
