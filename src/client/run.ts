/**
 * What `cpppo enip client` and `cpppo enip get-attribute` do once their options are parsed:
 * connect, discover, browse, run the operations, print, and return the exit status. Output goes
 * through `out` so tests can capture it.
 */
import { Effect, Either } from "effect"
import type { EPath } from "../cip/model.js"
import { decodeAttribute, formatSymbol, listTags } from "./attributes.js"
import { formatStructure } from "./templates.js"
import { Client } from "./client.js"
import { formatListReply, listOverTcp, listOverUdp, type ListCommand } from "./discovery.js"
import type { ClientError } from "./errors.js"
import type { Operation } from "./operations.js"
import { formatAverage, formatResult, type OperationResult } from "./results.js"

export interface ClientRunConfig {
  readonly host: string
  readonly port: number
  /** Seconds. */
  readonly timeout: number
  readonly operations: ReadonlyArray<Operation>
  readonly repeat: number
  readonly depth: number
  /** 0: no packing; otherwise the Multiple Service Packet byte limit (capped by the connection). */
  readonly multiple: number
  readonly fragment: boolean
  readonly connected: boolean
  readonly routePath: EPath | undefined
  readonly simple: boolean
  /** Unconnected Send target (default @6/1); `[]` for none. */
  readonly sendPath?: EPath | undefined
  readonly priorityTimeTick?: number | undefined
  readonly timeoutTicks?: number | undefined
  readonly print: boolean
  readonly verbosity: number
  readonly list: ReadonlyArray<ListCommand>
  readonly udp: boolean
  readonly broadcast: boolean
  /** Where the UDP List* requests go when not to `host` (`-b` without `-a`: 255.255.255.255). */
  readonly udpHost?: string | undefined
  readonly listTags: boolean
}

const sessionOptions = (
  c: Pick<ClientRunConfig, "host" | "port" | "timeout" | "connected" | "simple" | "routePath" | "sendPath" | "priorityTimeTick" | "timeoutTicks">,
  register: boolean
) => ({
  host: c.host,
  port: c.port,
  timeout: `${c.timeout} seconds` as const,
  connected: c.connected && register,
  simple: c.simple,
  register,
  ...(c.routePath !== undefined ? { routePath: c.routePath } : {}),
  ...(c.sendPath !== undefined ? { sendPath: c.sendPath } : {}),
  ...(c.priorityTimeTick !== undefined ? { priorityTimeTick: c.priorityTimeTick } : {}),
  ...(c.timeoutTicks !== undefined ? { timeoutTicks: c.timeoutTicks } : {})
})

/** Run the client; returns the process exit status (1 when anything failed). */
export const runClient = (c: ClientRunConfig, out: (line: string) => void): Effect.Effect<number> =>
  Effect.gen(function* () {
    let failed = false
    if (c.udp || c.broadcast) {
      for (const command of c.list) {
        const replies = yield* Effect.either(listOverUdp(command, { host: c.udpHost ?? c.host, port: c.port, timeout: `${c.timeout} seconds`, broadcast: c.broadcast }))
        if (Either.isLeft(replies)) { out(`${command}: ${replies.left.message}`); failed = true; continue }
        if (replies.right.length === 0) out(`${command}: no replies`)
        for (const r of replies.right) for (const line of formatListReply(command, r)) out(line)
      }
    }
    const needTcp = (!c.udp && !c.broadcast && c.list.length > 0) || c.listTags || c.operations.length > 0
    if (!needTcp) return failed ? 1 : 0
    const register = c.listTags || c.operations.length > 0
    const status = yield* Effect.scoped(
      Effect.gen(function* () {
        const client = yield* Client.connect(sessionOptions(c, register))
        if (!c.udp && !c.broadcast) {
          for (const command of c.list) {
            const r = yield* listOverTcp(client.session, command, `${c.host}:${c.port}`)
            for (const line of formatListReply(command, r)) out(line)
          }
        }
        if (c.listTags) {
          // The tags, then the definition of every structure type they use (read from the templates).
          const tags = yield* listTags(client.session)
          const structs = new Map<number, string>()
          for (const s of tags) {
            if ((s.symbolType & 0x9000) !== 0x8000) continue
            const l = yield* Effect.either(client.structures.template(s.symbolType & 0x0fff))
            if (Either.isRight(l)) structs.set(s.symbolType & 0x0fff, l.right.predefined && l.right.name === "ASCIISTRING82" ? "STRING" : l.right.name)
          }
          for (const s of tags) out(formatSymbol(s, (t) => ((t & 0x9000) === 0x8000 ? structs.get(t & 0x0fff) : undefined)))
          for (const id of [...structs.keys()].sort((a, b) => a - b)) {
            const l = yield* Effect.either(client.structures.template(id))
            if (Either.isRight(l) && !l.right.predefined) out(formatStructure(l.right))
          }
        }
        if (c.operations.length === 0) return failed ? 1 : 0
        const ops: Array<Operation> = []
        for (let i = 0; i < Math.max(1, c.repeat); i++) ops.push(...c.operations)
        const started = performance.now()
        const ran = yield* client.processAll(ops, { depth: c.depth, multiple: c.multiple > 0 ? c.multiple : false, fragment: c.fragment })
        // Structures read print by member: their templates are read once, after the operations.
        const summary = ran.transactions.some((r) => r.handle !== undefined)
          ? { ...ran, transactions: yield* Effect.forEach(ran.transactions, client.structures.decode) }
          : ran
        const seconds = (performance.now() - started) / 1000
        yield* Effect.logInfo(`${summary.transactions.length} operations in ${summary.requests} requests, ${summary.failures} failed, ${seconds.toFixed(3)}s`)
        for (const r of summary.transactions) if (!r.ok) yield* Effect.logDebug(`Client ${formatResult(r).trim()}`)
        if (c.print) for (const r of summary.transactions) out(formatResult(r))
        if (c.verbosity > 0) out(formatAverage(summary.transactions.length, seconds))
        return summary.failures > 0 || failed ? 1 : 0
      })
    ).pipe(Effect.catchAll((e: ClientError) => Effect.sync(() => { out(`cpppo enip client: ${e.message}`); return 1 })))
    return status
  })

/** `get-attribute`: attribute operations, printed with named fields for known objects. */
export const runGetAttribute = (
  c: Pick<ClientRunConfig, "host" | "port" | "timeout" | "routePath" | "sendPath" | "priorityTimeTick" | "timeoutTicks" | "simple" | "operations" | "depth"> & { readonly multiple?: boolean },
  out: (line: string) => void
): Effect.Effect<number> =>
  Effect.scoped(
    Effect.gen(function* () {
      const client = yield* Client.connect({ ...sessionOptions({ ...c, connected: false }, true) })
      const summary = yield* client.processAll(c.operations, { depth: c.depth, multiple: c.multiple === true })
      for (const r of summary.transactions) {
        out(formatResult(r))
        for (const [name, value] of namedFields(r)) out(`    ${name.padEnd(26)} ${value}`)
      }
      return summary.failures > 0 ? 1 : 0
    })
  ).pipe(Effect.catchAll((e: ClientError) => Effect.sync(() => { out(`cpppo enip get-attribute: ${e.message}`); return 1 })))

const namedFields = (r: OperationResult) => {
  const t = r.operation.target
  if (!r.ok || r.raw === undefined || t._tag !== "Numeric" || r.operation.method !== "read") return []
  return decodeAttribute(t.classId, t.attribute, r.raw) ?? []
}
