/**
 * `cpppo enip client [options] OPERATION…` and `cpppo enip get-attribute [options] @cls/ins[/att][=v]…`.
 *
 * Options follow cpppo's client: -a/--address, -t/--timeout, -r/--repeat, -d/--depth,
 * -m/--multiple [bytes], -f/--fragment, -c/--connected, --route-path, -S/--simple, -p/--print,
 * -v, -l/--log, -i/--list-identity, -s/--list-services, -I/--list-interfaces, -u/--udp,
 * -b/--broadcast, --list-tags. Mistakes give one line and a non-zero exit.
 */
import { Args, Command, Options } from "@effect/cli"
import { Effect, Either, Option } from "effect"
import { parseRoutePath } from "../cip/epath.js"
import type { EPath } from "../cip/model.js"
import type { ListCommand } from "../client/discovery.js"
import { parseOperations } from "../client/operations.js"
import { runClient, runGetAttribute } from "../client/run.js"
import { parseAddress } from "../server/address.js"
import { loggingLayer } from "./logging.js"
import { usage } from "./usage.js"
import { withExample } from "./examples.js"

const verbosity = Options.integer("verbosity").pipe(Options.withDefault(0), Options.withDescription("log verbosity (use -v, -vv)"))
const address = Options.text("address").pipe(Options.withAlias("a"), Options.withDefault("localhost:44818"),
  Options.withDescription("host[:port] of the controller (default localhost:44818)"))
const timeout = Options.float("timeout").pipe(Options.withAlias("t"), Options.withDefault(5), Options.withDescription("connect and per-request timeout, seconds (default 5)"))
const repeat = Options.integer("repeat").pipe(Options.withAlias("r"), Options.withDefault(1), Options.withDescription("repeat the operations N times (default 1)"))
const depth = Options.integer("depth").pipe(Options.withAlias("d"), Options.withDefault(1), Options.withDescription("requests in flight at once (default 1)"))
const multiple = Options.boolean("multiple").pipe(Options.withAlias("m"),
  Options.withDescription("pack operations into Multiple Service Packets; a number among the operations sets the byte limit (default: the connection size)"))
const fragment = Options.boolean("fragment").pipe(Options.withAlias("f"), Options.withDescription("always use Read/Write Tag Fragmented"))
const connected = Options.boolean("connected").pipe(Options.withAlias("c"), Options.withDescription("use a connection (Large Forward Open, falling back to Forward Open)"))
const routePath = Options.text("route-path").pipe(Options.optional, Options.withDescription("route path, as port/link[/port/link…] or JSON (default 1/0); 'false' or 'none' for none"))
const simple = Options.boolean("simple").pipe(Options.withAlias("S"), Options.withDescription("a simple (non-routing) device: no Unconnected Send"))
const print = Options.boolean("print").pipe(Options.withAlias("p"), Options.withDescription("print one line per operation"))
const log = Options.text("log").pipe(Options.withAlias("l"), Options.optional, Options.withDescription("log to FILE (rotated at 10 MB, 5 copies)"))
const listIdentity = Options.boolean("list-identity").pipe(Options.withAlias("i"), Options.withDescription("List Identity"))
const listServices = Options.boolean("list-services").pipe(Options.withAlias("s"), Options.withDescription("List Services"))
const listInterfaces = Options.boolean("list-interfaces").pipe(Options.withAlias("I"), Options.withDescription("List Interfaces"))
const udp = Options.boolean("udp").pipe(Options.withAlias("u"), Options.withDescription("send List* requests over UDP"))
const broadcast = Options.boolean("broadcast").pipe(Options.withAlias("b"), Options.withDescription("send List* requests to the UDP broadcast address 255.255.255.255"))
const listTagsOption = Options.boolean("list-tags").pipe(Options.withDescription("list the controller's tags (Symbol object browse)"))
const operations = Args.text({ name: "OPERATION" }).pipe(Args.repeated,
  Args.withDescription("Tag, Tag[i], Tag[a-b], Tag[a-b]+offset, Tag=v,…, Tag[a-b]=(TYPE)v,…, @cls/ins/att[=v], @cls/ins"))

/** A usage mistake: one `cpppo:` line on stderr and exit status 2 (printed by the CLI entry). */
const fail = usage
const write = (line: string) => { process.stdout.write(line + "\n") }
const setExit = (code: number) => Effect.sync(() => { if (code !== 0) process.exitCode = code })

const parseRoute = (text: Option.Option<string>): Either.Either<EPath | undefined, string> => {
  if (Option.isNone(text)) return Either.right(undefined)
  const t = text.value.trim()
  if (/^(false|none|0)$/i.test(t)) return Either.right([])
  const r = parseRoutePath(t)
  return Either.isLeft(r) ? Either.left(`invalid route path ${JSON.stringify(t)}: ${r.left.message}`) : Either.right(r.right)
}

