/**
 * The encapsulation layer of a session: RegisterSession / UnregisterSession, session handle
 * checks, List* commands, SendRRData (unconnected, UCMM) and SendUnitData (connected) carrying
 * CIP to the controller, and the encapsulation status a real controller answers with for
 * anything else. One handler per TCP session; everything here is synchronous unless the
 * controller answers with an Effect (a custom tag Attribute).
 */
import { Effect, Either } from "effect"
import type { CodecError } from "../cip/errors.js"
import type { CipReply, CipRequest } from "../cip/model.js"
import { decodeRequestKept } from "../cip/requestCache.js"
import { EncapStatus, Status } from "../cip/status.js"
import { decodeFrame, encodeFrame } from "../enip/frame.js"
import { getU16, getU32 } from "../cip/bytes.js"
import { Command, type EncapHeader, type EnipBody, HEADER_SIZE, type IdentityItem, ItemType } from "../enip/model.js"
import type { ConnectionView, RequestContext } from "../device/controller.js"
import { replyFrame } from "./replyFrame.js"
import type { FrameOutcome, FrameResult, SessionHandler } from "./session.js"
import type { ControllerStats } from "./stats.js"

export type { ConnectionView, RequestContext }

/** What a session needs from the simulated controller. */
export interface CipEndpoint {
  /** Answer one CIP request (synchronously when it can). */
  readonly handle: (request: CipRequest, ctx: RequestContext) => CipReply | Effect.Effect<CipReply>
  /** A connection opened by Forward Open, by the O→T connection id the client sends on. */
  readonly lookupConnection: (otConnectionId: number) => ConnectionView | undefined
  /** The session ended: close the CIP connections it opened. */
  readonly closeSession: (session: number) => void
  /** The identity for ListIdentity, reporting the given socket address. */
  readonly identity: (address: string, port: number) => IdentityItem
  /** True while what records the requests' effects is behind: sessions stop reading meanwhile. */
  readonly congested?: () => boolean
}

/** The largest CIP reply to an unconnected (UCMM) request, as Logix controllers limit it. */
export const UCMM_MAX_REPLY = 504

const EMPTY = new Uint8Array(0)

const errorFrame = (header: EncapHeader, status: number): Uint8Array =>
  encodeFrame({
    header: { command: header.command, sessionHandle: header.sessionHandle, status, senderContext: header.senderContext, options: header.options },
    body: { _tag: "Unsupported", command: header.command, data: EMPTY }
  })

/** The CIP reply to a request we cannot decode: the service echoed, and a status naming why. */
const undecodable = (bytes: Uint8Array, error: CodecError): CipReply => ({
  _tag: "Error",
  service: ((bytes[0] ?? 0) & 0x7f) | 0x80,
  status:
    error.reason === "BadSegment" ? Status.PathSegmentError
    : error.reason === "BadLength" ? Status.PathSizeInvalid
    : error.reason === "Truncated" ? Status.NotEnoughData
    : Status.InvalidParameter,
  extStatus: [],
  data: EMPTY
})

export interface EncapsulationOptions {
  readonly endpoint: CipEndpoint
  /** Allocates a fresh, non-zero session handle. */
  readonly newSessionHandle: () => number
  /** Gives a session handle back when its session ends. */
  readonly releaseSessionHandle?: (handle: number) => void
  /** The client's address (for per-peer limits in the controller). */
  readonly peer?: string
  readonly local: { readonly address: string; readonly port: number }
  /** Counts each CIP request answered, by service and general status. */
  readonly stats?: ControllerStats
  /**
   * Read well-formed SendRRData / SendUnitData frames in place (default true); false decodes every
   * frame in full. Both answer alike (tests compare them); in place costs no objects per frame.
   */
  readonly readInPlace?: boolean
}

/** The name a request is counted under: the routed request of an Unconnected Send, else its own. */
const serviceName = (request: CipRequest): string =>
  request._tag === "UnconnectedSend" ? serviceName(request.request)
  : request._tag === "Generic" ? `0x${request.service.toString(16).padStart(2, "0")}`
  : request._tag

/** Answers to the List* commands, over TCP or UDP (shared by both listeners). */
export const listReply = (
  header: EncapHeader,
  body: EnipBody,
  endpoint: CipEndpoint,
  local: { readonly address: string; readonly port: number }
): Uint8Array | undefined => {
  const reply = (replyBody: EnipBody) =>
    encodeFrame({
      header: { sessionHandle: header.sessionHandle, status: 0, senderContext: header.senderContext, options: header.options },
      body: replyBody
    })
  switch (body._tag) {
    case "ListIdentity":
      return reply({ _tag: "ListIdentity", items: [{ _tag: "ListIdentity", identity: endpoint.identity(local.address, local.port) }] })
    case "ListServices":
      return reply({ _tag: "ListServices", items: [{ _tag: "ListServices", version: 1, capability: 0x0020, name: "Communications" }] })
    case "ListInterfaces":
      // No interfaces to list, but the reply still carries its CPF item count (0), as the
      // spec and real devices have it; an empty body would be malformed.
      return reply({ _tag: "ListInterfaces", items: [], emptyCpf: true })
    default:
      return undefined
  }
}

