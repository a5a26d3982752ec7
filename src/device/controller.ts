/**
 * The simulated Logix controller: dispatches decoded CIP requests to its objects and the Logix tag
 * services, keeps the Connection Manager's connection table, and describes its identity.
 *
 * `handle` answers synchronously (a plain `CipReply`) whenever every tag touched is backed by a
 * synchronous Attribute, and returns an Effect only otherwise. It never throws and never fails:
 * any unexpected problem becomes a CIP error reply.
 */
import { Cause, Context, Effect, Layer } from "effect"
import type { CipReply, CipRequest, EPath, MultipleServicePacketRequest, UnconnectedSendRequest } from "../cip/model.js"
import { ClassId, replyService, Service } from "../cip/model.js"
import { Status } from "../cip/status.js"
import type { IdentityItem } from "../enip/model.js"
import { TagStore, type TagStoreService } from "../tags/tagStore.js"
import { type Connection, type LastReply, makeConnectionTable } from "./connections.js"
import { checkRoute, forwardClose, forwardOpen, type RoutePath } from "./connectionManager.js"
import {
  classAttributes, CONTROLLER_NAME_CLASS, controllerNameAttributes, DEFAULT_IDENTITY, DEFAULT_NETWORK, ethernetLinkAttributes, identityAttributes, identityItem,
  type IdentityConfig, messageRouterAttributes, type NetworkConfig, tcpIpAttributes
} from "./identity.js"
import { makeAttributeServices, type ObjectTable } from "./objects.js"
import { logicalPath } from "./paths.js"
import { errorReply, replyLength, type SyncOr } from "./reply.js"
import { getInstanceAttributeList, makeSymbolTable } from "./symbols.js"
import { makeTemplates } from "./templates.js"
import { readModifyWriteTag, readTag, readTagFragmented, writeTag, writeTagFragmented } from "./tagServices.js"
import { makeWallClock, WALL_CLOCK_CLASS } from "./wallClock.js"

export interface ControllerConfig {
  /** Identity values (defaults: a 1756-L61 ControlLogix as cpppo reports it). */
  readonly identity?: Partial<IdentityConfig>
  /** TCP/IP Interface and Ethernet Link values. */
  readonly network?: Partial<NetworkConfig>
  /** Accepted route path (`--route-path`, default 1/0 i.e. backplane slot 0), or "simple". */
  readonly routePath?: RoutePath
  /** The controller (project) name served by object 0x64 (default "Simulator"). */
  readonly controllerName?: string
  /** Most concurrent Forward Open connections (default 256). */
  readonly maxConnections?: number
  /** Most Forward Open connections one session may hold (default 32). */
  readonly maxConnectionsPerSession?: number
  /** Most Forward Open connections the sessions of one peer address may hold together (default 64). */
  readonly maxConnectionsPerPeer?: number
  /** Clock for connection timeouts and the Wall Clock Time object's start, epoch ms (default Date.now). */
  readonly now?: () => number
  /**
   * Told of every unexpected exception (a bug) that `handle` turned into a general error (0xFF)
   * reply, e.g. to log it; fuzz targets use it to see crashes the reply would hide.
   */
  readonly onDefect?: (defect: unknown, request: CipRequest) => void
}

/** What the transport tells the controller about one request. */
export interface RequestContext {
  /** The encapsulation session handle. */
  readonly session: number
  /** The peer (client) address of the session, for per-peer limits; "" or absent when unknown. */
  readonly peer?: string | undefined
  /** The connection a connected (SendUnitData) request arrived on. */
  readonly connection?: { readonly otConnectionId?: number } | undefined
  /** Largest CIP reply (bytes) the transport can carry: 504 unconnected, the T→O size - 2 connected. */
  readonly maxReply: number
  /**
   * The caller encodes a synchronous reply before anything else runs (the server does): the data
   * of a read reply may then be a view of the tag's stored bytes rather than a copy. Leave it out
   * when replies are kept (a later write would show through them).
   */
  readonly encodedAtOnce?: boolean | undefined
}

/** The view of a connection the server needs (satisfied by `Connection`). */
export interface ConnectionView {
  readonly session: number
  readonly otConnectionId: number
  readonly toConnectionId: number
  readonly maxReply: number
  readonly touch: () => void
  /** The retransmission cache of this connection (see `Connection.lastReply`). */
  lastReply: LastReply | undefined
}