const positive = (n: number, what: string) => (Number.isFinite(n) && n > 0 ? undefined : `invalid ${what} ${n}: must be positive`)

export const clientCommand = Command.make(
  "client",
  { verbosity, address, timeout, repeat, depth, multiple, fragment, connected, routePath, simple, print, log, listIdentity, listServices, listInterfaces, udp, broadcast, listTags: listTagsOption, operations },
  (o) =>
    Effect.gen(function* () {
      const addr = parseAddress(o.address, { host: "localhost", port: 44818 })
      if (Either.isLeft(addr)) return yield* fail(addr.left)
      const route = parseRoute(o.routePath)
      if (Either.isLeft(route)) return yield* fail(route.left)
      for (const [n, what] of [[o.timeout, "timeout"], [o.depth, "depth"], [o.repeat, "repeat"]] as const) {
        const bad = positive(n, what)
        if (bad !== undefined) return yield* fail(bad)
      }
      // `-m 200`: a bare number among the operations is the packet size (no tag starts with a digit).
      let multipleBytes = o.multiple ? Number.MAX_SAFE_INTEGER : 0
      const texts: Array<string> = []
      for (const t of o.operations) {
        if (o.multiple && /^\d+$/.test(t)) multipleBytes = Number(t)
        else texts.push(t)
      }
      if (o.multiple && multipleBytes < 16) return yield* fail(`invalid --multiple ${multipleBytes}: too small for any request`)
      const ops = parseOperations(texts, { fragment: o.fragment })
      if (Either.isLeft(ops)) return yield* fail(ops.left.message)
      const list: Array<ListCommand> = []
      if (o.listIdentity) list.push("ListIdentity")
      if (o.listServices) list.push("ListServices")
      if (o.listInterfaces) list.push("ListInterfaces")
      if ((o.udp || o.broadcast) && list.length === 0) return yield* fail("-u/--udp and -b/--broadcast need -i, -s or -I")
      if (list.length === 0 && !o.listTags && ops.right.length === 0) return yield* fail("nothing to do: give operations, --list-tags, -i, -s or -I")
      const code = yield* runClient({
        host: addr.right.host === "" ? "localhost" : addr.right.host,
        port: addr.right.port,
        timeout: o.timeout,
        operations: ops.right,
        repeat: o.repeat,
        depth: o.depth,
        multiple: multipleBytes,
        fragment: o.fragment,
        connected: o.connected,
        routePath: route.right,
        simple: o.simple,
        print: o.print,
        verbosity: o.verbosity,
        list,
        udp: o.udp,
        broadcast: o.broadcast,
        listTags: o.listTags
      }, write).pipe(Effect.provide(loggingLayer(o.verbosity, Option.getOrUndefined(o.log))))
      yield* setExit(code)
    })
).pipe(Command.withDescription(withExample("cpppo enip client", "Read and write tags and CIP attributes on an EtherNet/IP controller")))

const attributes = Args.text({ name: "ATTRIBUTE" }).pipe(Args.repeated,
  Args.withDescription("@cls/ins (Get Attributes All), @cls/ins/att (Get Attribute Single), @cls/ins/att=(TYPE)v,… (Set Attribute Single)"))

const getAttributeCommand = Command.make(
  "get-attribute",
  { verbosity, address, timeout, depth, routePath, simple, log, attributes },
  (o) =>
    Effect.gen(function* () {
      const addr = parseAddress(o.address, { host: "localhost", port: 44818 })
      if (Either.isLeft(addr)) return yield* fail(addr.left)
      const route = parseRoute(o.routePath)
      if (Either.isLeft(route)) return yield* fail(route.left)
      const ops = parseOperations(o.attributes)
      if (Either.isLeft(ops)) return yield* fail(ops.left.message)
      if (ops.right.length === 0) return yield* fail("nothing to do: give @class/instance[/attribute] operations")
      for (const op of ops.right) {
        if (op.target._tag !== "Numeric") return yield* fail(`get-attribute takes numeric @class/instance[/attribute] paths, not ${op.target.names.map((n) => n.name).join(".")}`)
      }
      const code = yield* runGetAttribute({
        host: addr.right.host === "" ? "localhost" : addr.right.host,
        port: addr.right.port,
        timeout: o.timeout,
        depth: o.depth,
        routePath: route.right,
        simple: o.simple,
        operations: ops.right
      }, write).pipe(Effect.provide(loggingLayer(o.verbosity, Option.getOrUndefined(o.log))))
      yield* setExit(code)
    })
).pipe(Command.withDescription(withExample("cpppo enip get-attribute", "Get or set CIP attributes by @class/instance/attribute, decoding Identity and TCP/IP")))

/** Extra `cpppo enip …` subcommands contributed by the client. */
export const clientExtraCommands = [getAttributeCommand] as const
