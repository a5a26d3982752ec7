/**
 * One EtherNet/IP session over TCP: connect (with timeout), RegisterSession, optional Forward
 * Open (Large first, then plain), and the request path used by the pipelining engine.
 *
 * The hot path is synchronous: requests are encoded and written on the raw node socket, and the
 * socket's data callback cuts frames, matches them to pending requests (sender context, or the
 * connected sequence count) and completes them — no fiber per request. A sweeper fiber expires
 * overdue requests; EOF or a socket error fails everything pending. Release runs Forward Close,
 * UnregisterSession and closes the socket.
 */
import { Duration, Effect, Either, Schedule, type Scope } from "effect"
import * as net from "node:net"
import type { CipReply, CipRequest, EPath, ForwardOpenReply } from "../cip/model.js"
import { ClassId } from "../cip/model.js"
import { decodeReply } from "../cip/reply.js"
import { encodeRequest } from "../cip/request.js"
import { describeStatus, encapStatusName } from "../cip/status.js"
import { decodeFrame, encodeFrame } from "../enip/frame.js"
import { makeFramer } from "../enip/framer.js"
import { Command, type EnipBody, type EnipFrame } from "../enip/model.js"
import { encodeSendRRData, encodeSendUnitData, peekFrame } from "./wire.js"
import { ClientError } from "./errors.js"
import type { SendRequest } from "./processor.js"
import { RequestTable, type Completion } from "./requestTable.js"

/** How to reach the controller and how to talk to it. */
export interface SessionOptions {
  readonly host: string
  readonly port: number
  /** Connect timeout and per-request timeout (default 5 seconds). */
  readonly timeout?: Duration.DurationInput
  /** Route path for Unconnected Send and Forward Open (default `1/0`: backplane, slot 0). */
  readonly routePath?: EPath
  /** A simple (non-routing) device: no Unconnected Send, no route path in Forward Open. */
  readonly simple?: boolean
  /** Use a class 3 connection (Large Forward Open, falling back to Forward Open). */
  readonly connected?: boolean
  /** Connection size to ask for (default 4002 for Large Forward Open, 504 for Forward Open). */
  readonly connectionSize?: number
  /** Skip RegisterSession (discovery commands need no session). */
  readonly register?: boolean
  /**
   * Where Unconnected Send goes (default `@6/1`, the Connection Manager). `[]` sends requests
   * without Unconnected Send, whatever the route path (cpppo's `--send-path ''`).
   */
  readonly sendPath?: EPath
  /** Tick length for routed requests' and Forward Open's timeouts: 2^N ms (default 5, 32 ms). */
  readonly priorityTimeTick?: number
  /** Timeout of routed requests and Forward Open, in ticks (default 157: 157 × 32 ms ≈ 5 s). */
  readonly timeoutTicks?: number
}

/** A registered session; `send` is the engine's hot path, `request` the same as an Effect. */
export interface Session {
  readonly send: SendRequest
  readonly request: (req: CipRequest) => Effect.Effect<CipReply, ClientError>
  /** Any encapsulation command (ListIdentity, …) matched by sender context. */
  readonly command: (body: EnipBody) => Effect.Effect<EnipFrame, ClientError>
  /** Largest CIP request one transaction may carry on this session. */
  readonly maxRequest: number
  readonly sessionHandle: number
  /** The negotiated connection (connected mode) or undefined. */
  readonly connection: { readonly size: number; readonly large: boolean; readonly otConnectionId: number } | undefined
  /** This end of the TCP connection (the server's registry keys sessions by it). */
  readonly local?: { readonly address: string; readonly port: number }
}

export const DEFAULT_ROUTE_PATH: EPath = [{ _tag: "Port", port: 1, link: 0 }]
const CONNECTION_MANAGER: EPath = [{ _tag: "Class", id: ClassId.ConnectionManager }, { _tag: "Instance", id: 1 }]
const MESSAGE_ROUTER: EPath = [{ _tag: "Class", id: ClassId.MessageRouter }, { _tag: "Instance", id: 1 }]
/** cpppo's defaults: 2^5 ms ticks × 157 ≈ 5 s for the target's routing timeout. */
const PRIORITY_TIME_TICK = 5
const TIMEOUT_TICKS = 157
/** The unconnected message limit of a Logix controller (the UCMM buffer). */
const UNCONNECTED_SIZE = 504
const ORIGINATOR_VENDOR = 0x1337
const MAX_FRAME = 65535 + 24
/** Encapsulation commands a server sends (replies), including the legacy list-targets 0x0001. */
const REPLY_COMMANDS = new Set([0x0000, 0x0001, 0x0004, 0x0063, 0x0064, 0x0065, 0x0066, 0x006f, 0x0070])