export interface ControllerService {
  /** Answer one CIP request: synchronously unless an asynchronous Attribute is involved. */
  readonly handle: (request: CipRequest, ctx: RequestContext) => CipReply | Effect.Effect<CipReply>
  /** A live connection by the O→T id clients send on (a timed-out one is dropped and not found). */
  readonly lookupConnection: (otConnectionId: number) => Connection | undefined
  /** Close every connection the session opened (call when the session ends). */
  readonly closeSession: (session: number) => void
  /** Drop connections idle longer than their timeout; returns them. */
  readonly expire: (now: number) => ReadonlyArray<Connection>
  /** The open connections. */
  readonly connections: () => ReadonlyArray<Connection>
  /** The ListIdentity item, reporting the address and port the client reached. */
  readonly identity: (address: string, port: number) => IdentityItem
  readonly identityConfig: IdentityConfig
  readonly routePath: RoutePath
}

export const DEFAULT_ROUTE_PATH: EPath = [{ _tag: "Port", port: 1, link: 0 }]

const MSP_MAX_DEPTH = 4

/** Build a controller over a TagStore. */
export const makeController = (store: TagStoreService, config: ControllerConfig = {}): ControllerService => {
  const id: IdentityConfig = { ...DEFAULT_IDENTITY, ...config.identity }
  const net: NetworkConfig = { ...DEFAULT_NETWORK, ...config.network }
  const route = config.routePath ?? DEFAULT_ROUTE_PATH
  const maxConnections = config.maxConnections ?? 256
  const maxPerSession = config.maxConnectionsPerSession ?? 32
  const maxPerPeer = config.maxConnectionsPerPeer ?? 64
  const now = config.now ?? Date.now
  const table = makeConnectionTable(now)
  const classes = [ClassId.Identity, ClassId.MessageRouter, ClassId.ConnectionManager, ClassId.Symbol, ClassId.Template, WALL_CLOCK_CLASS, ClassId.TcpIp, ClassId.EthernetLink]
  const objects: ObjectTable = new Map([
    [ClassId.Identity, new Map([[0, classAttributes(1, 1)], [1, identityAttributes(id)]])],
    [ClassId.MessageRouter, new Map([[0, classAttributes(1, 1)], [1, messageRouterAttributes(classes, maxConnections)]])],
    [ClassId.ConnectionManager, new Map([[0, classAttributes(1, 1)], [1, new Map<number, Uint8Array>()]])],
    [ClassId.TcpIp, new Map([[0, classAttributes(4, 1)], [1, tcpIpAttributes(net)]])],
    [ClassId.EthernetLink, new Map([[0, classAttributes(4, 1)], [1, ethernetLinkAttributes(net)]])],
    [CONTROLLER_NAME_CLASS, new Map([[1, controllerNameAttributes(config.controllerName ?? "Simulator")]])]
  ])
  const templates = makeTemplates(store.types)
  const attrs = makeAttributeServices(objects, store, templates)
  const symbols = makeSymbolTable(store)
  const clock = makeWallClock(now)

  const isConnectionManager = (path: EPath) => {
    const p = logicalPath(path)
    return p !== undefined && p.cls === ClassId.ConnectionManager && (p.ins ?? 1) === 1 && p.att === undefined
  }

  /**
   * The reply bytes set aside for one embedded request before anything runs: the size of its
   * success reply when it changes something (Write Tag 4, Forward Open 30, …), so that a request
   * which has taken effect can always be answered; 4 otherwise — a reply that does not fit its
   * share is then replaced by a 4-byte 0x11 error, which is honest because nothing happened.
   */
  const reserve = (req: CipRequest, depth: number): number => {
    switch (req._tag) {
      case "ForwardOpen": return 4 + 26
      case "ForwardClose": return 4 + 10
      case "UnconnectedSend": return depth >= MSP_MAX_DEPTH ? 4 : reserve(req.request, depth + 1)
      case "MultipleServicePacket": {
        if (depth >= MSP_MAX_DEPTH) return 4
        let n = 4 + 2 + 2 * req.requests.length
        for (const r of req.requests) n += reserve(r, depth + 1)
        return n
      }
      default: return 4 // Write Tag (Fragmented), Read-Modify-Write, Set Attribute: exactly 4 on success
    }
  }

  /** A reply that did not fit its share: an error when nothing happened (else it fits by reservation). */
  const fitted = (req: CipRequest, reply: CipReply, room: number): CipReply =>
    replyLength(reply) <= room ? reply : errorReply(serviceOf(req), Status.ReplyDataTooLarge)

  /**
   * Multiple Service Packet. The reply size is settled before any embedded request runs: each one
   * has bytes set aside (see `reserve`); a packet whose reservations cannot fit is refused with 0x11
   * before anything runs; each embedded request then runs with what is left after the replies
   * before it and the reservations after it. So a packet is never answered 0x11 after its writes ran.
   * The embedded requests run in a plain loop while they answer synchronously (the usual case: a
   * packet of 16 reads pays no closure or context copy per read), and continue in an Effect, in
   * order, from the first that does not. Their replies are kept until the packet's is encoded, so
   * read replies are copies, unless the packet holds only reads and is encoded at once (nothing in
   * it can change what an earlier read saw): then they may be views, as a lone read's. A packet
   * that goes on in an Effect copies the views it holds first (other requests may run meanwhile).
   */
  const multiple = (req: MultipleServicePacketRequest, ctx: RequestContext, depth: number, maxReply: number): SyncOr<CipReply> => {
    const p = logicalPath(req.path)
    if (p === undefined || p.cls !== ClassId.MessageRouter) return errorReply(Service.MultipleServicePacket, Status.PathDestinationUnknown, [0])
    if (depth >= MSP_MAX_DEPTH) return errorReply(Service.MultipleServicePacket, Status.InvalidParameter)
    const requests = req.requests
    const n = requests.length
    const reserved: Array<number> = new Array(n)
    let later = 0
    for (let i = 0; i < n; i++) later += reserved[i] = reserve(requests[i]!, depth + 1)
    let used = 4 + 2 + 2 * n
    // Also keeps a 64 KiB packet of thousands of reads from holding the event loop for nothing.
    if (used + later > maxReply) return errorReply(Service.MultipleServicePacket, Status.ReplyDataTooLarge)
    const replies: Array<CipReply> = []
    /** Room for request i: what its predecessors' replies and its successors' reservations leave. */
    const roomFor = (i: number): number => {
      later -= reserved[i]!
      return maxReply - used - later
    }
    // One context for the requests; each request's room goes beside it.
    const views = ctx.encodedAtOnce === true && requests.every(isRead)
    let inner: RequestContext = { session: ctx.session, peer: ctx.peer, connection: ctx.connection, maxReply: ctx.maxReply, encodedAtOnce: views }
    const run = (i: number, room: number): SyncOr<CipReply> => dispatch(requests[i]!, inner, depth + 1, room)
    const settle = (i: number, room: number, reply: CipReply): void => {
      const out = fitted(requests[i]!, reply, room)
      used += replyLength(out)
      replies.push(out)
    }
    const packet = (): CipReply => ({
      _tag: "MultipleServicePacket", service: replyService(Service.MultipleServicePacket),
      status: replies.some((r) => r.status !== 0 && r.status !== Status.PartialTransfer) ? Status.EmbeddedServiceError : 0,
      extStatus: [], replies
    })
    for (let i = 0; i < n; i++) {
      const room = roomFor(i)
      const reply = run(i, room)
      if (!Effect.isEffect(reply)) {
        settle(i, room, reply as CipReply)
        continue
      }
      if (views) {
        for (let k = 0; k < replies.length; k++) replies[k] = detached(replies[k]!)
        inner = { ...inner, encodedAtOnce: false }
      }
      return Effect.gen(function* () {
        settle(i, room, yield* (reply as Effect.Effect<CipReply>))
        for (let j = i + 1; j < n; j++) {
          const roomJ = roomFor(j)
          const r = run(j, roomJ)
          settle(j, roomJ, Effect.isEffect(r) ? yield* (r as Effect.Effect<CipReply>) : r)
        }
        return packet()
      })
    }
    return packet()
  }

  /** Requests that change nothing (a packet of these may answer with views of the tags). */
  const isRead = (req: CipRequest): boolean => req._tag === "ReadTag" || req._tag === "ReadTagFragmented"
  /** A read reply with a copy of its data (a view of the tag's bytes would follow later writes). */
  const detached = (reply: CipReply): CipReply =>
    reply._tag === "ReadTag" || reply._tag === "ReadTagFragmented" ? { ...reply, data: reply.data.slice() } : reply

  const unconnectedSend = (req: UnconnectedSendRequest, ctx: RequestContext, depth: number, maxReply: number): SyncOr<CipReply> => {
    if (!isConnectionManager(req.path)) return errorReply(Service.UnconnectedSend, Status.PathDestinationUnknown, [0])
    const bad = checkRoute(route, req.routePath)
    if (bad !== undefined) {
      // Routing failure: remaining path size (words) follows the status, as the spec requires.
      return errorReply(Service.UnconnectedSend, Status.ConnectionFailure, [bad], Uint8Array.of(req.routePath.length))
    }
    return dispatch(req.request, ctx, depth + 1, maxReply)
  }

  /** Answer `req` in a reply of at most `maxReply` bytes (the context's, unless a packet gives less). */
  const dispatch = (req: CipRequest, ctx: RequestContext, depth: number, maxReply = ctx.maxReply): SyncOr<CipReply> => {
    const first = req.path[0]
    if (first?._tag === "Class" && first.id === WALL_CLOCK_CLASS && req._tag !== "MultipleServicePacket" && req._tag !== "UnconnectedSend") {
      return clock.handle(req)
    }
    switch (req._tag) {
      case "ReadTag": return readTag(store, req, maxReply, ctx.encodedAtOnce === true)
      case "ReadTagFragmented": return readTagFragmented(store, req, maxReply, ctx.encodedAtOnce === true)
      case "WriteTag": return writeTag(store, req)
      case "WriteTagFragmented": return writeTagFragmented(store, req)
      case "ReadModifyWriteTag": return readModifyWriteTag(store, req)
      case "MultipleServicePacket": return multiple(req, ctx, depth, maxReply)
      case "GetAttributesAll": return attrs.all(req)
      case "GetAttributeSingle": return attrs.single(req)
      case "GetAttributeList": return attrs.list(req)
      case "SetAttributeSingle": return attrs.set(req)
      case "GetInstanceAttributeList": return getInstanceAttributeList(symbols, req, maxReply)
      case "ReadTemplate": return templates.readTemplate(req, maxReply)
      case "ForwardOpen":
        if (!isConnectionManager(req.path)) return errorReply(req.large ? Service.LargeForwardOpen : Service.ForwardOpen, Status.PathDestinationUnknown, [0])
        return forwardOpen(table, route, { maxConnections, maxPerSession, maxPerPeer }, ctx.session, ctx.peer ?? "", req)
      case "ForwardClose":
        if (!isConnectionManager(req.path)) return errorReply(Service.ForwardClose, Status.PathDestinationUnknown, [0])
        return forwardClose(table, req, ctx.session)
      case "UnconnectedSend":
        if (depth >= MSP_MAX_DEPTH) return errorReply(Service.UnconnectedSend, Status.InvalidParameter)
        return unconnectedSend(req, ctx, depth, maxReply)
      case "Generic": return errorReply(req.service, Status.ServiceNotSupported)
    }
  }

  const crashed = (req: CipRequest, defect: unknown): CipReply => {
    config.onDefect?.(defect, req)
    let service = 0
    try { service = req._tag === "Generic" ? req.service : serviceOf(req) } catch { service = 0 }
    return errorReply(service, Status.GeneralError, [])
  }

  const handle = (request: CipRequest, ctx: RequestContext): CipReply | Effect.Effect<CipReply> => {
    try {
      const r = dispatch(request, ctx, 0)
      return Effect.isEffect(r)
        ? Effect.catchAllCause(r as Effect.Effect<CipReply>, (cause) =>
          Cause.isInterruptedOnly(cause) ? Effect.failCause(cause) as never : Effect.sync(() => crashed(request, Cause.squash(cause))))
        : r
    } catch (defect) {
      return crashed(request, defect)
    }
  }

  return {
    handle,
    lookupConnection: table.lookup,
    closeSession: (session) => { table.closeSession(session) },
    expire: table.expire,
    connections: table.all,
    identity: (address, port) => identityItem(id, address, port),
    identityConfig: id,
    routePath: route
  }
}

