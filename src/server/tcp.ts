/**
 * The TCP listener: accepts connections and runs each as a session fiber in a FiberSet. Disable
 * closes the listening port and drops every session; enable listens again on the same port.
 */
import { Effect, FiberSet, Queue } from "effect"
import * as net from "node:net"
import type { ControlState, ServerControlService } from "./control.js"
import type { ProcessLimitsService } from "./limits.js"
import type { ConnectionRegistryService } from "./registry.js"
import { runSession, type SessionOptions } from "./session.js"

export class ListenError extends Error {
  readonly _tag = "ListenError"
}

export interface TcpOptions {
  readonly host: string
  readonly port: number
  readonly maxSessions: number
  /** The process-wide limits (sessions per peer and in all, memory) this server shares. */
  readonly limits: ProcessLimitsService
}

const listen = (server: net.Server, host: string, port: number) =>
  Effect.async<{ host: string; port: number }, ListenError>((resume) => {
    const onError = (e: Error) => resume(Effect.fail(new ListenError(`cannot listen on ${host}:${port}: ${e.message}`)))
    server.once("error", onError)
    server.listen({ host, port, exclusive: true }, () => {
      server.off("error", onError)
      const a = server.address() as net.AddressInfo
      resume(Effect.succeed({ host: a.address, port: a.port }))
    })
  })

/** Stop listening at once (node's close callback would wait for every session to end). */
const close = (server: net.Server) =>
  Effect.sync(() => {
    if (server.listening) server.close()
  })

/**
 * Listen (scoped) and serve sessions until the scope closes. Returns the bound address; a
 * background fiber follows the control's `disabled` flag.
 */
export const serveTcp = (
  options: TcpOptions,
  session: SessionOptions,
  control: ServerControlService,
  registry: ConnectionRegistryService
) =>
  Effect.gen(function* () {
    const sessions = yield* FiberSet.make<void, never>()
    const fork = yield* FiberSet.runtime(sessions)<never>()
    const onConnection = (socket: net.Socket) => {
      socket.setNoDelay(true)
      if (registry.size() >= options.maxSessions || control.unsafeState().disabled) {
        registry.countRefused()
        socket.destroy()
        return
      }
      const admitted = options.limits.admit((socket.remoteAddress ?? "?").replace(/^::ffff:/, ""))
      if (typeof admitted === "string") {
        registry.countRefused()
        socket.destroy()
        return
      }
      registry.countAccepted()
      fork(runSession(socket, session, admitted))
    }
    // Not reading until the session takes the socket over (see readBuffer.ts).
    let server = net.createServer({ noDelay: true, pauseOnConnect: true }, onConnection)
    const bound = yield* listen(server, options.host, options.port)
    yield* control.setListening(true)
    yield* Effect.addFinalizer(() => Effect.suspend(() => close(server)).pipe(Effect.zipRight(control.setListening(false))))

    // Disable: stop listening and drop everyone; enable: listen again on the same port. A new
    // idle timeout applies to the sessions already open, not only to later ones. Changes are
    // handled in order by one fiber (a queue fed by a synchronous listener: a fleet has
    // hundreds of these, and a Stream per controller costs much more to build).
    const changes = yield* Queue.unbounded<ControlState>()
    let disabled = control.unsafeState().disabled
    let timeout = control.unsafeState().timeout
    const off = control.onChange((s) => { changes.unsafeOffer(s) })
    yield* Effect.addFinalizer(() => Effect.sync(off))
    const follow = (s: ControlState): Effect.Effect<void> => {
      const rearm = s.timeout !== timeout
      timeout = s.timeout
      if (rearm) for (const entry of registry.entries()) entry.rearm?.()
      if (s.disabled === disabled) return Effect.void
      disabled = s.disabled
      return disabled
        ? close(server).pipe(Effect.zipRight(control.setListening(false)), Effect.zipRight(registry.dropAll), Effect.asVoid)
        : Effect.suspend(() => {
            if (server.listening) return Effect.void
            server = net.createServer({ noDelay: true, pauseOnConnect: true }, onConnection)
            return listen(server, bound.host, bound.port).pipe(
              Effect.zipRight(control.setListening(true)),
              Effect.catchAll((e) => Effect.logError(e.message)),
              Effect.asVoid
            )
          })
    }
    yield* Effect.forkScoped(Effect.forever(Effect.flatMap(Queue.take(changes), follow)))
    return bound
  })
