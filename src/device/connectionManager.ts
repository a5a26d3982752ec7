/**
 * Connection Manager (0x06) services: Forward Open / Large Forward Open, Forward Close, and the
 * route-path check of Unconnected Send. Failures answer as a ControlLogix does: general status
 * 0x01 with the Connection Manager's extended status.
 */
import type { CipReply, EPath, ForwardCloseRequest, ForwardOpenRequest, Segment } from "../cip/model.js"
import { ClassId, replyService, Service } from "../cip/model.js"
import { ExtendedStatus, Status } from "../cip/status.js"
import type { ConnectionTable } from "./connections.js"

/** `simple`: no routing accepted (like a MicroLogix / PowerFlex); otherwise the accepted route. */
export type RoutePath = EPath | "simple"

/** Largest connection size accepted by Large Forward Open (bytes), and by the small form. */
export const MAX_LARGE_CONNECTION_SIZE = 4002
export const MAX_SMALL_CONNECTION_SIZE = 511

const sameLink = (a: Segment, b: Segment) =>
  a._tag === "Port" && b._tag === "Port" && a.port === b.port && String(a.link).toLowerCase() === String(b.link).toLowerCase()

/**
 * Check the port segments a request is routed through against our route path; undefined when
 * accepted, else the Connection Manager extended status (port / link not valid). An empty route
 * means the request is addressed to us directly, which every device accepts.
 */
export const checkRoute = (route: RoutePath, ports: ReadonlyArray<Segment>): number | undefined => {
  if (ports.length === 0) return undefined
  if (route === "simple") return ExtendedStatus.PortNotAvailable
  for (let i = 0; i < Math.min(ports.length, route.length); i++) {
    const p = ports[i]!
    const r = route[i]!
    if (p._tag !== "Port" || r._tag !== "Port" || p.port !== r.port) return ExtendedStatus.PortNotAvailable
    if (!sameLink(p, r)) return ExtendedStatus.LinkAddressNotValid
  }
  if (ports.length > route.length) return ExtendedStatus.PortNotAvailable
  if (ports.length < route.length) return ExtendedStatus.LinkAddressNotValid
  return undefined
}

const failed = (req: ForwardOpenRequest | ForwardCloseRequest, service: number, ext: number | undefined, large: boolean, status: number = Status.ConnectionFailure): CipReply => ({
  _tag: "ForwardOpenFailed", service: replyService(service), status, extStatus: ext === undefined ? [] : [ext], large,
  connectionSerial: req.connectionSerial, originatorVendor: req.originatorVendor, originatorSerial: req.originatorSerial,
  remainingPathSize: 0
})

export interface ForwardOpenLimits {
  readonly maxConnections: number
  /** Most connections one session may hold (so one client cannot take them all). */
  readonly maxPerSession?: number
  /** Most connections the sessions of one peer address may hold together (so a few sessions cannot either). */
  readonly maxPerPeer?: number
}

/** Forward Open / Large Forward Open: messaging (class 3) connections to the Message Router. */
export const forwardOpen = (
  table: ConnectionTable, route: RoutePath, limits: ForwardOpenLimits, session: number, peer: string, req: ForwardOpenRequest
): CipReply => {
  const service = req.large ? Service.LargeForwardOpen : Service.ForwardOpen
  const fail = (ext: number) => failed(req, service, ext, req.large)
  // Connection path: [ports…] [electronic key] @2/1 (the Message Router).
  let i = 0
  while (i < req.connectionPath.length && req.connectionPath[i]!._tag === "Port") i++
  const badRoute = checkRoute(route, req.connectionPath.slice(0, i))
  if (badRoute !== undefined) return fail(badRoute)
  if (req.connectionPath[i]?._tag === "Key") i++
  const cls = req.connectionPath[i]
  const ins = req.connectionPath[i + 1]
  if (cls?._tag !== "Class" || cls.id !== ClassId.MessageRouter || (ins !== undefined && (ins._tag !== "Instance" || ins.id !== 1))) {
    return fail(ExtendedStatus.InvalidConnectionPath)
  }
  const max = req.large ? MAX_LARGE_CONNECTION_SIZE : MAX_SMALL_CONNECTION_SIZE
  if (req.otParams.size > max || req.toParams.size > max || req.otParams.size < 2 || req.toParams.size < 2) {
    return fail(ExtendedStatus.InvalidConnectionSize)
  }
  if ((req.transportClassTrigger & 0x0f) !== 3) return fail(ExtendedStatus.TransportClassNotSupported)
  if (table.findTriple(req.connectionSerial, req.originatorVendor, req.originatorSerial) !== undefined) {
    return fail(ExtendedStatus.ConnectionInUse)
  }
  if (table.size() >= limits.maxConnections) return fail(ExtendedStatus.OutOfConnections)
  if (limits.maxPerSession !== undefined && table.sessionSize(session) >= limits.maxPerSession) return fail(ExtendedStatus.OutOfConnections)
  if (limits.maxPerPeer !== undefined && peer !== "" && table.peerSize(peer) >= limits.maxPerPeer) return fail(ExtendedStatus.OutOfConnections)
  const c = table.open(session, peer, req)
  return {
    _tag: "ForwardOpen", service: replyService(service), status: 0, extStatus: [], large: req.large,
    otConnectionId: c.otConnectionId, toConnectionId: c.toConnectionId,
    connectionSerial: req.connectionSerial, originatorVendor: req.originatorVendor, originatorSerial: req.originatorSerial,
    otApi: req.otRpi, toApi: req.toRpi, applicationReply: new Uint8Array(0)
  }
}

/**
 * Forward Close: drop the connection named by (serial, vendor, originator serial), when the session
 * asking is the one that opened it. Another session's Forward Close is refused with 0x0F (privilege
 * violation), as the ODVA reference stack (OpENer) refuses a close from anyone but the originator.
 */
export const forwardClose = (table: ConnectionTable, req: ForwardCloseRequest, session: number): CipReply => {
  const c = table.findTriple(req.connectionSerial, req.originatorVendor, req.originatorSerial)
  if (c === undefined) return failed(req, Service.ForwardClose, ExtendedStatus.ConnectionNotFound, false)
  if (c.session !== session) return failed(req, Service.ForwardClose, undefined, false, Status.PrivilegeViolation)
  table.close(c)
  return {
    _tag: "ForwardClose", service: replyService(Service.ForwardClose), status: 0, extStatus: [],
    connectionSerial: req.connectionSerial, originatorVendor: req.originatorVendor, originatorSerial: req.originatorSerial,
    applicationReply: new Uint8Array(0)
  }
}