/** The request service code of a decoded request (for error replies). */
const serviceOf = (req: CipRequest): number => {
  switch (req._tag) {
    case "ReadTag": return Service.ReadTag
    case "ReadTagFragmented": return Service.ReadTagFragmented
    case "WriteTag": return Service.WriteTag
    case "WriteTagFragmented": return Service.WriteTagFragmented
    case "ReadModifyWriteTag": return Service.ReadModifyWriteTag
    case "MultipleServicePacket": return Service.MultipleServicePacket
    case "GetAttributesAll": return Service.GetAttributesAll
    case "GetAttributeSingle": return Service.GetAttributeSingle
    case "GetAttributeList": return Service.GetAttributeList
    case "SetAttributeSingle": return Service.SetAttributeSingle
    case "GetInstanceAttributeList": return Service.GetInstanceAttributeList
    case "ReadTemplate": return Service.ReadTemplate
    case "ForwardOpen": return req.large ? Service.LargeForwardOpen : Service.ForwardOpen
    case "ForwardClose": return Service.ForwardClose
    case "UnconnectedSend": return Service.UnconnectedSend
    case "Generic": return req.service
  }
}

/** The controller as a service; `Controller.layer(config)` builds it over the TagStore in context. */
export class Controller extends Context.Tag("cpppo/device/Controller")<Controller, ControllerService>() {
  static layer = (config: ControllerConfig = {}): Layer.Layer<Controller, never, TagStore> =>
    Layer.effect(Controller, Effect.map(TagStore, (store) => makeController(store, config)))
}
