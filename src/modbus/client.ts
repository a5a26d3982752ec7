/**
 * A Modbus/TCP client connection: scoped (the socket closes with the scope), pipelined (requests
 * are matched to responses by transaction id, so many may be in flight), with a timeout per
 * request. The socket's data path is a synchronous callback (framer → match → resume), as on the
 * server side; one Effect per request, none per byte.
 *
 * Failures are values of `ModbusError`: `Connect`, `Timeout`, `Closed` (the connection ended
 * with the request pending), `Exception` (the device answered an exception; `code`), `Malformed`
 * (a response that does not fit the request).
 */
import { Data, Deferred, Effect, Exit, type Scope } from "effect"
import * as net from "node:net"
import { decodeResponse, describeException, encodeAdu, encodeRequest, makeMbapFramer, MBAP_SIZE, type ModbusRequest, type ModbusResponse } from "./codec.js"

export class ModbusError extends Data.TaggedError("ModbusError")<{
  readonly reason: "Connect" | "Timeout" | "Closed" | "Exception" | "Malformed"
  /** The exception code, for `Exception`. */
  readonly code?: number
  readonly message: string
}> {}

/** A successful response (exceptions and malformed responses are failures). */
export type ModbusReply = Exclude<ModbusResponse, { readonly _tag: "Exception" } | { readonly _tag: "Malformed" }>

export interface ConnectOptions {
  readonly host: string
  readonly port: number
  /** Connect timeout and the default per-request timeout, milliseconds (default 3000). */
  readonly timeout?: number
}

export interface ModbusConnection {
  /** Send one request to `unit`; resolves with its response. */
  readonly request: (unit: number, request: ModbusRequest, timeoutMs?: number) => Effect.Effect<ModbusReply, ModbusError>
  /** Requests awaiting a response. */
  readonly pending: () => number
  /** Responses received so far (values or exceptions; not malformed ones): the device has spoken. */
  readonly answered: () => number
  /** Completes when the connection has ended (by either side). */
  readonly closed: Effect.Effect<void>
  readonly isOpen: () => boolean
  /** Close now; pending requests fail with `Closed`. */
  readonly close: () => void
}

interface Pending {
  readonly request: ModbusRequest
  readonly resume: (e: Effect.Effect<ModbusReply, ModbusError>) => void
  timer: ReturnType<typeof setTimeout> | undefined
}

const connectSocket = (options: ConnectOptions, timeout: number) =>
  Effect.async<net.Socket, ModbusError>((resume) => {
    const socket = net.connect({ host: options.host, port: options.port, noDelay: true })
    let settled = false
    const fail = (why: string) => {
      if (settled) return // after connecting, the connection's own listeners take errors
      settled = true
      clearTimeout(timer)
      socket.destroy()
      resume(Effect.fail(new ModbusError({ reason: "Connect", message: `cannot connect to ${options.host}:${options.port}: ${why}` })))
    }
    const timer = setTimeout(() => fail(`no answer within ${timeout} ms`), timeout)
    // Kept after connecting: an error before the connection's listeners attach must not be an
    // uncaught 'error' event (the connection sees the socket destroyed and ends).
    socket.on("error", (e) => fail(e.message))
    socket.once("connect", () => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resume(Effect.succeed(socket))
    })
    return Effect.sync(() => { clearTimeout(timer); socket.destroy() })
  })

/** Open a connection in the current scope. */
export const connectModbus = (options: ConnectOptions): Effect.Effect<ModbusConnection, ModbusError, Scope.Scope> =>
  Effect.gen(function* () {
    const timeout = options.timeout ?? 3000
    const socket = yield* Effect.acquireRelease(connectSocket(options, timeout), (s) => Effect.sync(() => s.destroy()))
    const ended = yield* Deferred.make<void>()
    const pending = new Map<number, Pending>()
    const framer = makeMbapFramer()
    let next = 1
    let open = true

    const finish = (why: string) => {
      if (!open) return
      open = false
      socket.destroy()
      const all = [...pending.values()]
      pending.clear()
      for (const p of all) {
        if (p.timer !== undefined) clearTimeout(p.timer)
        p.resume(Effect.fail(new ModbusError({ reason: "Closed", message: `connection to ${options.host}:${options.port} closed: ${why}` })))
      }
      Deferred.unsafeDone(ended, Exit.void)
    }

    let answered = 0
    socket.on("data", (chunk: Uint8Array) => {
      const { frames, error } = framer.push(chunk)
      for (const frame of frames) {
        const id = (frame[0]! << 8) | frame[1]!
        const p = pending.get(id)
        if (p === undefined) continue // a response to a request that timed out: dropped
        pending.delete(id)
        if (p.timer !== undefined) clearTimeout(p.timer)
        const r = decodeResponse(p.request, frame.subarray(MBAP_SIZE))
        if (r._tag !== "Malformed") answered++
        if (r._tag === "Exception") p.resume(Effect.fail(new ModbusError({ reason: "Exception", code: r.code, message: describeException(r.code) })))
        else if (r._tag === "Malformed") p.resume(Effect.fail(new ModbusError({ reason: "Malformed", message: `malformed response: ${r.reason}` })))
        else p.resume(Effect.succeed(r))
      }
      if (error !== undefined) finish(error)
    })
    socket.on("end", () => finish("closed by the device"))
    socket.on("close", () => finish("closed"))
    socket.on("error", (e) => finish(e.message))
    if (socket.destroyed) finish("closed before it was used")
    yield* Effect.addFinalizer(() => Effect.sync(() => finish("closed by the client")))

    const request = (unit: number, req: ModbusRequest, timeoutMs?: number) =>
      Effect.async<ModbusReply, ModbusError>((resume) => {
        if (!open) {
          resume(Effect.fail(new ModbusError({ reason: "Closed", message: `not connected to ${options.host}:${options.port}` })))
          return
        }
        let id = next
        while (pending.has(id)) id = (id + 1) & 0xffff
        next = (id + 1) & 0xffff
        const ms = timeoutMs ?? timeout
        const entry: Pending = { request: req, resume, timer: undefined }
        entry.timer = setTimeout(() => {
          if (pending.get(id) !== entry) return
          pending.delete(id)
          resume(Effect.fail(new ModbusError({ reason: "Timeout", message: `no response from ${options.host}:${options.port} within ${ms} ms` })))
        }, ms)
        pending.set(id, entry)
        socket.write(encodeAdu(id, unit, encodeRequestCached(req)))
        return Effect.sync(() => {
          if (pending.get(id) === entry) { pending.delete(id); clearTimeout(entry.timer) }
        })
      })

    return {
      request,
      pending: () => pending.size,
      answered: () => answered,
      closed: Deferred.await(ended),
      isOpen: () => open,
      close: () => finish("closed by the client")
    } satisfies ModbusConnection
  })

/** Poll requests repeat every cycle: their encoding is kept with the request object. */
const encoded = new WeakMap<ModbusRequest, Uint8Array>()
const encodeRequestCached = (r: ModbusRequest): Uint8Array => {
  let b = encoded.get(r)
  if (b === undefined) { b = encodeRequest(r); encoded.set(r, b) }
  return b
}
