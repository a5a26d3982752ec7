/**
 * One session (runSession) over a socket double (fakeSocket.ts), for the session tests that watch
 * what a real socket hides: reading paused or not, bytes left unsent, one write per chunk, FIN
 * versus destroy, and timers moved by the test (vi.useFakeTimers). The handler is the tests':
 * op 1 echoes; 2 throws; 3 replies and closes; 4 echoes when the test opens its gate (an Effect
 * that waits, like a custom Attribute); 5 answers nothing. A framing error answers op 0xee, or
 * nothing when `framingReply` is false.
 */
import { Deferred, Effect, Exit, Fiber, FiberId, Scope } from "effect"
import { makeServerControl, type ControlOptions, type ServerControlService } from "../../src/server/control.js"
import { sessionFramer } from "../../src/server/framing.js"
import type { ProcessLimitsService } from "../../src/server/limits.js"
import { makeConnectionRegistry, type ConnectionRegistryService } from "../../src/server/registry.js"
import { type FrameOutcome, runSession, type SessionOptions } from "../../src/server/session.js"
import { ControllerStats } from "../../src/server/stats.js"
import { FakeSocket } from "./fakeSocket.js"
import { frame, nOf, nsOf } from "./sessionFrames.js"

export interface HarnessOptions extends ControlOptions {
  readonly maxOutput?: number
  readonly maxQueued?: number
  readonly limits?: ProcessLimitsService
  readonly congested?: () => boolean
  /** Give runSession an `admitted` callback (default true). */
  readonly admitted?: boolean
  /** Answer a framing error with a 0xee frame (default true) or nothing. */
  readonly framingReply?: boolean
  readonly socket?: FakeSocket
  /** Count bytes and latency in a ControllerStats (default true). */
  readonly stats?: boolean
}

export interface Harness {
  readonly socket: FakeSocket
  readonly control: ServerControlService
  readonly registry: ConnectionRegistryService
  readonly stats: ControllerStats
  /** The numbers of the frames the handler was given, in order. */
  readonly seen: Array<number>
  /** What makeHandler was told about the connection. */
  readonly info: Array<{ peer: string; peerPort: number; local: string; localPort: number }>
  /** What each framing error told the handler. */
  readonly framingErrors: Array<{ readonly reason: string; readonly header?: Uint8Array }>
  /** Times the handler's close() and the `admitted` release were called. */
  readonly counts: { handlerClosed: number; admittedReleased: number }
  /** Let the gated frame numbered `n` be answered. */
  readonly open: (n: number) => void
  /** The numbers of the replies the peer has received, in order. */
  readonly replies: () => Array<number>
  /** The session's fiber has ended; its exit. */
  readonly exit: () => Exit.Exit<void> | undefined
  readonly done: () => Promise<void>
}

/** A few turns of the event loop (setImmediate is never faked here): promises, ticks and fibers settle. */
export const turns = async (n = 10): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise<void>((r) => setImmediate(r))
}

/** Real time passes (a few ms at a time, up to 3 s) until `ok()` holds. */
export const until = async (ok: () => boolean): Promise<void> => {
  for (let i = 0; i < 600 && !ok(); i++) await new Promise((r) => setTimeout(r, 5))
}

export const startSession = async (options: HarnessOptions = {}): Promise<Harness> => {
  const scope = Effect.runSync(Scope.make())
  const control = Effect.runSync(Scope.extend(makeServerControl(options), scope))
  const registry = makeConnectionRegistry()
  const stats = new ControllerStats()
  const socket = options.socket ?? new FakeSocket()
  const seen: Array<number> = []
  const info: Harness["info"] = []
  const framingErrors: Harness["framingErrors"] = []
  const counts = { handlerClosed: 0, admittedReleased: 0 }
  const gates = new Map<number, Deferred.Deferred<void>>()
  const gate = (n: number) => {
    let d = gates.get(n)
    if (d === undefined) { d = Deferred.unsafeMake<void>(FiberId.none); gates.set(n, d) }
    return d
  }
  const handle = (f: Uint8Array): FrameOutcome => {
    const n = nOf(f)
    seen.push(n)
    switch (f[24]) {
      case 1: return f.slice()
      case 2: throw new Error("handler bug")
      case 3: return { reply: f.slice(), close: true }
      case 4: { const copy = f.slice(); return Effect.as(Deferred.await(gate(n)), copy) }
      default: return undefined
    }
  }
  const session: SessionOptions = {
    makeFramer: () => sessionFramer(100),
    makeHandler: (i) => {
      info.push(i)
      return {
        frame: handle,
        framingError: (e) => {
          framingErrors.push(e)
          return options.framingReply === false ? undefined : frame(0xee, 0xee)
        },
        close: () => { counts.handlerClosed++ }
      }
    },
    control, registry,
    ...(options.stats === false ? {} : { stats }),
    maxOutput: options.maxOutput ?? 1 << 20,
    ...(options.maxQueued !== undefined ? { maxQueued: options.maxQueued } : {}),
    ...(options.limits !== undefined ? { limits: options.limits } : {}),
    ...(options.congested !== undefined ? { congested: options.congested } : {})
  }
  const admitted = options.admitted === false ? undefined : () => { counts.admittedReleased++ }
  const fiber = Effect.runFork(runSession(socket.asSocket, session, admitted))
  await turns(2)
  return {
    socket, control, registry, stats, seen, info, framingErrors, counts,
    open: (n) => { Deferred.unsafeDone(gate(n), Exit.void) },
    replies: () => nsOf(socket.received),
    exit: () => fiber.unsafePoll() ?? undefined,
    done: async () => {
      await Effect.runPromise(Fiber.interrupt(fiber))
      await Effect.runPromise(Scope.close(scope, Exit.void))
    }
  }
}

/** Frames `ns` of op `op`, as one chunk. */
export const chunk = (op: number, ...ns: Array<number>): Uint8Array => Buffer.concat(ns.map((n) => frame(op, n)))