/** The undocumented legacy command 0x0001 ("list targets"), answered as Rockwell devices do. */
const LEGACY_LIST_TARGETS = 0x0001

const legacyListTargets = (header: EncapHeader, local: { readonly address: string; readonly port: number }): Uint8Array => {
  const out = new Uint8Array(24 + 2 + 4 + 36)
  const dv = new DataView(out.buffer)
  const quad = /^\d+\.\d+\.\d+\.\d+$/.test(local.address) ? local.address : "0.0.0.0"
  dv.setUint16(0, LEGACY_LIST_TARGETS, true)
  dv.setUint16(2, out.length - 24, true)
  dv.setUint32(4, header.sessionHandle, true)
  out.set(header.senderContext.subarray(0, 8), 12)
  dv.setUint32(20, header.options, true)
  dv.setUint16(24, 1, true) // item count
  dv.setUint16(26, 0x0001, true) // item type
  dv.setUint16(28, 36, true)
  dv.setUint16(30, 1, true) // version
  dv.setUint16(34, 2, false) // sin_family (big-endian, as sockaddr_in)
  dv.setUint16(36, local.port, false)
  quad.split(".").forEach((o, i) => { out[38 + i] = Number(o) })
  for (let i = 0; i < quad.length; i++) out[50 + i] = quad.charCodeAt(i)
  return out
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

export const makeEncapsulationHandler = (options: EncapsulationOptions): SessionHandler => {
  const { endpoint } = options
  let session = 0 // the registered session handle, 0 until RegisterSession
  const peer = options.peer ?? ""
  const inPlace = options.readInPlace !== false

  const stats = options.stats
  /**
   * The controller's reply to a CIP request (an Effect only when a custom Attribute is
   * asynchronous), counted by service and status when the controller keeps stats.
   */
  const run = (request: Uint8Array, ctx: RequestContext): CipReply | Effect.Effect<CipReply> => {
    const decoded = decodeRequestKept(request)
    if (Either.isLeft(decoded)) {
      const reply = undecodable(request, decoded.left)
      stats?.request("Undecodable", reply.status)
      return reply
    }
    const reply = endpoint.handle(decoded.right, ctx)
    if (stats === undefined) return reply
    const name = serviceName(decoded.right)
    if (Effect.isEffect(reply)) return Effect.tap(reply, (r) => Effect.sync(() => stats.request(name, r.status)))
    stats.request(name, reply.status)
    return reply
  }

  /** SendRRData: the CIP request of its Unconnected Data item, answered in a SendRRData frame. */
  const unconnected = (bytes: Uint8Array, interfaceHandle: number, timeout: number, request: Uint8Array): FrameOutcome => {
    const reply = run(request, { session, peer, maxReply: UCMM_MAX_REPLY, encodedAtOnce: true })
    if (Effect.isEffect(reply)) return Effect.map(reply, (r) => replyFrame(bytes, interfaceHandle, timeout, undefined, 0, r).frame)
    return replyFrame(bytes, interfaceHandle, timeout, undefined, 0, reply).frame
  }

  /** SendUnitData: the CIP request of its Connected Data item, on connection `connectionId`. */
  const connected = (bytes: Uint8Array, interfaceHandle: number, timeout: number, connectionId: number, sequence: number, request: Uint8Array): FrameOutcome => {
    const connection = endpoint.lookupConnection(connectionId)
    if (connection === undefined || connection.session !== session) {
      // No such connection (closed, timed out, or another session's): answer at once rather
      // than leave the client waiting for its timeout.
      const reply: CipReply = {
        _tag: "Error", service: ((request[0] ?? 0) & 0x7f) | 0x80, status: Status.ConnectionFailure,
        extStatus: [0x0107], data: EMPTY
      }
      return replyFrame(bytes, interfaceHandle, timeout, connectionId, sequence, reply).frame
    }
    connection.touch()
    // A repeated sequence count with the same request is a retransmission: resend the reply,
    // do not run it again (a write must not happen twice), as a controller does on class 3
    // connections. A different request under a repeated count is run: answering it with the
    // old reply would report a write that never happened. The cache lives on the connection,
    // so it goes with it (Forward Close, timeout, end of session). The reply kept is a view of
    // the frame sent (never written again), the request a copy (its chunk may be large).
    const last = connection.lastReply
    if (last !== undefined && last.sequence === sequence && sameBytes(last.request, request)) {
      return replyFrame(bytes, interfaceHandle, timeout, connection.toConnectionId, sequence, last.cip).frame
    }
    const send = (reply: CipReply): Uint8Array => {
      const out = replyFrame(bytes, interfaceHandle, timeout, connection.toConnectionId, sequence, reply)
      connection.lastReply = { sequence, request: request.slice(), cip: out.cip }
      return out.frame
    }
    const reply = run(request, { session, peer, connection, maxReply: connection.maxReply, encodedAtOnce: true })
    return Effect.isEffect(reply) ? Effect.map(reply, send) : send(reply)
  }

  const frame = (bytes: Uint8Array): FrameOutcome => {
    // The frames of a busy session, read in place: a registered session's SendUnitData or
    // SendRRData with exactly the two usual items and lengths that agree. Anything else (and
    // anything wrong) is decoded in full below, so both ways answer alike.
    const n = bytes.length
    if (inPlace && session !== 0 && n >= 40 && getU16(bytes, 2) === n - HEADER_SIZE && getU32(bytes, 4) === session && getU16(bytes, 30) === 2) {
      const command = getU16(bytes, 0)
      if (command === Command.SendUnitData && n >= 46 && getU16(bytes, 32) === ItemType.ConnectedAddress && getU16(bytes, 34) === 4 &&
        getU16(bytes, 40) === ItemType.ConnectedData && getU16(bytes, 42) === n - 44) {
        return connected(bytes, getU32(bytes, 24), getU16(bytes, 28), getU32(bytes, 36), getU16(bytes, 44), bytes.subarray(46))
      }
      if (command === Command.SendRRData && getU16(bytes, 32) === ItemType.NullAddress && getU16(bytes, 34) === 0 &&
        getU16(bytes, 36) === ItemType.UnconnectedData && getU16(bytes, 38) === n - 40) {
        return unconnected(bytes, getU32(bytes, 24), getU16(bytes, 28), bytes.subarray(40))
      }
    }
    const decoded = decodeFrame(bytes)
    if (Either.isLeft(decoded)) {
      // The header was whole (the framer checked), the body is not: "incorrect data".
      const h = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
      const header: EncapHeader = {
        command: h.getUint16(0, true), length: 0, sessionHandle: h.getUint32(4, true), status: 0,
        senderContext: bytes.subarray(12, 20), options: h.getUint32(20, true)
      }
      return errorFrame(header, EncapStatus.IncorrectData)
    }
    const { header, body } = decoded.right
    switch (body._tag) {
      case "Nop":
        return undefined
      case "RegisterSession": {
        if (body.protocolVersion !== 1) {
          return encodeFrame({
            header: { sessionHandle: 0, status: EncapStatus.UnsupportedProtocolRevision, senderContext: header.senderContext, options: header.options },
            body: { _tag: "RegisterSession", protocolVersion: 1, options: 0 }
          })
        }
        if (session === 0) session = options.newSessionHandle()
        return encodeFrame({
          header: { sessionHandle: session, status: 0, senderContext: header.senderContext, options: header.options },
          body: { _tag: "RegisterSession", protocolVersion: 1, options: 0 }
        })
      }
      case "UnregisterSession":
        return { close: true } satisfies FrameResult
      case "ListIdentity":
      case "ListServices":
      case "ListInterfaces":
        return listReply(header, body, endpoint, options.local)
      case "SendRRData": {
        if (session === 0 || header.sessionHandle !== session) return errorFrame(header, EncapStatus.InvalidSessionHandle)
        const data = body.items.length === 2 && body.items[0]!._tag === "NullAddress" ? body.items[1]! : undefined
        if (data === undefined || data._tag !== "UnconnectedData") return errorFrame(header, EncapStatus.IncorrectData)
        return unconnected(bytes, body.interfaceHandle, body.timeout, data.data)
      }
      case "SendUnitData": {
        if (session === 0 || header.sessionHandle !== session) return errorFrame(header, EncapStatus.InvalidSessionHandle)
        const address = body.items[0]
        const data = body.items[1]
        if (body.items.length !== 2 || address?._tag !== "ConnectedAddress" || data?._tag !== "ConnectedData") {
          return errorFrame(header, EncapStatus.IncorrectData)
        }
        return connected(bytes, body.interfaceHandle, body.timeout, address.connectionId, data.sequence, data.data)
      }
      case "Unsupported":
        return body.command === LEGACY_LIST_TARGETS
          ? legacyListTargets(header, options.local)
          : errorFrame(header, EncapStatus.InvalidCommand)
    }
  }

  return {
    frame,
    framingError: ({ header }) => {
      if (header === undefined || header.length < 24) return undefined
      const h = new DataView(header.buffer, header.byteOffset, 24)
      return errorFrame(
        { command: h.getUint16(0, true), length: 0, sessionHandle: h.getUint32(4, true), status: 0, senderContext: header.subarray(12, 20), options: h.getUint32(20, true) },
        EncapStatus.InvalidLength
      )
    },
    close: () => {
      if (session !== 0) {
        endpoint.closeSession(session)
        options.releaseSessionHandle?.(session)
      }
    }
  }
}

export { Command }