const closedError = (why: string) => new ClientError({ reason: "Closed", message: why })

const openSocket = (host: string, port: number, timeout: Duration.Duration) =>
  Effect.async<net.Socket, ClientError>((resume) => {
    const socket = net.connect({ host, port, noDelay: true })
    const onError = (e: Error) => {
      socket.destroy()
      resume(Effect.fail(new ClientError({ reason: "Connect", message: `cannot connect to ${host}:${port}: ${e.message}` })))
    }
    socket.once("error", onError)
    socket.once("connect", () => {
      socket.off("error", onError)
      socket.setKeepAlive(true)
      resume(Effect.succeed(socket))
    })
    return Effect.sync(() => socket.destroy())
  }).pipe(
    Effect.timeoutFail({
      duration: timeout,
      onTimeout: () => new ClientError({ reason: "Connect", message: `cannot connect to ${host}:${port}: timed out after ${Duration.format(timeout)}` })
    })
  )

/**
 * Open a session (scoped). Fails with `ClientError` when the TCP connect, RegisterSession or
 * both Forward Opens fail.
 */
export const openSession = (options: SessionOptions): Effect.Effect<Session, ClientError, Scope.Scope> =>
  Effect.gen(function* () {
    const timeout = Duration.decode(options.timeout ?? "5 seconds")
    const timeoutMs = Duration.toMillis(timeout)
    const clock = yield* Effect.clock
    const routePath = options.simple === true ? [] : (options.routePath ?? DEFAULT_ROUTE_PATH)
    const sendPath = options.sendPath ?? CONNECTION_MANAGER
    const priorityTimeTick = options.priorityTimeTick ?? PRIORITY_TIME_TICK
    const timeoutTicks = options.timeoutTicks ?? TIMEOUT_TICKS
    const unconnectedSend = routePath.length > 0 && sendPath.length > 0
    const socket = yield* Effect.acquireRelease(openSocket(options.host, options.port, timeout), (s) =>
      Effect.sync(() => s.destroy()))

    // Pending requests hold the raw reply frame; each completion decodes what it needs.
    const byContext = new RequestTable<Uint8Array>(2 ** 32)
    const bySequence = new RequestTable<Uint8Array>(2 ** 16)
    const closeAll = (e: ClientError) => {
      byContext.close(e)
      bySequence.close(e)
    }
    const framer = makeFramer(MAX_FRAME)
    socket.on("data", (chunk: Uint8Array) => {
      // At a frame boundary the next two bytes must be a command a server answers with; anything
      // else is garbage, after which no frame boundary can be trusted: the session is broken.
      if (framer.buffered === 0 && chunk.length >= 2 && !REPLY_COMMANDS.has(chunk[0]! | (chunk[1]! << 8))) {
        closeAll(new ClientError({ reason: "Protocol", message: `garbage from the server (command 0x${(chunk[0]! | (chunk[1]! << 8)).toString(16).padStart(4, "0")})` }))
        socket.destroy()
        return
      }
      const frames = framer.push(chunk)
      if (Either.isLeft(frames)) {
        closeAll(new ClientError({ reason: "Protocol", message: `bad frame from the server: ${frames.left.message}` }))
        socket.destroy()
        return
      }
      // Requests sent while completing these replies leave in one write (one syscall).
      socket.cork()
      for (const bytes of frames.right) {
        const peek = peekFrame(bytes)
        if (peek === undefined) continue // malformed: its request times out
        if (peek.command === Command.SendUnitData && peek.sequence >= 0) bySequence.complete(peek.sequence, Either.right(bytes))
        else byContext.complete(peek.key, Either.right(bytes))
      }
      socket.uncork()
    })
    socket.on("error", (e) => closeAll(closedError(`connection error: ${e.message}`)))
    socket.on("close", () => closeAll(closedError("connection closed by the server")))
    socket.on("end", () => closeAll(closedError("connection closed by the server")))

    // One sweeper per session instead of a timer per request.
    const tick = Duration.millis(Math.max(5, Math.min(100, timeoutMs / 10)))
    const describe = () => `no reply within ${Duration.format(timeout)}`
    yield* Effect.forkScoped(
      Effect.sync(() => {
        const now = clock.unsafeCurrentTimeMillis()
        byContext.expire(now, describe)
        bySequence.expire(now, describe)
      }).pipe(Effect.repeat(Schedule.spaced(tick)))
    )

    let sessionHandle = 0
    const context = new Uint8Array(8)
    const write = (bytes: Uint8Array) => { socket.write(bytes) }

    /**
     * Send an encapsulation body keyed by sender context; `done` gets the reply frame. Keys
     * allocated are never 0, so key 0 (an all-zero sender context) is free for RegisterSession.
     */
    const sendBody = (body: EnipBody, done: Completion<Uint8Array>, key = byContext.allocate()): void => {
      if (!byContext.add(key, clock.unsafeCurrentTimeMillis() + timeoutMs, done)) return
      context[0] = key & 0xff; context[1] = (key >>> 8) & 0xff; context[2] = (key >>> 16) & 0xff; context[3] = key >>> 24
      write(encodeFrame({ header: { sessionHandle, status: 0, senderContext: context, options: 0 }, body }))
    }
    const command = (body: EnipBody, key?: number) =>
      Effect.async<EnipFrame, ClientError>((resume) => {
        sendBody(body, (r) => {
          if (Either.isLeft(r)) return resume(Either.left(r.left))
          const f = decodeFrame(r.right)
          resume(Either.isLeft(f) ? Either.left(new ClientError({ reason: "Protocol", message: `undecodable reply: ${f.left.message}` })) : Either.right(f.right))
        }, key)
      })

    /** Decode the CIP reply inside a SendRRData/SendUnitData reply frame, for `req`. */
    const cipReply = (bytes: Uint8Array, req: CipRequest, routed: boolean): Either.Either<CipReply, ClientError> => {
      const f = peekFrame(bytes)
      if (f === undefined) return Either.left(new ClientError({ reason: "Protocol", message: "malformed reply frame" }))
      if (f.status !== 0) {
        return Either.left(new ClientError({ reason: "Encapsulation", message: `encapsulation status 0x${f.status.toString(16)}: ${encapStatusName(f.status)}` }))
      }
      if (f.command !== Command.SendRRData && f.command !== Command.SendUnitData) {
        return Either.left(new ClientError({ reason: "Protocol", message: `unexpected ${commandName(f.command)} reply` }))
      }
      const data = f.data
      if (data === undefined || data.length < 4) return Either.left(new ClientError({ reason: "Protocol", message: "reply without CIP data" }))
      // A routed request is answered with the embedded reply itself, unless Unconnected Send
      // failed (reply service 0xD2): then it is an error reply about the routing.
      const target = routed && data[0] === 0xd2 ? wrap(req) : req
      const r = decodeReply(data, target)
      if (Either.isLeft(r)) return Either.left(new ClientError({ reason: "Protocol", message: `undecodable reply: ${r.left.message}` }))
      return Either.right(r.right)
    }
    // Requests repeat (the same operations polled again and again): encode each object once.
    const encodedPlain = new WeakMap<CipRequest, Uint8Array>()
    const encodedRouted = new WeakMap<CipRequest, Uint8Array>()
    const encoded = (req: CipRequest, routed: boolean): Uint8Array => {
      const cache = routed ? encodedRouted : encodedPlain
      let b = cache.get(req)
      if (b === undefined) { b = encodeRequest(routed ? wrap(req) : req); cache.set(req, b) }
      return b
    }
    const wrap = (req: CipRequest): CipRequest => ({
      _tag: "UnconnectedSend",
      path: sendPath,
      priorityTimeTick,
      timeoutTicks,
      request: req,
      routePath
    })

    /** Unconnected: SendRRData, through Unconnected Send unless simple. */
    const sendUnconnected = (req: CipRequest, done: Completion<CipReply>, routed = unconnectedSend): void => {
      const key = byContext.allocate()
      const ok = byContext.add(key, clock.unsafeCurrentTimeMillis() + timeoutMs, (r) =>
        done(Either.isLeft(r) ? Either.left(r.left) : cipReply(r.right, req, routed)))
      if (ok) write(encodeSendRRData(sessionHandle, key, encoded(req, routed)))
    }
    const request = (req: CipRequest) =>
      Effect.async<CipReply, ClientError>((resume) => {
        send(req, (r) => resume(r))
      })

    if (options.register !== false) {
      // A zero sender context, as libplctag and pylogix send it: ab_server and some embedded
      // devices refuse any other (encapsulation status 0x0001).
      const reg = yield* command({ _tag: "RegisterSession", protocolVersion: 1, options: 0 }, 0)
      if (reg.header.status !== 0 || reg.header.sessionHandle === 0) {
        return yield* Effect.fail(new ClientError({ reason: "Session", message: `RegisterSession refused: ${encapStatusName(reg.header.status)}` }))
      }
      sessionHandle = reg.header.sessionHandle
      yield* Effect.logDebug(`EtherNet/IP session 0x${sessionHandle.toString(16)} registered with ${options.host}:${options.port}`)
      yield* Effect.addFinalizer(() =>
        Effect.sync(() => {
          if (byContext.closed === undefined) {
            write(encodeFrame({ header: { sessionHandle, status: 0, senderContext: new Uint8Array(8), options: 0 }, body: { _tag: "UnregisterSession" } }))
          }
          socket.end()
        }))
    }

    let connection: Session["connection"]
    let send: SendRequest = (req, done) => sendUnconnected(req, done)
    let maxRequest = unconnectedSend ? UNCONNECTED_SIZE - 12 - 2 * routePath.length - 4 : UNCONNECTED_SIZE
    if (options.connected === true) {
      const serial = (Math.random() * 0xffff) | 0
      const originatorSerial = (Math.random() * 0xffffffff) >>> 0
      const toConnectionId = (Math.random() * 0xffffffff) >>> 0
      const connectionPath: EPath = [...routePath, ...MESSAGE_ROUTER]
      const forwardOpen = (large: boolean, size: number) => {
        const params = { size, variable: true, priority: 0, type: 2, redundantOwner: false }
        const req: CipRequest = {
          _tag: "ForwardOpen", path: CONNECTION_MANAGER, large,
          priorityTimeTick, timeoutTicks,
          otConnectionId: 0, toConnectionId, connectionSerial: serial,
          originatorVendor: ORIGINATOR_VENDOR, originatorSerial,
          timeoutMultiplier: 3, otRpi: 2_000_000, otParams: params, toRpi: 2_000_000, toParams: params,
          transportClassTrigger: 0xa3, connectionPath
        }
        return Effect.async<CipReply, ClientError>((resume) => sendUnconnected(req, (r) => resume(r), false))
      }
      const large = yield* forwardOpen(true, options.connectionSize ?? 4002)
      let opened: { reply: ForwardOpenReply; size: number } | undefined
      if (large._tag === "ForwardOpen" && large.status === 0) opened = { reply: large, size: options.connectionSize ?? 4002 }
      else {
        const size = Math.min(options.connectionSize ?? 504, 511)
        const small = yield* forwardOpen(false, size)
        if (small._tag === "ForwardOpen" && small.status === 0) opened = { reply: small, size }
        else {
          return yield* Effect.fail(new ClientError({ reason: "Session", message: `Forward Open refused: ${describeStatus(small.status, small.extStatus)}` }))
        }
      }
      const { reply, size } = opened
      const otConnectionId = reply.otConnectionId
      connection = { size, large: reply.large, otConnectionId }
      yield* Effect.logDebug(`${reply.large ? "Large " : ""}Forward Open: connection 0x${otConnectionId.toString(16)}, size ${size}`)
      maxRequest = size - 2
      const sendConnected: SendRequest = (req, done) => {
        const seq = bySequence.allocate()
        const ok = bySequence.add(seq, clock.unsafeCurrentTimeMillis() + timeoutMs, (r) =>
          done(Either.isLeft(r) ? Either.left(r.left) : cipReply(r.right, req, false)))
        if (!ok) return
        write(encodeSendUnitData(sessionHandle, otConnectionId, seq, encoded(req, false)))
      }
      send = sendConnected
      yield* Effect.addFinalizer(() =>
        byContext.closed !== undefined
          ? Effect.void
          : Effect.async<void>((resume) => {
            sendUnconnected({
              _tag: "ForwardClose", path: CONNECTION_MANAGER, priorityTimeTick, timeoutTicks,
              connectionSerial: serial, originatorVendor: ORIGINATOR_VENDOR, originatorSerial, connectionPath
            }, () => resume(Effect.void), false)
          }))
    }

    return {
      send: (req, done) => send(req, done),
      request,
      command,
      maxRequest,
      sessionHandle,
      connection,
      local: { address: socket.localAddress ?? "", port: socket.localPort ?? 0 }
    } satisfies Session
  })

/** The encapsulation command code of a body (for logs). */
export const commandName = (command: number): string =>
  Object.entries(Command).find(([, v]) => v === command)?.[0] ?? `0x${command.toString(16)}`
